#pragma once
// The ACL page's log table: denied commands, keys and logins (ACL LOG) from every node.

#include "acl/AclService.h"
#include "common/SnapshotTableModel.h"

#include <string>

namespace kiq::ui {

class AclLogModel final : public SnapshotTableModel<kiq::acl::AclLogEntry, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AclLogModel)
public:
    enum Column {
        UserColumn,
        ReasonColumn,
        ObjectColumn,
        ContextColumn,
        CountColumn,
        AgeColumn,
        NodeColumn,
        ClientColumn,
        ColumnCount
    };

    explicit AclLogModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    // ACL LOG entries of Redis 7.0 carry no id: node, user, reason, object and client identify one.
    std::string keyOf(const kiq::acl::AclLogEntry& e) const override
    {
        return e.node.toString() + '\n' + e.username + '\n' + e.reason + '\n' + e.object + '\n' + e.context + '\n'
            + e.clientInfo;
    }
};

} // namespace kiq::ui
