#include "pages/jobs/JobFilterProxy.h"

#include "pages/jobs/JobTableModel.h"

#include <QDateTime>

namespace kiq::ui {

JobFilterProxy::JobFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(JobTableModel::UnderlyingDataRole);
}

void JobFilterProxy::setJobFilter(std::optional<kiq::sidekiq::JobFilter> filter)
{
    m_filter = std::move(filter);
    m_rejectAll = false;
    invalidateFilter();
}

void JobFilterProxy::setRejectAll()
{
    m_rejectAll = true;
    invalidateFilter();
}

bool JobFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_rejectAll) return false;
    if (!m_filter || m_filter->empty() || sourceParent.isValid()) return true;
    const auto* model = qobject_cast<const JobTableModel*>(sourceModel());
    if (!model) return true;
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    return m_filter->matches(model->row(sourceRow).job, now);
}

} // namespace kiq::ui
