#include "QueueListModel.h"

#include "common/Formatting.h"

#include <chrono>

namespace kiq::ui {

QueueListModel::QueueListModel(QObject* parent) : SnapshotTableModel(parent) {}

int QueueListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant QueueListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& q = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return q.paused ? tr("%1 (paused)").arg(QString::fromStdString(q.name)) : QString::fromStdString(q.name);
        case SizeColumn: return formatCount(q.size);
        case LatencyColumn:
            return formatLatency(std::chrono::microseconds(static_cast<long long>(q.latencySeconds * 1e6)));
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case NameColumn: return QString::fromStdString(q.name);
        case SizeColumn: return qlonglong(q.size);
        case LatencyColumn: return q.latencySeconds;
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != NameColumn) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default: break;
    }
    return {};
}

QVariant QueueListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn: return tr("Queue");
    case SizeColumn: return tr("Size");
    case LatencyColumn: return tr("Latency");
    }
    return {};
}

} // namespace kiq::ui
