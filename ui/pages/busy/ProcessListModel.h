#pragma once
// The Busy page's processes: identity, tag, version, concurrency, queues, busy, RSS, last beat.
// Stale processes (no heartbeat for a minute, or a member of `processes` whose hash expired) are
// kept and drawn in red: a crashed process is exactly what the operator is looking for.

#include "common/SnapshotTableModel.h"
#include "sidekiq/model/ProcessRecord.h"

#include <string>

namespace kiq::ui {

class ProcessListModel final : public SnapshotTableModel<kiq::sidekiq::ProcessRecord, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProcessListModel)
public:
    enum Column {
        IdentityColumn,
        TagColumn,
        VersionColumn,
        ConcurrencyColumn,
        BusyColumn,
        QueuesColumn,
        RssColumn,
        BeatColumn,
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole, StaleRole };

    explicit ProcessListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::string keyOf(const kiq::sidekiq::ProcessRecord& p) const override { return p.identity; }
};

} // namespace kiq::ui
