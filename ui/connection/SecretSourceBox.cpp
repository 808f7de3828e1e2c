#include "connection/SecretSourceBox.h"

#include "common/Colors.h"
#include "credentials/Keychain.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>

namespace kiq::ui {

using kiq::credentials::Secret;
using kiq::credentials::SecretSource;
using kiq::credentials::SourceKind;

namespace {
// Arguments as one line: spaces separate, double quotes keep one argument's spaces (QProcess::splitCommand).
QString joinArgs(const QStringList& argv)
{
    QStringList quoted;
    for (const QString& arg : argv)
        quoted << (arg.isEmpty() || arg.contains(u' ') || arg.contains(u'"')
                ? u'"' + QString(arg).replace(u'"', QStringLiteral("\"\"\"")) + u'"'
                : arg);
    return quoted.join(u' ');
}
} // namespace

SecretSourceBox::SecretSourceBox(QWidget* parent)
    : QGroupBox(tr("Where secrets come from"), parent)
    , m_keychain(new QLabel(this))
{
    setObjectName(QStringLiteral("secretSources"));
    auto* form = new QFormLayout(this);
    const QString labels[]
        = {tr("Password:"), tr("Sentinel password:"), tr("Client key passphrase:"), tr("Alert webhook URL:")};
    int i = 0;
    for (const Secret secret : kiq::credentials::kAllSecrets) {
        Row& r = m_rows[i];
        r.kind = new QComboBox(this);
        r.kind->setObjectName(kiq::credentials::secretKey(secret) + QStringLiteral("Source"));
        r.kind->addItem(tr("Ask when connecting (kept until Kiqdesk quits)"), int(SourceKind::Ask));
        r.kind->addItem(tr("OS keychain"), int(SourceKind::Keychain));
        r.kind->addItem(tr("Credential helper"), int(SourceKind::Helper));
        r.helper = new QLineEdit(this);
        r.helper->setObjectName(kiq::credentials::secretKey(secret) + QStringLiteral("Helper"));
        r.helper->setPlaceholderText(tr("command and arguments, e.g. vault read -field=password secret/redis"));
        r.helper->setToolTip(tr("Run without a shell when connecting and before its token expires. It prints the "
                                "secret, or JSON {\"password\", \"username\", \"expires_at\"}."));
        r.helper->setVisible(false);
        connect(r.kind, &QComboBox::currentIndexChanged, this,
            [this, &r] { r.helper->setVisible(SourceKind(r.kind->currentData().toInt()) == SourceKind::Helper); });
        auto* line = new QHBoxLayout;
        line->addWidget(r.kind);
        line->addWidget(r.helper, 1);
        form->addRow(labels[i], line);
        ++i;
    }
    m_keychain->setObjectName(QStringLiteral("keychainStatus"));
    m_keychain->setWordWrap(true);
    form->addRow(m_keychain);
    checkKeychain();
}

void SecretSourceBox::checkKeychain()
{
    m_keychain->setText(tr("Checking the OS keychain…"));
    // Reading an entry that is never written: "not found" means a keychain answered.
    kiq::credentials::keychain::read(
        QStringLiteral("reachability-check"), Secret::Password, this, [this](kiq::credentials::KeychainResult r) {
            if (r.status == kiq::credentials::KeychainResult::Status::Unreachable) {
                m_keychain->setText(tr("No OS keychain is reachable (%1). A secret set to come from it is asked "
                                       "for when connecting instead; it is never stored in a file.")
                                        .arg(r.message));
                m_keychain->setStyleSheet(QStringLiteral("color: %1").arg(problemColor(palette()).name()));
            } else {
                m_keychain->setText(tr("The OS keychain is reachable: a secret typed once is kept there."));
                m_keychain->setStyleSheet({});
            }
        });
}

SecretSourceBox::Row& SecretSourceBox::row(Secret secret)
{
    return m_rows[int(secret)];
}

const SecretSourceBox::Row& SecretSourceBox::row(Secret secret) const
{
    return m_rows[int(secret)];
}

void SecretSourceBox::setSource(Secret secret, const SecretSource& source)
{
    Row& r = row(secret);
    r.kind->setCurrentIndex(r.kind->findData(int(source.kind)));
    r.helper->setText(joinArgs(source.helper));
}

SecretSource SecretSourceBox::source(Secret secret) const
{
    const Row& r = row(secret);
    SecretSource s;
    s.kind = SourceKind(r.kind->currentData().toInt());
    if (s.kind == SourceKind::Helper) s.helper = QProcess::splitCommand(r.helper->text());
    return s;
}

QString SecretSourceBox::problem() const
{
    for (const Secret secret : kiq::credentials::kAllSecrets)
        if (source(secret).kind == SourceKind::Helper && source(secret).helper.isEmpty())
            return tr("A credential helper needs a command.");
    return {};
}

QString SecretSourceBox::keychainStatus() const
{
    return m_keychain->text();
}

} // namespace kiq::ui
