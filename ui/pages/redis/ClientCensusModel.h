#pragma once
// The Redis page's connection census: one row per host and client identity (kiq::server::ClientCensus),
// most connections first, so the host holding 4,000 connections or still running an old Sidekiq is on top.

#include "common/SnapshotTableModel.h"
#include "server/ClientCensus.h"

namespace kiq::ui {

class ClientCensusModel final : public SnapshotTableModel<kiq::server::CensusGroup, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientCensusModel)
public:
    enum Column {
        HostColumn,
        ClientColumn,
        SidekiqColumn,
        ConnectionsColumn,
        BlockedColumn,
        OldestColumn,
        NamesColumn,
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit ClientCensusModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "redis-client 0.25.1", "Kiqdesk", or "not identified" for a client that said nothing.
    static QString clientLabel(const kiq::server::ClientIdentity& identity);

private:
    std::string keyOf(const kiq::server::CensusGroup& group) const override { return group.key(); }
};

} // namespace kiq::ui
