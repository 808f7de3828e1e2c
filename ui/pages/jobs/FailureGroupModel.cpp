#include "pages/jobs/FailureGroupModel.h"

#include "common/Formatting.h"

#include <QDateTime>
#include <QLocale>

namespace kiq::ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
QString when(double seconds)
{
    return seconds > 0
        ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000)), QLocale::ShortFormat)
        : QString();
}
} // namespace

int FailureGroupModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int FailureGroupModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void FailureGroupModel::setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor)
{
    m_redactor = std::move(redactor);
    if (!m_groups.empty()) emit dataChanged(index(0, MessageColumn), index(rowCount() - 1, MessageColumn));
}

QVariant FailureGroupModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& g = m_groups[std::size_t(index.row())];
    if (role == FingerprintRole) return fingerprintText(g.fingerprint);
    if (role == Qt::TextAlignmentRole && index.column() == CountColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    switch (index.column()) {
    case CountColumn:
        return formatCount(g.count);
    case ErrorColumn:
        return g.errorClass.empty() ? tr("(no error)") : q(g.errorClass);
    case MessageColumn:
        return q(m_redactor->text(g.normalizedMessage));
    case ClassColumn:
        return q(g.displayClass);
    case FirstSeenColumn:
        return when(g.firstSeen);
    case LastSeenColumn:
        return when(g.lastSeen);
    }
    return {};
}

QVariant FailureGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case CountColumn:
        return tr("Jobs");
    case ErrorColumn:
        return tr("Error");
    case MessageColumn:
        return tr("Message (normalised)");
    case ClassColumn:
        return tr("Job");
    case FirstSeenColumn:
        return tr("First seen");
    case LastSeenColumn:
        return tr("Last seen");
    }
    return {};
}

void FailureGroupModel::setGroups(std::vector<kiq::sidekiq::JobIndexGroup> groups)
{
    beginResetModel();
    m_groups = std::move(groups);
    endResetModel();
}

int FailureGroupModel::rowOf(std::uint64_t fingerprint) const
{
    for (std::size_t i = 0; i < m_groups.size(); ++i)
        if (m_groups[i].fingerprint == fingerprint) return int(i);
    return -1;
}

} // namespace kiq::ui
