#pragma once
// The Redis page's slow log table: SLOWLOG GET entries, newest id first once sorted. Display text and
// raw values (UnderlyingDataRole, for the sort proxy) are kept apart, as in qBittorrent's models.

#include "common/SnapshotTableModel.h"
#include "server/ServerInfoSlowlog.h"

namespace kiq::ui {

class SlowlogModel final : public SnapshotTableModel<kiq::server::SlowlogEntry, long long> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SlowlogModel)
public:
    enum Column { IdColumn, TimeColumn, DurationColumn, CommandColumn, ClientColumn, ColumnCount };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit SlowlogModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    long long keyOf(const kiq::server::SlowlogEntry& entry) const override { return entry.id; }
};

} // namespace kiq::ui
