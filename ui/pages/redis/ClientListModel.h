#pragma once
// The Redis page's clients table: CLIENT LIST, one row per connection, keyed by client id.

#include "common/SnapshotTableModel.h"
#include "server/ServerInfoClients.h"

namespace kiq::ui {

class ClientListModel final : public SnapshotTableModel<kiq::server::ClientEntry, long long> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientListModel)
public:
    enum Column {
        IdColumn,
        NameColumn,
        AddressColumn,
        UserColumn,
        AgeColumn,
        IdleColumn,
        DbColumn,
        CommandColumn,
        FlagsColumn,
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit ClientListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    long long keyOf(const kiq::server::ClientEntry& entry) const override { return entry.id(); }
};

} // namespace kiq::ui
