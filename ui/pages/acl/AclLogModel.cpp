#include "pages/acl/AclLogModel.h"

#include "common/Formatting.h"

namespace kiq::ui {

AclLogModel::AclLogModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int AclLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AclLogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const auto& e = m_rows[std::size_t(index.row())];
    if (role == Qt::UserRole) { // raw values for sorting
        if (index.column() == CountColumn) return qlonglong(e.count);
        if (index.column() == AgeColumn) return e.ageSeconds;
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case UserColumn:
        return QString::fromStdString(e.username);
    case ReasonColumn:
        return QString::fromStdString(e.reason);
    case ObjectColumn:
        return QString::fromStdString(e.object);
    case ContextColumn:
        return QString::fromStdString(e.context);
    case CountColumn:
        return qlonglong(e.count);
    case AgeColumn:
        return tr("%1 ago").arg(formatUptime(std::chrono::seconds(static_cast<long long>(e.ageSeconds))));
    case NodeColumn:
        return QString::fromStdString(e.node.toString());
    case ClientColumn:
        return QString::fromStdString(e.clientInfo);
    default:
        return {};
    }
}

QVariant AclLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case UserColumn:
        return tr("User");
    case ReasonColumn:
        return tr("Reason");
    case ObjectColumn:
        return tr("Denied");
    case ContextColumn:
        return tr("Context");
    case CountColumn:
        return tr("Count");
    case AgeColumn:
        return tr("Last seen");
    case NodeColumn:
        return tr("Node");
    case ClientColumn:
        return tr("Client");
    default:
        return {};
    }
}

} // namespace kiq::ui
