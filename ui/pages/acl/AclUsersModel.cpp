#include "pages/acl/AclUsersModel.h"

#include "common/Colors.h"

#include <QBrush>
#include <QColor>

namespace kiq::ui {

namespace {
QString joined(const std::vector<std::string>& items)
{
    QStringList out;
    for (const auto& i : items) out << QString::fromStdString(i);
    return out.join(QLatin1Char(' '));
}
} // namespace

AclUsersModel::AclUsersModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int AclUsersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AclUsersModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const auto& u = m_rows[std::size_t(index.row())];
    const auto risks = u.risks();
    if (role == Qt::ForegroundRole && !risks.empty()) return QBrush(problemColor());
    if (role == Qt::ToolTipRole && !risks.empty()) return joined(risks);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case NameColumn:
        return QString::fromStdString(u.name);
    case StateColumn:
        return u.enabled() ? tr("on") : tr("off");
    case PasswordsColumn:
        return u.noPass() ? tr("none (nopass)") : QString::number(u.passwordCount);
    case KeysColumn:
        return joined(u.keys);
    case ChannelsColumn:
        return joined(u.channels);
    case CommandsColumn:
        return QString::fromStdString(u.commands);
    case RisksColumn: {
        QStringList out;
        for (const auto& r : risks) out << QString::fromStdString(r);
        return out.join(QStringLiteral("; "));
    }
    default:
        return {};
    }
}

QVariant AclUsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn:
        return tr("User");
    case StateColumn:
        return tr("State");
    case PasswordsColumn:
        return tr("Passwords");
    case KeysColumn:
        return tr("Keys");
    case ChannelsColumn:
        return tr("Channels");
    case CommandsColumn:
        return tr("Commands");
    case RisksColumn:
        return tr("Risks");
    default:
        return {};
    }
}

} // namespace kiq::ui
