#include "pages/busy/ProcessListModel.h"

#include "common/Colors.h"
#include "common/Formatting.h"

#include <QBrush>
#include <QDateTime>
#include <QStringList>

#include <algorithm>

namespace kiq::ui {

namespace {
double now()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString queuesText(const kiq::sidekiq::ProcessRecord& p)
{
    QStringList q;
    if (p.capsules.empty()) {
        for (const auto& name : p.queues) q << QString::fromStdString(name);
        return q.join(QStringLiteral(", "));
    }
    // Sidekiq 7+ capsules: each its own threads and queues ("default (5): critical, default · low (2): low").
    for (const auto& c : p.capsules) {
        QStringList names;
        for (const auto& w : c.weights) names << QString::fromStdString(w.queue);
        q << QStringLiteral("%1 (%2): %3").arg(QString::fromStdString(c.name)).arg(c.concurrency).arg(names.join(", "));
    }
    return q.join(QStringLiteral(" · "));
}

// One line per capsule with its fetch order: strict, or each queue's weight.
QString capsulesTip(const kiq::sidekiq::ProcessRecord& p)
{
    QStringList lines;
    for (const auto& c : p.capsules) {
        QStringList queues;
        for (const auto& w : c.weights)
            queues << (c.mode == "strict" || w.weight == 0
                    ? QString::fromStdString(w.queue)
                    : QStringLiteral("%1 ×%2").arg(QString::fromStdString(w.queue)).arg(w.weight));
        lines << ProcessListModel::tr("Capsule %1: %n thread(s), %2: %3", nullptr, int(c.concurrency))
                     .arg(QString::fromStdString(c.name), QString::fromStdString(c.mode), queues.join(", "));
    }
    return lines.join(QLatin1Char('\n'));
}
} // namespace

ProcessListModel::ProcessListModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int ProcessListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& p = m_rows[std::size_t(index.row())];
    const bool stale = p.isStale(now());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdentityColumn:
            return p.quiet ? tr("%1 (quiet)").arg(QString::fromStdString(p.identity))
                           : QString::fromStdString(p.identity);
        case TagColumn:
            return QString::fromStdString(p.tag);
        case VersionColumn:
            return p.beat ? QString::fromStdString(p.versionLabel()) : QString();
        case ConcurrencyColumn:
            return p.concurrency ? QString::number(*p.concurrency) : QString();
        case BusyColumn:
            return QString::number(p.busy);
        case QueuesColumn:
            return queuesText(p);
        case RssColumn:
            return p.rssKb > 0 ? formatBytes(p.rssKb * 1024) : QString();
        case BeatColumn:
            if (!p.beat) return tr("no heartbeat");
            return tr("%n s ago", nullptr, int(std::max(0.0, now() - *p.beat)));
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case ConcurrencyColumn:
            return qlonglong(p.concurrency.value_or(0));
        case BusyColumn:
            return qlonglong(p.busy);
        case RssColumn:
            return qlonglong(p.rssKb);
        case BeatColumn:
            return p.beat.value_or(0);
        default:
            return data(index, Qt::DisplayRole);
        }
    case StaleRole:
        return stale;
    case Qt::ForegroundRole:
        if (stale) return QBrush(problemColor());
        break;
    case Qt::ToolTipRole:
        if (stale) return tr("No heartbeat for a minute: the process may have crashed.");
        if (index.column() == QueuesColumn && !p.capsules.empty()) return capsulesTip(p);
        if (index.column() == VersionColumn && p.version.empty())
            return tr("Sidekiq reports its version from 7.0.2 on: this is 6.x, or 7.0.0 or 7.0.1");
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == ConcurrencyColumn || index.column() == BusyColumn || index.column() == RssColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant ProcessListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case IdentityColumn:
        return tr("Process");
    case TagColumn:
        return tr("Tag");
    case VersionColumn:
        return tr("Version");
    case ConcurrencyColumn:
        return tr("Threads");
    case BusyColumn:
        return tr("Busy");
    case QueuesColumn:
        return tr("Queues");
    case RssColumn:
        return tr("RSS");
    case BeatColumn:
        return tr("Last beat");
    }
    return {};
}

} // namespace kiq::ui
