#include "pages/redis/ClientCensusModel.h"

#include "common/Formatting.h"

namespace kiq::ui {

ClientCensusModel::ClientCensusModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int ClientCensusModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ClientCensusModel::clientLabel(const kiq::server::ClientIdentity& identity)
{
    if (identity.kiqdesk && identity.library.empty()) return QStringLiteral("Kiqdesk");
    if (identity.library.empty()) return tr("not identified");
    const QString library = QString::fromStdString(identity.library);
    return identity.libraryVersion.empty()
        ? library
        : QStringLiteral("%1 %2").arg(library, QString::fromStdString(identity.libraryVersion));
}

QVariant ClientCensusModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& g = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case HostColumn:
            return QString::fromStdString(g.host);
        case ClientColumn:
            return clientLabel(g.identity);
        case SidekiqColumn:
            return QString::fromStdString(g.identity.sidekiqVersion);
        case ConnectionsColumn:
            return formatCount(g.connections);
        case BlockedColumn:
            return formatCount(g.blocked);
        case OldestColumn:
            return formatUptime(std::chrono::seconds(g.oldestAgeSeconds));
        case NamesColumn: {
            QStringList names;
            for (const auto& n : g.names) names << QString::fromStdString(n);
            const long long more = g.distinctNames - static_cast<long long>(g.names.size());
            if (more > 0) names << tr("%1 more").arg(formatCount(more));
            return names.join(QStringLiteral(", "));
        }
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ClientColumn && !g.identity.identified())
            return tr("These clients sent no CLIENT SETINFO (Redis 7.2+), so their library and version are unknown. "
                      "Sidekiq 6 (redis-rb 4) and every client on Redis before 7.2 look like this; Sidekiq 8.1.5+ "
                      "identifies itself.");
        if (index.column() == BlockedColumn)
            return tr("Connections waiting in a blocking command, such as Sidekiq's fetchers in BRPOP.");
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case ConnectionsColumn:
            return qlonglong(g.connections);
        case BlockedColumn:
            return qlonglong(g.blocked);
        case OldestColumn:
            return qlonglong(g.oldestAgeSeconds);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ConnectionsColumn:
        case BlockedColumn:
        case OldestColumn:
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

QVariant ClientCensusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case HostColumn:
        return tr("Host");
    case ClientColumn:
        return tr("Client library");
    case SidekiqColumn:
        return tr("Sidekiq");
    case ConnectionsColumn:
        return tr("Connections");
    case BlockedColumn:
        return tr("Blocked");
    case OldestColumn:
        return tr("Oldest");
    case NamesColumn:
        return tr("Names");
    }
    return {};
}

} // namespace kiq::ui
