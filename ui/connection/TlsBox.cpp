#include "connection/TlsBox.h"

#include "connection/PathField.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLineEdit>
#include <QRadioButton>

namespace kiq::ui {

TlsBox::TlsBox(QWidget* parent)
    : QGroupBox(tr("Use TLS"), parent)
    , m_systemStore(new QRadioButton(tr("System certificate store"), this))
    , m_caFileChoice(new QRadioButton(tr("CA file:"), this))
    , m_caDirChoice(new QRadioButton(tr("CA directory:"), this))
    , m_caFile(new PathField(PathField::Kind::File, tr("Choose the CA certificate file"), this))
    , m_caDir(new PathField(PathField::Kind::Directory, tr("Choose the CA directory"), this))
    , m_certFile(new PathField(PathField::Kind::File, tr("Choose the client certificate"), this))
    , m_keyFile(new PathField(PathField::Kind::File, tr("Choose the client key"), this))
    , m_keyPassphrase(new QLineEdit(this))
    , m_keyPassphraseRequired(new QCheckBox(tr("The key is encrypted: ask for its passphrase when connecting"), this))
    , m_sni(new QLineEdit(this))
    , m_verifyPeer(new QCheckBox(tr("Verify the server's certificate"), this))
    , m_verifyHostname(new QCheckBox(tr("Verify that the certificate matches the host name"), this))
{
    setObjectName(QStringLiteral("tls"));
    setCheckable(true);
    m_caFile->setObjectName(QStringLiteral("caFile"));
    m_caDir->setObjectName(QStringLiteral("caDir"));
    m_certFile->setObjectName(QStringLiteral("certFile"));
    m_keyFile->setObjectName(QStringLiteral("keyFile"));
    m_keyPassphrase->setObjectName(QStringLiteral("keyPassphrase"));
    m_keyPassphraseRequired->setObjectName(QStringLiteral("keyPassphraseRequired"));
    m_sni->setObjectName(QStringLiteral("sni"));
    m_verifyPeer->setObjectName(QStringLiteral("verifyPeer"));
    m_verifyHostname->setObjectName(QStringLiteral("verifyHostname"));
    m_certFile->setPlaceholderText(tr("only for servers that require client certificates"));
    m_sni->setPlaceholderText(tr("default: the host name"));
    m_keyPassphrase->setEchoMode(QLineEdit::Password);
    m_keyPassphrase->setPlaceholderText(tr("only for an encrypted key; not saved: asked when connecting"));
    connect(m_keyPassphrase, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.isEmpty()) m_keyPassphraseRequired->setChecked(true);
    });

    auto* group = new QButtonGroup(this);
    for (QRadioButton* b : {m_systemStore, m_caFileChoice, m_caDirChoice}) group->addButton(b);

    auto* trust = new QGridLayout;
    trust->addWidget(m_systemStore, 0, 0, 1, 2);
    trust->addWidget(m_caFileChoice, 1, 0);
    trust->addWidget(m_caFile, 1, 1);
    trust->addWidget(m_caDirChoice, 2, 0);
    trust->addWidget(m_caDir, 2, 1);
    trust->setColumnStretch(1, 1);

    auto* form = new QFormLayout(this);
    form->addRow(tr("Trust:"), trust);
    form->addRow(tr("Client certificate:"), m_certFile);
    form->addRow(tr("Client key:"), m_keyFile);
    form->addRow(tr("Key passphrase:"), m_keyPassphrase);
    form->addRow(QString(), m_keyPassphraseRequired);
    form->addRow(tr("Server name (SNI):"), m_sni);
    form->addRow(QString(), m_verifyPeer);
    form->addRow(QString(), m_verifyHostname);

    for (QRadioButton* b : {m_systemStore, m_caFileChoice, m_caDirChoice})
        connect(b, &QRadioButton::toggled, this, &TlsBox::updateEnabled);
    connect(m_verifyPeer, &QCheckBox::toggled, this, &TlsBox::updateEnabled);
    setTlsOptions(kiq::redis::TlsOptions {});
}

void TlsBox::setTlsOptions(const kiq::redis::TlsOptions& tls, bool keyPassphraseRequired)
{
    setChecked(tls.enabled);
    m_caFile->setPath(QString::fromStdString(tls.caFile));
    m_caDir->setPath(QString::fromStdString(tls.caDir));
    (tls.caFile.empty() ? tls.caDir.empty() ? m_systemStore : m_caDirChoice : m_caFileChoice)->setChecked(true);
    m_certFile->setPath(QString::fromStdString(tls.certFile));
    m_keyFile->setPath(QString::fromStdString(tls.keyFile));
    m_keyPassphrase->setText(QString::fromStdString(tls.keyPassphrase));
    m_keyPassphraseRequired->setChecked(keyPassphraseRequired || !tls.keyPassphrase.empty());
    m_sni->setText(QString::fromStdString(tls.sni));
    m_verifyPeer->setChecked(tls.verifyPeer);
    m_verifyHostname->setChecked(tls.verifyHostname);
    updateEnabled();
}

kiq::redis::TlsOptions TlsBox::tlsOptions() const
{
    kiq::redis::TlsOptions tls;
    tls.enabled = isChecked();
    // Only the chosen trust source is used; a path typed under another choice is ignored, not merged.
    if (m_caFileChoice->isChecked()) tls.caFile = m_caFile->path().toStdString();
    if (m_caDirChoice->isChecked()) tls.caDir = m_caDir->path().toStdString();
    tls.certFile = m_certFile->path().toStdString();
    tls.keyFile = m_keyFile->path().toStdString();
    tls.keyPassphrase = m_keyPassphrase->text().toStdString();
    tls.sni = m_sni->text().trimmed().toStdString();
    tls.verifyPeer = m_verifyPeer->isChecked();
    tls.verifyHostname = m_verifyHostname->isChecked();
    return tls;
}

bool TlsBox::keyPassphraseRequired() const
{
    return m_keyPassphraseRequired->isChecked() || !m_keyPassphrase->text().isEmpty();
}

void TlsBox::updateEnabled()
{
    m_caFile->setEnabled(m_caFileChoice->isChecked());
    m_caDir->setEnabled(m_caDirChoice->isChecked());
    // Hostname checking means nothing once the chain itself is not verified.
    m_verifyHostname->setEnabled(m_verifyPeer->isChecked());
}

} // namespace kiq::ui
