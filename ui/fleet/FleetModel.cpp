#include "fleet/FleetModel.h"

#include "common/Colors.h"
#include "common/ForecastText.h"
#include "common/Formatting.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "deployment/EnvironmentTag.h"

#include <QColor>
#include <QStringList>

#include <QDateTime>
#include <QIcon>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <algorithm>

namespace kiq::ui {

namespace {

QIcon statusDot(Deployment::Status status)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(statusColor(status));
    painter.drawEllipse(QRectF(1, 1, 10, 10));
    return QIcon(pixmap);
}
} // namespace

FleetModel::FleetModel(DeploymentListModel* deployments, QObject* parent)
    : QAbstractTableModel(parent)
    , m_deployments(deployments)
{
    // Rows mirror the sidebar: structural changes reset (a handful of rows), status changes update one.
    connect(deployments, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] { beginResetModel(); });
    connect(deployments, &QAbstractItemModel::rowsInserted, this, [this] { endResetModel(); });
    connect(deployments, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { beginResetModel(); });
    connect(deployments, &QAbstractItemModel::rowsRemoved, this, [this] {
        // Drop the states of deployments that left.
        for (auto it = m_state.begin(); it != m_state.end();) {
            if (m_deployments->rowOf(it.key()) < 0)
                it = m_state.erase(it);
            else
                ++it;
        }
        endResetModel();
    });
    connect(
        deployments, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
            for (int r = from.row(); r <= to.row(); ++r) emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
        });
}

int FleetModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_deployments->rowCount();
}

int FleetModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Deployment* FleetModel::deploymentAt(int row) const
{
    return m_deployments->at(row);
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return tr("Deployment");
    case Status:
        return tr("Status");
    case Enqueued:
        return tr("Enqueued");
    case MaxLatency:
        return tr("Max latency");
    case Forecast:
        return tr("Forecast");
    case Busy:
        return tr("Busy");
    case Processes:
        return tr("Processes");
    case Retries:
        return tr("Retries");
    case Dead:
        return tr("Dead");
    case DeadLastHour:
        return tr("Dead, last hour");
    case Memory:
        return tr("Redis memory");
    case Security:
        return tr("Security");
    }
    return {};
}

QVariant FleetModel::forecastData(const Deployment* d, const State& state, int role) const
{
    const kiq::health::QueueForecast* f = state.urgent ? &*state.urgent : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        if (f) return tr("%1: %2").arg(QString::fromStdString(f->queue), forecastSummary(*f));
        return state.measuring ? tr("measuring…") : QStringLiteral("—");
    case Qt::UserRole:
        return forecastSortKey(f);
    case Qt::ForegroundRole:
        if (const QColor c = f ? forecastColor(*f) : QColor(); c.isValid()) return c;
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        if (f) lines << tr("Queue “%1”").arg(QString::fromStdString(f->queue)) << forecastDetail(*f);
        if (const kiq::health::DrainRates rates = d->drainRates(); rates.known)
            lines << tr("All queues: %1 jobs/min arrive, %2 jobs/min done.")
                         .arg(formatCompact(rates.arrivalsPerMinute), formatCompact(rates.completionsPerMinute));
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(u'\n'));
    }
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

// The last audit is the deployment's (run from its Security page or Audit all), shown whether or not
// the deployment is reachable now: it says when it was taken.
QVariant FleetModel::securityData(const Deployment* d, int role) const
{
    using kiq::security::Status;
    const auto& audit = d->securityAudit();
    const int fails = audit ? audit->count(Status::Fail) : 0;
    const int warns = audit ? audit->count(Status::Warn) : 0;
    switch (role) {
    case Qt::DisplayRole:
        if (d->isAuditing()) return tr("auditing…");
        if (!audit) return QStringLiteral("—");
        if (fails > 0) return warns > 0 ? tr("%1 fail · %2 warn").arg(fails).arg(warns) : tr("%1 fail").arg(fails);
        return warns > 0 ? tr("%1 warn").arg(warns) : tr("pass");
    case Qt::UserRole:
        return audit ? fails * 1000 + warns : -1;
    case Qt::ForegroundRole:
        if (fails > 0) return problemColor();
        if (warns > 0) return warningColor();
        return {};
    case Qt::ToolTipRole:
        if (!audit)
            return d->securityAuditError().isEmpty()
                ? tr("Not audited yet: Audit all, or the deployment's Security page")
                : d->securityAuditError();
        return tr("Audited %1: %2 fail, %3 warn, %4 could not check, %5 pass")
            .arg(QLocale().toString(QDateTime::fromSecsSinceEpoch(qint64(audit->takenAt)), QLocale::ShortFormat))
            .arg(fails)
            .arg(warns)
            .arg(audit->count(Status::Unknown))
            .arg(audit->count(Status::Pass));
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant FleetModel::data(const QModelIndex& index, int role) const
{
    const Deployment* d = deploymentAt(index.row());
    if (!d || index.column() < 0 || index.column() >= ColumnCount) return {};
    const State state = m_state.value(d);
    const bool reachable = d->status() == Deployment::Status::Reachable && state.last && state.error.isEmpty();
    const auto& row = state.last;
    const int column = index.column();

    if (role == Qt::DecorationRole && column == Name) return statusDot(d->status());
    const QStringList certificates = d->certificateWarnings();
    if (role == Qt::ForegroundRole && column == Status && !reachable && d->status() != Deployment::Status::Connecting)
        return problemColor();
    if (role == Qt::ForegroundRole && column == Status && d->status() == Deployment::Status::Reachable
        && !certificates.isEmpty())
        return warningColor();
    if (column == Security) return securityData(d, role);
    if (column == Forecast && reachable) return forecastData(d, state, role);
    if (column == Dead && reachable && (role == Qt::ForegroundRole || role == Qt::ToolTipRole))
        return deadData(d, state, role);
    if (role == Qt::ToolTipRole) {
        if (column == Status)
            return QStringList(QStringList {state.error.isEmpty() ? d->statusText() : state.error} + certificates)
                .join(u'\n');
        if (column == MaxLatency && row && !row->maxLatencyQueue.empty())
            return tr("Queue “%1”").arg(QString::fromStdString(row->maxLatencyQueue));
        if (column == DeadLastHour && row) {
            const QTime since = QDateTime::fromSecsSinceEpoch(qint64(row->takenAt - 3600)).time();
            return tr("Jobs that died since %1 and are still in the dead set")
                .arg(QLocale().toString(since, QLocale::ShortFormat));
        }
        if (column == Name) return QString::fromStdString(d->profile().options.describe());
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return column != Name && column != Status ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::UserRole) return {};
    const bool sortKey = role == Qt::UserRole;

    switch (column) {
    case Name:
        return d->profile().name;
    case Status:
        if (!state.error.isEmpty() && d->status() == Deployment::Status::Reachable) return tr("Error");
        if (d->status() == Deployment::Status::Reachable && !certificates.isEmpty()) return certificates.front();
        return d->status() == Deployment::Status::Reachable ? tr("Reachable")
            : d->statusText().isEmpty()                     ? tr("Not connected")
                                                            : d->statusText();
    default:
        break;
    }
    // Numbers of a deployment that cannot be read now would pass for current ones.
    if (!reachable) return sortKey ? QVariant(-1) : QVariant(QStringLiteral("—"));
    switch (column) {
    case Enqueued:
        return sortKey ? QVariant(row->enqueued) : QVariant(formatCount(row->enqueued));
    case MaxLatency:
        if (sortKey) return row->maxLatencySeconds;
        return row->maxLatencyQueue.empty() ? tr("no jobs waiting") : formatSeconds(row->maxLatencySeconds);
    case Busy:
        return sortKey ? QVariant(row->busy) : QVariant(formatCount(row->busy));
    case Processes:
        return sortKey ? QVariant(row->processes) : QVariant(formatCount(row->processes));
    case Retries:
        return sortKey ? QVariant(row->retrySize) : QVariant(formatCount(row->retrySize));
    case Dead:
        return sortKey ? QVariant(row->deadSize) : QVariant(formatCount(row->deadSize));
    case DeadLastHour:
        return sortKey ? QVariant(row->deadLastHour) : QVariant(formatCount(row->deadLastHour));
    case Memory:
        if (sortKey) return row->usedMemory.value_or(-1);
        if (!row->usedMemory) return QStringLiteral("—");
        if (row->maxmemory && *row->maxmemory > 0)
            return tr("%1 of %2").arg(formatBytes(*row->usedMemory), formatBytes(*row->maxmemory));
        return formatBytes(*row->usedMemory);
    }
    return {};
}

QVariant FleetModel::deadData(const Deployment* d, const State& state, int role) const
{
    // Sidekiq drops dead jobs past its cap without a trace: say how close each deployment is.
    const kiq::health::HealthThresholds& t = d->profile().health;
    const long long size = state.last->deadSize;
    const auto share = kiq::health::deadCapShare(size, t);
    const bool near = share && t.deadCapWarnPercent > 0 && *share >= t.deadCapWarnPercent;
    const bool dropping = state.deadDropped && *state.deadDropped > 0;
    if (role == Qt::ForegroundRole) return near || dropping ? QVariant(warningColor()) : QVariant();
    if (!share) return {};
    QString text = tr("%1 of Sidekiq's cap of %2 dead jobs (%3 %)")
                       .arg(formatCount(size), formatCount(qint64(t.deadMaxJobs)))
                       .arg(QLocale().toString(*share, 'f', 0));
    if (kiq::health::deadAtCap(size, t))
        text += QLatin1Char('\n') + tr("At the cap: each new dead job drops the oldest.");
    if (state.deadDropped)
        text += QLatin1Char('\n')
            + tr("About %1 dropped in the last hour (by the cap, or removed by hand).", nullptr,
                pluralCount(*state.deadDropped))
                  .arg(formatCount(*state.deadDropped));
    return text;
}

void FleetModel::setSample(Deployment* deployment, const kiq::health::FleetRow& row)
{
    State& state = m_state[deployment];
    state.last = row;
    // The dead set's size an hour ago (deadLastHour counts the deaths since then) gives the drops.
    std::erase_if(state.deadSizes, [&](const auto& s) { return s.takenAt < row.takenAt - 3660; });
    state.deadDropped.reset();
    if (!state.deadSizes.empty() && row.takenAt - state.deadSizes.front().takenAt >= 3540)
        state.deadDropped = kiq::health::deadDropped(state.deadSizes.front(), row.deadSize, row.deadLastHour);
    state.deadSizes.push_back({row.takenAt, row.deadSize});
    state.error.clear();
    const std::vector<kiq::health::QueueForecast> forecasts = deployment->queueForecasts();
    const kiq::health::QueueForecast* urgent = kiq::health::DrainForecaster::mostUrgent(forecasts);
    state.urgent = urgent ? std::optional(*urgent) : std::nullopt;
    state.measuring = std::any_of(forecasts.begin(), forecasts.end(),
        [](const auto& f) { return f.trend == kiq::health::QueueForecast::Trend::Measuring; });
    rowChanged(deployment);
}

void FleetModel::setError(Deployment* deployment, const QString& error)
{
    m_state[deployment].error = error;
    rowChanged(deployment);
}

void FleetModel::clearSamples(Deployment* deployment)
{
    m_state.remove(deployment);
    rowChanged(deployment);
}

void FleetModel::rowChanged(Deployment* deployment)
{
    const int row = m_deployments->rowOf(deployment);
    if (row >= 0) emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace kiq::ui
