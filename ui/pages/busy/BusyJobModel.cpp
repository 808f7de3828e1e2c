#include "pages/busy/BusyJobModel.h"

#include "common/Colors.h"
#include "common/Formatting.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace kiq::ui {

namespace {
QString iterationText(const kiq::sidekiq::BusyJob& b)
{
    if (!b.iteration) return {};
    const auto& it = *b.iteration;
    if (it.cancelledAt) {
        const qint64 ago = std::max<qint64>(0, QDateTime::currentSecsSinceEpoch() - qint64(*it.cancelledAt));
        return BusyJobModel::tr("cancelled %1 ago").arg(formatUptime(std::chrono::seconds(ago)));
    }
    // A cursor can be a long JSON document: the start here, all of it in the tooltip.
    QString cursor = QString::fromStdString(it.cursor);
    if (cursor.size() > 24) cursor = cursor.left(23) + QChar(0x2026);
    return BusyJobModel::tr("execution %1 · %2 iterating · cursor %3")
        .arg(formatCount(it.executions), formatUptime(std::chrono::seconds(std::llround(it.runtimeSeconds))), cursor);
}
} // namespace

BusyJobModel::BusyJobModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int BusyJobModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BusyJobModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& b = m_rows[std::size_t(index.row())];
    const auto& job = b.work.payload;
    const qint64 nowS = QDateTime::currentSecsSinceEpoch();
    const qint64 runFor = b.work.runAt ? std::max<qint64>(0, nowS - *b.work.runAt) : -1;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ProcessColumn:
            return QString::fromStdString(b.identity);
        case ThreadColumn:
            return QString::fromStdString(b.work.threadId);
        case QueueColumn:
            return QString::fromStdString(b.work.queue);
        case ClassColumn:
            return job.ok() || !job.displayClass.empty() ? QString::fromStdString(job.displayClass)
                                                         : tr("(unreadable job)");
        case ArgsColumn:
            return QString::fromStdString(job.argsDisplay);
        case StartedColumn:
            return b.work.runAt ? QLocale().toString(QDateTime::fromSecsSinceEpoch(*b.work.runAt), QLocale::ShortFormat)
                                : QString();
        case RunTimeColumn:
            return runFor < 0 ? QString() : formatUptime(std::chrono::seconds(runFor));
        case IterationColumn:
            return iterationText(b);
        }
        break;
    case UnderlyingDataRole:
        if (index.column() == RunTimeColumn) return qlonglong(runFor);
        if (index.column() == StartedColumn) return qlonglong(b.work.runAt.value_or(0));
        if (index.column() == IterationColumn) return b.iteration ? b.iteration->runtimeSeconds : -1.0;
        return data(index, Qt::DisplayRole);
    case SearchTextRole:
        return QString::fromStdString(
            b.identity + '\n' + b.work.queue + '\n' + job.displayClass + '\n' + job.argsDisplay + '\n' + job.jid);
    case Qt::ToolTipRole:
        if (index.column() == IterationColumn && b.iteration)
            return tr("Cursor: %1").arg(QString::fromStdString(b.iteration->cursor));
        if (!b.work.ok()) return QString::fromStdString(b.work.parseError);
        if (!job.ok()) return QString::fromStdString(job.parseError);
        break;
    case Qt::ForegroundRole:
        if (!b.work.ok() || !job.ok()) return QBrush(problemColor());
        break;
    default:
        break;
    }
    return {};
}

bool BusyJobSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const auto* model = qobject_cast<const BusyJobModel*>(sourceModel());
    if (!model) return QSortFilterProxyModel::lessThan(left, right);
    const auto& a = model->rows()[std::size_t(left.row())];
    const auto& b = model->rows()[std::size_t(right.row())];
    switch (left.column()) {
    case BusyJobModel::ProcessColumn:
        return a.identity < b.identity;
    case BusyJobModel::ThreadColumn:
        return a.work.threadId < b.work.threadId;
    case BusyJobModel::QueueColumn:
        return a.work.queue < b.work.queue;
    case BusyJobModel::ClassColumn:
        return a.work.payload.displayClass < b.work.payload.displayClass;
    case BusyJobModel::ArgsColumn:
        return a.work.payload.argsDisplay < b.work.payload.argsDisplay;
    case BusyJobModel::StartedColumn:
        return a.work.runAt.value_or(0) < b.work.runAt.value_or(0);
    case BusyJobModel::RunTimeColumn: // running longer = started earlier; unknown starts sort as shortest
        return a.work.runAt.has_value() && (!b.work.runAt.has_value() || *a.work.runAt > *b.work.runAt);
    case BusyJobModel::IterationColumn:
        return (a.iteration ? a.iteration->runtimeSeconds : -1.0) < (b.iteration ? b.iteration->runtimeSeconds : -1.0);
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

QVariant BusyJobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case ProcessColumn:
        return tr("Process");
    case ThreadColumn:
        return tr("Thread");
    case QueueColumn:
        return tr("Queue");
    case ClassColumn:
        return tr("Job");
    case ArgsColumn:
        return tr("Arguments");
    case StartedColumn:
        return tr("Started");
    case RunTimeColumn:
        return tr("Running for");
    case IterationColumn:
        return tr("Iteration");
    }
    return {};
}

} // namespace kiq::ui
