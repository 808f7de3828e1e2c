#include "connection/TopologyBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
using kiq::redis::Topology;

constexpr int kSentinelPort = 26379;
constexpr int kRedisPort = 6379;

QPlainTextEdit* endpointList(const QString& name, QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(QStringLiteral("10.0.0.1:26379\n10.0.0.2:26379"));
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 4 + 12);
    return edit;
}
} // namespace

TopologyBox::TopologyBox(QWidget* parent)
    : QGroupBox(tr("Server"), parent)
    , m_kind(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_master(new QLineEdit(this))
    , m_sentinels(endpointList(QStringLiteral("sentinels"), this))
    , m_sentinelUser(new QLineEdit(this))
    , m_sentinelPassword(new QLineEdit(this))
    , m_sentinelPasswordRequired(new QCheckBox(tr("The sentinels need a password (asked when connecting)"), this))
    , m_seeds(endpointList(QStringLiteral("clusterSeeds"), this))
{
    m_kind->setObjectName(QStringLiteral("topology"));
    m_kind->addItem(tr("Standalone (or a replica)"), int(Topology::Standalone));
    m_kind->addItem(tr("Sentinel"), int(Topology::Sentinel));
    m_kind->addItem(tr("Cluster"), int(Topology::Cluster));
    m_host->setObjectName(QStringLiteral("host"));
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_master->setObjectName(QStringLiteral("sentinelMaster"));
    m_master->setPlaceholderText(QStringLiteral("mymaster"));
    m_sentinelPassword->setEchoMode(QLineEdit::Password);
    m_sentinelPassword->setPlaceholderText(tr("not saved"));
    m_seeds->setPlaceholderText(QStringLiteral("10.0.0.1:6379\n10.0.0.2:6379"));
    connect(m_sentinelPassword, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.isEmpty()) m_sentinelPasswordRequired->setChecked(true);
    });

    auto* standalone = new QWidget(m_stack);
    auto* standaloneForm = new QFormLayout(standalone);
    standaloneForm->addRow(tr("Host:"), m_host);
    standaloneForm->addRow(tr("Port:"), m_port);

    auto* sentinel = new QWidget(m_stack);
    auto* sentinelForm = new QFormLayout(sentinel);
    sentinelForm->addRow(tr("Master name:"), m_master);
    sentinelForm->addRow(tr("Sentinels (host:port):"), m_sentinels);
    sentinelForm->addRow(tr("Sentinel user:"), m_sentinelUser);
    sentinelForm->addRow(tr("Sentinel password:"), m_sentinelPassword);
    sentinelForm->addRow(QString(), m_sentinelPasswordRequired);

    auto* cluster = new QWidget(m_stack);
    auto* clusterForm = new QFormLayout(cluster);
    clusterForm->addRow(tr("Seed nodes (host:port):"), m_seeds);

    for (QWidget* page : {standalone, sentinel, cluster}) {
        page->layout()->setContentsMargins(0, 0, 0, 0);
        m_stack->addWidget(page);
    }

    auto* layout = new QVBoxLayout(this);
    auto* kindForm = new QFormLayout;
    kindForm->addRow(tr("Topology:"), m_kind);
    layout->addLayout(kindForm);
    layout->addWidget(m_stack);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_stack->setCurrentIndex(index);
        // A QStackedWidget is as tall as its tallest page; ignoring the hidden pages' size lets the
        // box shrink to the two fields of a standalone server instead of the sentinel form.
        for (int i = 0; i < m_stack->count(); ++i)
            m_stack->widget(i)->setSizePolicy(
                QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        m_stack->adjustSize();
        emit topologyChanged(Topology(m_kind->itemData(index).toInt()));
    });
    for (int i = 1; i < m_stack->count(); ++i)
        m_stack->widget(i)->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    setOptions(kiq::redis::ConnectionOptions {}, false);
}

void TopologyBox::setOptions(const kiq::redis::ConnectionOptions& o, bool sentinelPasswordRequired)
{
    m_kind->setCurrentIndex(m_kind->findData(int(o.topology)));
    m_host->setText(QString::fromStdString(o.endpoint.host));
    m_port->setValue(o.endpoint.port);
    m_master->setText(QString::fromStdString(o.sentinelMaster));
    m_sentinels->setPlainText(o.topology == Topology::Sentinel ? formatEndpoints(o.seeds) : QString());
    m_seeds->setPlainText(o.topology == Topology::Cluster ? formatEndpoints(o.seeds) : QString());
    m_sentinelUser->setText(QString::fromStdString(o.sentinelUser));
    m_sentinelPassword->setText(QString::fromStdString(o.sentinelPassword));
    m_sentinelPasswordRequired->setChecked(sentinelPasswordRequired || !o.sentinelPassword.empty());
}

QString TopologyBox::applyTo(kiq::redis::ConnectionOptions& o) const
{
    o.topology = Topology(m_kind->currentData().toInt());
    o.endpoint.host = m_host->text().trimmed().toStdString();
    o.endpoint.port = m_port->value();
    o.sentinelMaster = m_master->text().trimmed().toStdString();
    o.sentinelUser = m_sentinelUser->text().toStdString();
    o.sentinelPassword = m_sentinelPassword->text().toStdString();
    QString error;
    o.seeds.clear();
    if (o.topology == Topology::Sentinel) o.seeds = parseEndpoints(m_sentinels->toPlainText(), kSentinelPort, &error);
    if (o.topology == Topology::Cluster) o.seeds = parseEndpoints(m_seeds->toPlainText(), kRedisPort, &error);
    return error;
}

bool TopologyBox::sentinelPasswordRequired() const
{
    return Topology(m_kind->currentData().toInt()) == Topology::Sentinel && m_sentinelPasswordRequired->isChecked();
}

std::vector<kiq::redis::Endpoint> TopologyBox::parseEndpoints(const QString& text, int defaultPort, QString* error)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    static const QRegularExpression pattern(QStringLiteral("^(?:\\[([^\\]]+)\\]|([^:\\[\\]]+))(?::(\\d+))?$"));
    std::vector<kiq::redis::Endpoint> out;
    for (const QString& item : text.split(separators, Qt::SkipEmptyParts)) {
        const auto m = pattern.match(item);
        const int port = m.hasMatch() && m.hasCaptured(3) ? m.captured(3).toInt() : defaultPort;
        if (!m.hasMatch() || port < 1 || port > 65535) {
            if (error && error->isEmpty()) *error = tr("'%1' is not a host:port address").arg(item);
            continue;
        }
        const QString host = m.hasCaptured(1) ? m.captured(1) : m.captured(2);
        out.push_back(kiq::redis::Endpoint {host.toStdString(), port});
    }
    return out;
}

QString TopologyBox::formatEndpoints(const std::vector<kiq::redis::Endpoint>& endpoints)
{
    QStringList lines;
    for (const auto& e : endpoints) lines << QString::fromStdString(e.toString());
    return lines.join(u'\n');
}

} // namespace kiq::ui
