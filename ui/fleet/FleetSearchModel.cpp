#include "fleet/FleetSearchModel.h"

#include "common/Colors.h"

namespace kiq::ui {

using kiq::sidekiq::JobPlace;

QString placeText(const kiq::sidekiq::JobSearchHit& hit)
{
    const QString container = QString::fromStdString(hit.container);
    switch (hit.place) {
    case JobPlace::Busy:
        return FleetSearchModel::tr("Busy on %1").arg(container);
    case JobPlace::Queue:
        return FleetSearchModel::tr("Queue %1").arg(container);
    case JobPlace::Scheduled:
        return FleetSearchModel::tr("Scheduled");
    case JobPlace::Retry:
        return FleetSearchModel::tr("Retries");
    case JobPlace::Dead:
        return FleetSearchModel::tr("Dead");
    }
    return {};
}

int FleetSearchModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetSearchModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetSearchModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const FleetSearchHit& row = m_rows[std::size_t(index.row())];
    const auto& job = row.hit.job;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == Qt::UserRole) { // UserRole: the sort key
        switch (index.column()) {
        case DeploymentColumn:
            return row.deploymentName;
        case PlaceColumn:
            return placeText(row.hit);
        case JidColumn:
            return QString::fromStdString(job.jid);
        case ClassColumn:
            return QString::fromStdString(job.displayClass);
        case ErrorColumn:
            if (!job.ok()) return tr("Malformed: %1").arg(QString::fromStdString(job.parseError));
            if (!job.errorClass) return QString();
            return job.errorMessage ? QStringLiteral("%1: %2").arg(
                       QString::fromStdString(*job.errorClass), QString::fromStdString(*job.errorMessage))
                                    : QString::fromStdString(*job.errorClass);
        case ArgsColumn:
            return QString::fromStdString(job.argsDisplay);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == ErrorColumn && !job.ok()) return problemColor();
    return {};
}

QVariant FleetSearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case DeploymentColumn:
        return tr("Deployment");
    case PlaceColumn:
        return tr("Where");
    case JidColumn:
        return tr("JID");
    case ClassColumn:
        return tr("Class");
    case ErrorColumn:
        return tr("Error");
    case ArgsColumn:
        return tr("Arguments");
    }
    return {};
}

void FleetSearchModel::append(std::vector<FleetSearchHit> hits)
{
    if (hits.empty()) return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(hits.size()) - 1);
    for (auto& h : hits) m_rows.push_back(std::move(h));
    endInsertRows();
}

void FleetSearchModel::clear()
{
    if (m_rows.empty()) return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace kiq::ui
