#pragma once
// The job browser of every job page (Queues, Scheduled, Retries, Dead) over the local job index: the
// filter bar (a JobFilter expression applied to the index; parse errors inline), the failure groups
// (Retries and Dead),
// the virtual job table with multi-select and sortable columns, and the inspector of the current
// job. It never talks to Redis: the page feeds it snapshots, and fetches the full payload of the
// current job when asked (currentJobWanted) to hand it back with showJob().
//
// Index snapshots replace the rows under the operator's hands, so the selection, the current job
// and the first visible row are carried over by key (score, payload hash): a selected job stays
// selected wherever it moves, and a job that left the set leaves the selection rather than letting
// its neighbour slip in. Selections larger than kMaxKeptSelection rows are dropped instead.

#include "pages/jobs/IndexedJobModel.h"
#include "pages/jobs/JobRow.h"
#include "redaction/Redaction.h"

#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QTableView;
class QToolBar;

namespace kiq::ui {

class StatusLine;
class FailureGroupModel;
class JobInspector;

class IndexedJobBrowser final : public QWidget {
    Q_OBJECT
public:
    static constexpr long long kMaxKeptSelection = 10000;

    IndexedJobBrowser(const QString& whenCaption, bool descending, bool withGroups, QWidget* parent = nullptr);

    IndexedJobModel* model() const { return m_model; }
    FailureGroupModel* groupModel() const { return m_groupModel; }
    QTableView* table() const { return m_table; }
    QTableView* groupTable() const { return m_groupTable; }
    QToolBar* groupBar() const { return m_groupBar; }
    QLineEdit* filterEdit() const { return m_filter; }
    JobInspector* inspector() const { return m_inspector; }

    void setSnapshot(std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot);
    // How the table and the inspector show job arguments (the deployment's rules).
    void setRedactor(const std::shared_ptr<const kiq::redaction::Redactor>& redactor);

    // Selected rows without listing them (Ctrl+A on a million rows is one range).
    long long selectedCount() const;
    std::vector<IndexedJobModel::Key> selectedKeys() const;
    std::vector<std::string> selectedJids() const; // of the selected rows the shown snapshot holds
    // The page's answer to currentJobWanted; ignored when the current job has changed since.
    void showJob(const IndexedJobModel::Key& key, const std::optional<JobRow>& job);

    void focusFilter();
    // Filters to one JID and makes its row current once the index has it (a fleet search hit).
    void showJid(const QString& jid);
    // The current filter expression when it parses (empty when none), for "all matching" actions.
    QString validFilterText() const;
    bool filterIsValid() const { return m_filterValid; }
    // The group= term of the applied filter, 0 for none.
    std::uint64_t filterGroup() const { return m_filterGroup; }
    // Narrows the filter to one failure group (replacing any group= term); 0 removes the term.
    void filterToGroup(std::uint64_t fingerprint);

signals:
    void selectionChanged();
    void currentJobWanted(const kiq::ui::IndexedJobModel::Key& key);
    void filterApplied();
    void filterRejected(); // the text does not parse; the table is empty until it does

private:
    void applyFilterText();
    void selectPendingJid();
    void currentChanged();
    void rememberView();
    void restoreView();
    void markFilteredGroup();

    IndexedJobModel* m_model;
    FailureGroupModel* m_groupModel = nullptr;
    QLineEdit* m_filter;
    StatusLine* m_filterError;
    QTableView* m_table;
    QTableView* m_groupTable = nullptr;
    QToolBar* m_groupBar = nullptr;
    JobInspector* m_inspector;
    bool m_filterValid = true;
    std::uint64_t m_filterGroup = 0; // the group= term of the applied filter, 0 for none
    // What the page shows arguments through; the filter's text terms match that too.
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
    bool m_markingGroup = false; // the group table's selection follows the filter, not the reverse
    bool m_restoring = false; // putting the selection back after a reset
    QString m_pendingJid; // showJid's, until its row is there
    int m_sortColumn = 0; // the last order the index could apply
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;

    // Carried across a model reset.
    std::optional<IndexedJobModel::Key> m_current, m_top;
    std::vector<IndexedJobModel::Key> m_kept;
    std::optional<IndexedJobModel::Key> m_shownJob; // what the inspector shows
};

} // namespace kiq::ui
