#include "pages/redis/RedisPage.h"

#include "common/SortedTable.h"

#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "common/StatusLine.h"
#include "pages/redis/ClientCensusModel.h"
#include "pages/redis/ClientListModel.h"
#include "pages/redis/SlowlogModel.h"
#include "redis/AsyncClient.h"
#include "server/ServerInfo.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
QString orDash(const std::optional<long long>& v)
{
    return v ? formatCount(*v) : QString();
}

QLabel* sectionTitle(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

// "412 connections from 12 hosts · Sidekiq 8.1.7: 300 · not identified: 100"
QString censusSummary(const kiq::server::ClientCensus& census)
{
    QStringList parts;
    parts << RedisPage::tr("%1 connection(s)", nullptr, pluralCount(census.connections))
                 .arg(formatCount(census.connections))
            + QLatin1Char(' ')
            + RedisPage::tr("from %1 host(s)", nullptr, pluralCount(census.hosts)).arg(formatCount(census.hosts));
    for (auto it = census.bySidekiqVersion.rbegin(); it != census.bySidekiqVersion.rend(); ++it)
        parts << RedisPage::tr("Sidekiq %1: %2").arg(QString::fromStdString(it->first), formatCount(it->second));
    if (census.notIdentified > 0) parts << RedisPage::tr("not identified: %1").arg(formatCount(census.notIdentified));
    return parts.join(QStringLiteral(" · "));
}

StatusLine* noteLabel(const QString& name, QWidget* parent)
{
    auto* label = new StatusLine(name, parent);
    label->hide();
    return label;
}
} // namespace

RedisPage::RedisPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_version(new InfoCard(tr("Redis version"), QStringLiteral("version"), this))
    , m_role(new InfoCard(tr("Role"), QStringLiteral("role"), this))
    , m_uptime(new InfoCard(tr("Uptime"), QStringLiteral("uptime"), this))
    , m_memory(new InfoCard(tr("Memory used"), QStringLiteral("memory"), this))
    , m_clients(new InfoCard(tr("Connected clients"), QStringLiteral("clients"), this))
    , m_ops(new InfoCard(tr("Operations per second"), QStringLiteral("ops"), this))
    , m_keys(new InfoCard(tr("Keys"), QStringLiteral("keys"), this))
    , m_eviction(new InfoCard(tr("Eviction policy"), QStringLiteral("eviction"), this))
    , m_status(new StatusLine(QStringLiteral("redisStatus"), this))
    , m_slowlogNote(noteLabel(QStringLiteral("slowlogNote"), this))
    , m_clientsNote(noteLabel(QStringLiteral("clientsNote"), this))
    , m_slowlogModel(new SlowlogModel(this))
    , m_clientModel(new ClientListModel(this))
    , m_censusModel(new ClientCensusModel(this))
    , m_censusSummary(new QLabel(this))
{
    setObjectName(QStringLiteral("redisPage"));

    auto* cards = new QGridLayout;
    cards->setSpacing(8);
    const QList<InfoCard*> all {m_version, m_role, m_uptime, m_keys, m_memory, m_clients, m_ops, m_eviction};
    for (int i = 0; i < all.size(); ++i) cards->addWidget(all[i], i / 4, i % 4);
    for (int c = 0; c < 4; ++c) cards->setColumnStretch(c, 1);

    auto* slowlogBox = new QWidget(this);
    auto* slowlogLayout = new QVBoxLayout(slowlogBox);
    slowlogLayout->setContentsMargins(0, 0, 0, 0);
    slowlogLayout->addWidget(sectionTitle(tr("Slow log"), slowlogBox));
    slowlogLayout->addWidget(m_slowlogNote);
    QTableView* slowlogTable = makeSortedTable(m_slowlogModel, QStringLiteral("slowlogTable"), this);
    slowlogTable->horizontalHeader()->setSectionResizeMode(SlowlogModel::CommandColumn, QHeaderView::Stretch);
    slowlogTable->sortByColumn(SlowlogModel::IdColumn, Qt::DescendingOrder);
    slowlogLayout->addWidget(slowlogTable);

    auto* clientsBox = new QWidget(this);
    auto* clientsLayout = new QVBoxLayout(clientsBox);
    clientsLayout->setContentsMargins(0, 0, 0, 0);
    clientsLayout->addWidget(sectionTitle(tr("Clients"), clientsBox));
    clientsLayout->addWidget(m_clientsNote);
    // The census answers "who holds the connections" at a glance; the full list is one tab away.
    auto* clientTabs = new QTabWidget(clientsBox);
    clientTabs->setObjectName(QStringLiteral("clientTabs"));
    auto* censusBox = new QWidget(clientTabs);
    auto* censusLayout = new QVBoxLayout(censusBox);
    censusLayout->setContentsMargins(0, 4, 0, 0);
    m_censusSummary->setObjectName(QStringLiteral("censusSummary"));
    m_censusSummary->setWordWrap(true);
    censusLayout->addWidget(m_censusSummary);
    QTableView* censusTable = makeSortedTable(m_censusModel, QStringLiteral("censusTable"), censusBox);
    censusTable->horizontalHeader()->setSectionResizeMode(ClientCensusModel::NamesColumn, QHeaderView::Stretch);
    censusTable->sortByColumn(ClientCensusModel::ConnectionsColumn, Qt::DescendingOrder);
    censusLayout->addWidget(censusTable);
    clientTabs->addTab(censusBox, tr("By host and client"));
    QTableView* clientsTable = makeSortedTable(m_clientModel, QStringLiteral("clientsTable"), clientTabs);
    clientsTable->horizontalHeader()->setSectionResizeMode(ClientListModel::FlagsColumn, QHeaderView::Stretch);
    clientsTable->sortByColumn(ClientListModel::IdColumn, Qt::AscendingOrder);
    clientTabs->addTab(clientsTable, tr("Connections"));
    clientsLayout->addWidget(clientTabs);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(slowlogBox);
    splitter->addWidget(clientsBox);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(cards);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        // Hidden pages do not poll: a console with ten deployments open must not load ten servers.
        if (isVisible()) refresh();
    });
    clearData();
}

QString RedisPage::title() const
{
    return tr("Redis");
}

QIcon RedisPage::icon() const
{
    return style()->standardIcon(QStyle::SP_DriveNetIcon);
}

void RedisPage::clientChanged()
{
    m_loading = false;
    m_sinceLoad.invalidate();
    clearData();
    if (!client()) {
        m_timer.stop();
        m_status->showInfo(tr("Not connected."));
        return;
    }
    m_status->showInfo(tr("Loading…"));
    m_timer.start();
    refresh();
}

void RedisPage::refresh()
{
    if (!client() || m_loading) return; // one load at a time: a slow server must not pile them up
    m_loading = true;
    runFresh<kiq::server::ServerInfo>(
        &kiq::server::loadServerInfo, [this](kiq::redis::Result<kiq::server::ServerInfo> r) {
            m_loading = false;
            if (r.ok())
                showInfo(*r.value);
            else
                m_status->showLoadError(QString::fromStdString(r.error->message), m_sinceLoad);
        });
}

void RedisPage::setRefreshInterval(int ms)
{
    m_timer.setInterval(ms);
}

void RedisPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    if (!m_sinceLoad.isValid() || m_sinceLoad.elapsed() >= m_timer.interval()) refresh();
}

void RedisPage::showInfo(const kiq::server::ServerInfo& info)
{
    m_sinceLoad.start();
    const auto q = [](const std::string& s) { return QString::fromStdString(s); };

    const QString mode = q(info.field("redis_mode").value_or(std::string()));
    m_version->setValue(q(info.redisVersion()), mode.isEmpty() ? QString() : tr("%1 mode").arg(mode));
    const auto replicas = info.integerField("connected_slaves");
    m_role->setValue(q(info.role()), replicas ? tr("replicas: %1").arg(*replicas) : QString());
    const auto uptime = info.uptime();
    m_uptime->setValue(uptime ? formatUptime(*uptime) : QString(),
        uptime
            ? tr("since %1")
                  .arg(QLocale().toString(QDateTime::currentDateTime().addSecs(-uptime->count()), QLocale::ShortFormat))
            : QString());
    const auto maxmemory = info.maxmemory();
    m_memory->setValue(q(info.usedMemoryHuman()),
        !maxmemory            ? QString()
            : *maxmemory == 0 ? tr("no limit")
                              : tr("of %1").arg(formatBytes(*maxmemory)));
    const auto blocked = info.integerField("blocked_clients");
    m_clients->setValue(
        orDash(info.connectedClients()), blocked ? tr("%1 blocked").arg(formatCount(*blocked)) : QString());
    const auto total = info.integerField("total_commands_processed");
    m_ops->setValue(
        orDash(info.instantaneousOpsPerSec()), total ? tr("%1 since start").arg(formatCount(*total)) : QString());

    // Sidekiq loses jobs silently when Redis evicts keys, so anything but noeviction is called out.
    const QString policy = q(info.field("maxmemory_policy").value_or(std::string()));
    const auto evicted = info.integerField("evicted_keys");
    m_eviction->setValue(policy,
        !policy.isEmpty() && policy != QLatin1String("noeviction") ? tr("Sidekiq needs noeviction")
            : evicted ? tr("%1 key(s) evicted", nullptr, pluralCount(*evicted)).arg(formatCount(*evicted))
                      : QString());

    QStringList perDb;
    for (const auto& k : info.keyspace()) perDb << tr("db%1: %2").arg(k.db).arg(formatCount(k.keys));
    if (info.dbSizeError.empty())
        m_keys->setValue(orDash(info.dbSize), perDb.join(QStringLiteral(" · ")));
    else
        m_keys->setValue(QString(), explainError(info.dbSizeError));

    if (info.slowlogError.empty()) {
        // An empty table looks like a failed load; say that there is simply nothing slow.
        m_slowlogNote->showInfo(tr("No slow commands logged."));
        m_slowlogNote->setVisible(info.slowlog.empty());
        m_slowlogModel->applySnapshot(info.slowlog);
    } else {
        m_slowlogNote->showError(tr("The slow log is not available:"), explainError(info.slowlogError));
        m_slowlogNote->show();
        m_slowlogModel->clearRows();
    }
    if (info.clientsError.empty()) {
        m_clientsNote->hide();
        m_clientModel->applySnapshot(info.clients);
        m_censusModel->applySnapshot(info.census.groups);
        m_censusSummary->setText(censusSummary(info.census));
    } else {
        m_clientsNote->showError(tr("The client list is not available:"), explainError(info.clientsError));
        m_clientsNote->show();
        m_clientModel->clearRows();
        m_censusModel->clearRows();
        m_censusSummary->clear();
    }

    const QString updated
        = tr("Updated at %1 · round trip %2")
              .arg(QLocale().toString(QTime::currentTime(), QLocale::LongFormat), formatLatency(info.roundTrip));
    // Without INFO the cards stay empty; what the user may read (keys, clients, the slow log) is shown.
    if (info.infoError.empty())
        m_status->showInfo(updated);
    else
        m_status->showError(
            tr("Server details are not available:"), explainError(info.infoError) + QStringLiteral(" · ") + updated);
}

void RedisPage::clearData()
{
    for (InfoCard* card : {m_version, m_role, m_uptime, m_memory, m_clients, m_ops, m_keys, m_eviction}) card->clear();
    m_slowlogModel->clearRows();
    m_clientModel->clearRows();
    m_censusModel->clearRows();
    m_censusSummary->clear();
    m_slowlogNote->hide();
    m_clientsNote->hide();
}

} // namespace kiq::ui
