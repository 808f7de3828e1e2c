#pragma once
// The ACL page's users table: one row per ACL user, risky ones marked.

#include "acl/AclUser.h"
#include "common/SnapshotTableModel.h"

#include <string>

namespace kiq::ui {

class AclUsersModel final : public SnapshotTableModel<kiq::acl::AclUser, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AclUsersModel)
public:
    enum Column {
        NameColumn,
        StateColumn,
        PasswordsColumn,
        KeysColumn,
        ChannelsColumn,
        CommandsColumn,
        RisksColumn,
        ColumnCount
    };

    explicit AclUsersModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::string keyOf(const kiq::acl::AclUser& user) const override { return user.name; }
};

} // namespace kiq::ui
