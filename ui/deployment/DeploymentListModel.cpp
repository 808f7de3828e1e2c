#include "deployment/DeploymentListModel.h"

#include "deployment/Deployment.h"
#include "deployment/EnvironmentTag.h"

#include <utility>

namespace kiq::ui {

DeploymentListModel::DeploymentListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int DeploymentListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_deployments.size());
}

QVariant DeploymentListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Deployment* d = m_deployments.at(index.row());
    const auto& profile = d->profile();
    switch (role) {
    case Qt::DisplayRole:
        return profile.name;
    case Qt::ToolTipRole: {
        QStringList lines {profile.name, QString::fromStdString(profile.options.describe()), d->statusText()};
        return (lines + d->certificateWarnings()).join(u'\n');
    }
    case DeploymentRole:
        return QVariant::fromValue(static_cast<QObject*>(const_cast<Deployment*>(d)));
    case StatusRole:
        return int(d->status());
    case StatusTextRole:
        return d->statusText();
    case TagColorRole:
        return tagColor(profile);
    case EnvironmentRole:
        return environmentLabel(profile.environment);
    case DescriptionRole:
        return QString::fromStdString(profile.options.describe());
    case CertificateWarningRole:
        return d->certificateWarnings().value(0);
    default:
        return {};
    }
}

void DeploymentListModel::follow(
    QObject* context, std::function<void(Deployment*)> added, std::function<void(Deployment*)> leaving)
{
    for (Deployment* d : m_deployments) added(d);
    connect(this, &QAbstractItemModel::rowsInserted, context,
        [this, added = std::move(added)](const QModelIndex&, int first, int last) {
            for (int row = first; row <= last; ++row) added(m_deployments.at(row));
        });
    connect(this, &QAbstractItemModel::rowsAboutToBeRemoved, context,
        [this, leaving = std::move(leaving)](const QModelIndex&, int first, int last) {
            for (int row = first; row <= last; ++row) leaving(m_deployments.at(row));
        });
}

void DeploymentListModel::append(Deployment* deployment)
{
    const int row = int(m_deployments.size());
    beginInsertRows({}, row, row);
    m_deployments.append(deployment);
    endInsertRows();
    connect(deployment, &Deployment::statusChanged, this, [this, deployment] { rowChanged(deployment); });
    connect(deployment, &Deployment::profileChanged, this, [this, deployment] { rowChanged(deployment); });
    connect(deployment, &Deployment::certificatesChanged, this, [this, deployment] { rowChanged(deployment); });
    connect(deployment, &Deployment::securityAuditChanged, this, [this, deployment] { rowChanged(deployment); });
}

void DeploymentListModel::remove(Deployment* deployment)
{
    const int row = rowOf(deployment);
    if (row < 0) return;
    QObject::disconnect(deployment, nullptr, this, nullptr);
    beginRemoveRows({}, row, row);
    m_deployments.removeAt(row);
    endRemoveRows();
}

Deployment* DeploymentListModel::at(int row) const
{
    return row >= 0 && row < m_deployments.size() ? m_deployments.at(row) : nullptr;
}

int DeploymentListModel::rowOf(const Deployment* deployment) const
{
    return int(m_deployments.indexOf(const_cast<Deployment*>(deployment)));
}

void DeploymentListModel::rowChanged(Deployment* deployment)
{
    const int row = rowOf(deployment);
    if (row < 0) return;
    const QModelIndex i = index(row);
    emit dataChanged(i, i);
}

} // namespace kiq::ui
