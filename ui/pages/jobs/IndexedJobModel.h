#pragma once
// A virtual job table over a job index snapshot (a sorted set's JobIndex or a queue's QueueIndex): rowCount() is the
// number of matching entries (a million if need be) and data() reads the index's metadata for the rows on screen, never
// Redis. Filtering, sorting and the failure groups are computed by the snapshot on a thread of the model's own (a
// one-thread pool at a lower CPU priority than the GUI); the result (a vector of row numbers) replaces the old one in
// one model reset on the GUI thread, and a newer request supersedes one still running. While snapshots arrive quickly
// (the first build of a large set) they are applied at most every kMinApplyIntervalMs, so the view is not reset for
// each.
//
// Rows are named across snapshots by Key (score, payload hash); the page fetches the full payload
// of a key (fetchIndexedJob, fetchQueueJob) when it is opened or acted on.

#include "pages/jobs/JobColumns.h"
#include "redaction/Redaction.h"
#include "sidekiq/search/JobFilter.h"
#include "sidekiq/search/JobIndexSnapshot.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QThreadPool>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace kiq::ui {

class IndexedJobModel final : public QAbstractTableModel, public JobColumns {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IndexedJobModel)
public:
    enum Role {
        UnderlyingDataRole = Qt::UserRole, // raw value (time, retry count) for tests and copying
        MalformedRole, // bool
    };
    using Key = kiq::sidekiq::IndexedJobKey;
    static constexpr int kMinApplyIntervalMs = 400;

    explicit IndexedJobModel(const QString& whenCaption, bool descending, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // Columns the index can order by; the others keep the current order (returns false).
    static bool sortable(int column);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setSnapshot(std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot);
    // `rows` picks the rows; `groups` the entries the group view counts (the same filter without its
    // group= term, so choosing a group does not hide the others). nullopt: everything.
    void setFilters(std::optional<kiq::sidekiq::JobFilter> rows, std::optional<kiq::sidekiq::JobFilter> groups);
    // The filter being typed does not parse: no rows and no groups until the next setFilters, since
    // the last good filter's results would pass for the new one's.
    void setFilterInvalid();
    bool filterInvalid() const { return m_filterInvalid; }
    // Failure groups are computed only when wanted (Scheduled has none).
    void setGroupsWanted(bool wanted) { m_groupsWanted = wanted; }
    // How the arguments and error columns show what jobs carry (the deployment's rules).
    void setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor);

    const std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot>& snapshot() const { return m_shown; }
    Key key(int row) const;
    // The rows showing these keys now, in one pass over the rows (keys no longer shown are left out).
    std::vector<int> rowsOf(const std::vector<Key>& keys) const;
    long long maybeCount() const { return m_maybe; }
    const std::vector<kiq::sidekiq::JobIndexGroup>& groups() const { return m_groups; }
    // A query is running or waiting to be applied.
    bool busy() const { return m_running || m_pending || m_throttle.isActive(); }

signals:
    // After each applied result: how long the query took on its thread.
    void queryApplied(double milliseconds);
    void groupsChanged();

private:
    struct Result;
    void requery();
    void launch();
    void apply(std::shared_ptr<Result> result);
    std::uint32_t snapRow(int row) const { return (*m_rows)[std::size_t(row)]; }

    QString m_whenCaption;
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> m_latest; // newest known
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> m_shown; // the one m_rows belongs to
    std::shared_ptr<const std::vector<std::uint32_t>> m_rows;
    std::vector<kiq::sidekiq::JobIndexGroup> m_groups;
    long long m_maybe = 0;
    std::optional<kiq::sidekiq::JobFilter> m_rowFilter, m_groupFilter;
    kiq::sidekiq::JobIndexSort m_sort = kiq::sidekiq::JobIndexSort::Score;
    bool m_descending;
    bool m_groupsWanted = true;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
    bool m_filterInvalid = false;
    bool m_running = false; // a query is on the pool
    bool m_pending = false; // and another is wanted after it
    unsigned m_ticket = 0; // the newest query's number; older results are dropped
    QElapsedTimer m_sinceApply;
    QTimer m_throttle;
    QThreadPool m_pool; // last member: destroyed first, waiting for a query still running
};

} // namespace kiq::ui
