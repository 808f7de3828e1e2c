#include "pages/profiles/ProfileListModel.h"

#include "common/Formatting.h"

#include <QDateTime>
#include <QLocale>

namespace kiq::ui {

ProfileListModel::ProfileListModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int ProfileListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProfileListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& p = m_rows[std::size_t(index.row())];
    const auto str = [](const std::string& s) { return QString::fromStdString(s); };
    const auto expiresIn = std::chrono::seconds(static_cast<long long>(std::max(0.0, p.expiresAt - m_now)));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case JobColumn:
            return str(p.type);
        case StartedColumn:
            return QLocale().toString(QDateTime::fromSecsSinceEpoch(p.startedAt), QLocale::ShortFormat);
        case ElapsedColumn:
            return formatSeconds(p.elapsedSeconds);
        case SizeColumn:
            return formatBytes(p.size);
        case ExpiresColumn:
            return formatUptime(expiresIn);
        case JidColumn:
            return str(p.jid);
        case TokenColumn:
            return str(p.token);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ExpiresColumn) return tr("Sidekiq deletes a profile a day after the job ran.");
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case StartedColumn:
            return qlonglong(p.startedAt);
        case ElapsedColumn:
            return p.elapsedSeconds;
        case SizeColumn:
            return qlonglong(p.size);
        case ExpiresColumn:
            return p.expiresAt;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ElapsedColumn:
        case SizeColumn:
        case ExpiresColumn:
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

QVariant ProfileListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case JobColumn:
        return tr("Job");
    case StartedColumn:
        return tr("Started");
    case ElapsedColumn:
        return tr("Elapsed");
    case SizeColumn:
        return tr("Size");
    case ExpiresColumn:
        return tr("Expires in");
    case JidColumn:
        return tr("JID");
    case TokenColumn:
        return tr("Token");
    }
    return {};
}

} // namespace kiq::ui
