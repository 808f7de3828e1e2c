#include "pages/redis/ClientListModel.h"

#include "common/Formatting.h"

namespace kiq::ui {

ClientListModel::ClientListModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int ClientListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& c = m_rows[std::size_t(index.row())];
    const auto str = [](const std::string& s) { return QString::fromStdString(s); };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return QString::number(c.id());
        case NameColumn:
            return str(c.name());
        case AddressColumn:
            return str(c.address());
        case UserColumn:
            return str(c.user());
        case AgeColumn:
            return formatUptime(std::chrono::seconds(c.ageSeconds()));
        case IdleColumn:
            return formatUptime(std::chrono::seconds(c.idleSeconds()));
        case DbColumn:
            return QString::number(c.db());
        case CommandColumn:
            return str(c.lastCommand());
        case FlagsColumn:
            return str(c.flags());
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case IdColumn:
            return qlonglong(c.id());
        case AgeColumn:
            return qlonglong(c.ageSeconds());
        case IdleColumn:
            return qlonglong(c.idleSeconds());
        case DbColumn:
            return c.db();
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case IdColumn:
        case AgeColumn:
        case IdleColumn:
        case DbColumn:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant ClientListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case IdColumn:
        return tr("Id");
    case NameColumn:
        return tr("Name");
    case AddressColumn:
        return tr("Address");
    case UserColumn:
        return tr("User");
    case AgeColumn:
        return tr("Connected for");
    case IdleColumn:
        return tr("Idle");
    case DbColumn:
        return tr("DB");
    case CommandColumn:
        return tr("Last command");
    case FlagsColumn:
        return tr("Flags");
    }
    return {};
}

} // namespace kiq::ui
