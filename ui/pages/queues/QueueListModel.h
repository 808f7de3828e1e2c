#pragma once
// The Queues page's list of queues: name, size, latency, paused. Merged by name on every refresh
// (SnapshotTableModel), so the selected queue stays selected while sizes change.

#include "common/SnapshotTableModel.h"
#include "sidekiq/api/Stats.h"

#include <string>

namespace kiq::ui {

class QueueListModel final : public SnapshotTableModel<kiq::sidekiq::QueueSummary, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueListModel)
public:
    enum Column { NameColumn, SizeColumn, LatencyColumn, ColumnCount };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit QueueListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::string keyOf(const kiq::sidekiq::QueueSummary& q) const override { return q.name; }
};

} // namespace kiq::ui
