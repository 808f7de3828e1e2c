#include "pages/metrics/MetricsClassModel.h"

#include "common/Formatting.h"

#include <QLocale>

namespace kiq::ui {

namespace {
// Of all executions, as Sidekiq's Metrics page counts them (processed includes the failures).
double failureRate(const kiq::sidekiq::ClassMetrics& c)
{
    return c.processed > 0 ? double(c.failed) / double(c.processed) : 0;
}
} // namespace

MetricsClassModel::MetricsClassModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int MetricsClassModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int MetricsClassModel::rowOf(const std::string& jobClass) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].jobClass == jobClass) return int(i);
    return -1;
}

QVariant MetricsClassModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& c = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ClassColumn:
            return QString::fromStdString(c.jobClass);
        case ProcessedColumn:
            return formatCount(c.processed);
        case FailedColumn:
            return formatCount(c.failed);
        case FailureRateColumn:
            return tr("%1 %").arg(QLocale().toString(100 * failureRate(c), 'f', 1));
        case MeanColumn:
            return c.processed > c.failed ? formatSeconds(c.meanMilliseconds() / 1000) : QString();
        case TotalColumn:
            return formatSeconds(double(c.milliseconds) / 1000);
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case ClassColumn:
            return QString::fromStdString(c.jobClass);
        case ProcessedColumn:
            return qlonglong(c.processed);
        case FailedColumn:
            return qlonglong(c.failed);
        case FailureRateColumn:
            return failureRate(c);
        case MeanColumn:
            return c.meanMilliseconds();
        case TotalColumn:
            return qlonglong(c.milliseconds);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == MeanColumn) return tr("Mean execution time of the jobs that succeeded");
        if (index.column() == ClassColumn) return QString::fromStdString(c.jobClass);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != ClassColumn) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant MetricsClassModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case ClassColumn:
        return tr("Job class");
    case ProcessedColumn:
        return tr("Processed");
    case FailedColumn:
        return tr("Failed");
    case FailureRateColumn:
        return tr("Failure rate");
    case MeanColumn:
        return tr("Mean time");
    case TotalColumn:
        return tr("Total time");
    }
    return {};
}

} // namespace kiq::ui
