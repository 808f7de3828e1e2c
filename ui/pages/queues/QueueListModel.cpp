#include "pages/queues/QueueListModel.h"

#include "common/Colors.h"
#include "common/ForecastText.h"
#include "common/Formatting.h"

#include <QColor>

#include <chrono>

namespace kiq::ui {

QueueListModel::QueueListModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int QueueListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueueListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& q = m_rows[std::size_t(index.row())];
    if (index.column() == ForecastColumn) return forecastData(q, role);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            if (!q.error.empty()) return tr("%1 (unreadable)").arg(QString::fromStdString(q.name));
            return q.paused ? tr("%1 (paused)").arg(QString::fromStdString(q.name)) : QString::fromStdString(q.name);
        case SizeColumn:
            return q.error.empty() ? formatCount(q.size) : QStringLiteral("—");
        case LatencyColumn:
            if (q.error.empty() && q.size == 0) return tr("empty"); // nothing waits: no latency to measure
            return formatSeconds(q.latencySeconds);
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case NameColumn:
            return QString::fromStdString(q.name);
        case SizeColumn:
            return qlonglong(q.size);
        case LatencyColumn:
            return q.latencySeconds;
        }
        break;
    case Qt::ToolTipRole:
        // Why a queue cannot be read (its key is not a list, say): shown rather than an empty queue.
        if (!q.error.empty()) return QString::fromStdString(q.error);
        break;
    case Qt::ForegroundRole:
        if (!q.error.empty()) return problemColor();
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != NameColumn) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant QueueListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn:
        return tr("Queue");
    case SizeColumn:
        return tr("Size");
    case LatencyColumn:
        return tr("Latency");
    case ForecastColumn:
        return tr("Forecast");
    }
    return {};
}

void QueueListModel::setForecasts(const std::vector<kiq::health::QueueForecast>& forecasts)
{
    m_forecasts.clear();
    for (const auto& f : forecasts) m_forecasts.emplace(f.queue, f);
    if (!m_rows.empty()) emit dataChanged(index(0, ForecastColumn), index(int(m_rows.size()) - 1, ForecastColumn));
}

const kiq::health::QueueForecast* QueueListModel::forecastOf(const std::string& queue) const
{
    const auto it = m_forecasts.find(queue);
    return it == m_forecasts.end() ? nullptr : &it->second;
}

QVariant QueueListModel::forecastData(const kiq::sidekiq::QueueSummary& q, int role) const
{
    const kiq::health::QueueForecast* f = forecastOf(q.name);
    switch (role) {
    case Qt::DisplayRole:
        return f && q.error.empty() ? forecastSummary(*f) : QString();
    case Qt::ToolTipRole:
        return f && q.error.empty() ? forecastDetail(*f) : QVariant();
    case Qt::ForegroundRole:
        if (const QColor c = f ? forecastColor(*f) : QColor(); c.isValid()) return c;
        break;
    case UnderlyingDataRole:
        return forecastSortKey(f);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        break;
    }
    return {};
}

} // namespace kiq::ui
