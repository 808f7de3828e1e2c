#include "pages/audit/AuditTrailModel.h"

#include "common/Colors.h"

#include <QDateTime>
#include <QLocale>

namespace kiq::ui {

namespace {
QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

AuditTrailModel::AuditTrailModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void AuditTrailModel::setRows(std::vector<kiq::write::AuditRecord> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void AuditTrailModel::setBreaks(std::map<std::string, std::string> breaks)
{
    m_breaks = std::move(breaks);
    if (!m_rows.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool AuditTrailModel::isBroken(int row) const
{
    return row >= 0 && row < rowCount() && m_breaks.contains(m_rows[std::size_t(row)].id);
}

int AuditTrailModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditTrailModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTrailModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& r = m_rows[std::size_t(index.row())];
    const auto broken = m_breaks.find(r.id);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(r.time() * 1000)), QLocale::ShortFormat);
        case UserColumn:
            return qs(r.get("user") + "@" + r.get("host"));
        case AclUserColumn:
            return qs(r.get("acl_user"));
        case ActionColumn:
            return qs(r.get("action"));
        case TargetColumn:
            return qs(r.get("target"));
        case DetailColumn:
            return qs(r.get("detail"));
        case CountsColumn:
            return tr("%1 / %2 / %3").arg(qs(r.get("requested")), qs(r.get("done")), qs(r.get("skipped")));
        case ReasonColumn:
            return r.get("armed_by").empty() ? qs(r.get("reason"))
                                             : tr("%1 (armed by %2)").arg(qs(r.get("reason")), qs(r.get("armed_by")));
        case OutcomeColumn:
            return r.ok() ? tr("ok") : qs(r.get("error"));
        }
        break;
    case UnderlyingDataRole:
        if (index.column() == TimeColumn) return r.time();
        if (index.column() == CountsColumn) return QString::fromStdString(r.get("done")).toLongLong();
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole: {
        QString tip = tr("Entry %1").arg(qs(r.id));
        if (!r.get("detail").empty()) tip += u'\n' + tr("Detail: %1").arg(qs(r.get("detail")));
        if (!r.get("reason").empty()) tip += u'\n' + tr("Reason: %1").arg(qs(r.get("reason")));
        if (!r.get("jids").empty()) tip += u'\n' + tr("Jobs: %1").arg(qs(r.get("jids")));
        if (!r.ok()) tip += u'\n' + tr("Outcome: %1").arg(qs(r.get("error")));
        if (broken != m_breaks.end()) tip += u'\n' + tr("Chain broken here: %1").arg(qs(broken->second));
        return tip;
    }
    case Qt::BackgroundRole:
        if (broken != m_breaks.end()) {
            QColor c = problemColor();
            c.setAlpha(60);
            return c;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn && !r.ok()) return problemColor();
        break;
    default:
        break;
    }
    return {};
}

QVariant AuditTrailModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case UserColumn:
        return tr("User");
    case AclUserColumn:
        return tr("ACL user");
    case ActionColumn:
        return tr("Action");
    case TargetColumn:
        return tr("Target");
    case DetailColumn:
        return tr("Filter / detail");
    case CountsColumn:
        return tr("Asked / done / skipped");
    case ReasonColumn:
        return tr("Reason");
    case OutcomeColumn:
        return tr("Outcome");
    }
    return {};
}

} // namespace kiq::ui
