#pragma once
// Sorting and the filter bar over a JobTableModel: rows are kept when the JobFilter expression (the
// same language as the CLI and bulk operations) matches their job. Filters what is loaded; "all
// matching" actions scan the whole set on the server side instead (previewBulk/BulkExecutor).

#include "sidekiq/search/JobFilter.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace kiq::ui {

class JobFilterProxy final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit JobFilterProxy(QObject* parent = nullptr);
    void setJobFilter(std::optional<kiq::sidekiq::JobFilter> filter);
    // No rows until the next setJobFilter (the filter being typed does not parse).
    void setRejectAll();
    const std::optional<kiq::sidekiq::JobFilter>& jobFilter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::optional<kiq::sidekiq::JobFilter> m_filter;
    bool m_rejectAll = false;
};

} // namespace kiq::ui
