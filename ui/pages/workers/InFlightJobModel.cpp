#include "pages/workers/InFlightJobModel.h"

#include "common/Formatting.h"
#include "sidekiq/actions/Replay.h"
#include "sidekiq/json/JsonText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace kiq::ui {

InFlightJobModel::InFlightJobModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int InFlightJobModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InFlightJobModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& job = m_rows[std::size_t(index.row())];
    const qint64 startedMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(job.startedAt.time_since_epoch()).count();
    const qint64 runMs = std::max<qint64>(0, QDateTime::currentMSecsSinceEpoch() - startedMs);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ThreadColumn:
            return QString::fromStdString(job.threadId);
        case QueueColumn:
            return QString::fromStdString(job.queue);
        case ClassColumn:
            // A copy made by "Replay in…" is marked, so a reproduction is told from the everyday work.
            return kiq::sidekiq::replayedFrom(job.payload)
                ? QStringLiteral("↺ %1").arg(QString::fromStdString(job.className))
                : QString::fromStdString(job.className);
        case JidColumn:
            return QString::fromStdString(job.jid);
        case StartedColumn:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(startedMs).time(), QLocale::LongFormat);
        case RunTimeColumn:
            // Sub-second jobs are the common case: show milliseconds rather than "0 s".
            return runMs < 1000 ? formatLatency(std::chrono::milliseconds(runMs))
                                : formatUptime(std::chrono::seconds(runMs / 1000));
        }
        break;
    case Qt::UserRole:
        if (index.column() == RunTimeColumn) return qlonglong(runMs);
        if (index.column() == StartedColumn) return qlonglong(startedMs);
        if (index.column() == ThreadColumn) return job.processor;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == ClassColumn)
            if (const auto from = kiq::sidekiq::replayedFrom(job.payload))
                return tr("Replay of %1 from %2 (%3), which failed with %4")
                    .arg(QString::fromStdString(from->jid), QString::fromStdString(from->deployment),
                        QString::fromStdString(from->set), QString::fromStdString(from->errorClass));
        if (index.column() == ClassColumn || index.column() == JidColumn)
            return QString::fromStdString(kiq::sidekiq::json::truncateChars(m_redactor->payload(job.payload), 2000));
        break;
    default:
        break;
    }
    return {};
}

QVariant InFlightJobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case ThreadColumn:
        return tr("Thread");
    case QueueColumn:
        return tr("Queue");
    case ClassColumn:
        return tr("Job");
    case JidColumn:
        return tr("JID");
    case StartedColumn:
        return tr("Started");
    case RunTimeColumn:
        return tr("Running for");
    }
    return {};
}

} // namespace kiq::ui
