#pragma once
// Retries, Dead and Scheduled: one page class, parameterised by the sorted set it browses.
//
// The list is the local job index of the set (JobIndexFeed keeps it in step with Redis off the GUI
// thread; IndexedJobBrowser shows, filters, sorts and groups it without touching the network), so
// a million dead jobs scroll like a hundred. The full payload of a job is read from Redis only when
// it is opened (inspector) or acted on: the toolbar acts on the selected rows (retry, enqueue now,
// move to queue, kill, delete) with applyJobActionToIndexed, which reads their exact payloads, or on
// everything matching the filter (BulkActionFlow: preview, confirmation, BulkExecutor with progress
// and cancel). On Retries and Dead the failure groups act the same way on one group. Every write
// goes through the deployment's WriteGate.
//
// Retry and Scheduled show the soonest first (what runs next); Dead shows the newest death first.

#include "deployment/DeploymentPage.h"
#include "pages/jobs/IndexedJobModel.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"

class QAction;
class QLabel;
class QToolBar;
class QToolButton;

namespace kiq::ui {

class IndexedJobBrowser;
class JobIndexFeed;
class StatusLine;
class UndoOffer;

class JobSetPage final : public DeploymentPage {
    Q_OBJECT
public:
    // Selected rows are acted on by fetching each one's payload; larger sets go through "all matching".
    static constexpr long long kMaxSelectionAction = 10000;

    JobSetPage(kiq::sidekiq::JobSetKind kind, QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    bool showSearchHit(const kiq::sidekiq::JobSearchHit& hit) override;

    kiq::sidekiq::JobSetKind kind() const { return m_kind; }
    IndexedJobBrowser* browser() const { return m_browser; }
    JobIndexFeed* feed() const { return m_feed; }
    // The toolbar's path for an action on the selected rows; `confirmed` skips the dialog (tests,
    // and actions that cannot lose a job). Move asks for the queue unless `targetQueue` is given.
    void actOnSelection(kiq::sidekiq::JobAction action, bool confirmed = false, const QString& targetQueue = {});
    // `group` names the failure group acted on, for the preview and the confirmation.
    void actOnAllMatching(kiq::sidekiq::JobAction action, const QString& group = {});
    // A failure group's action: "all matching" on the group selected in the list.
    void actOnGroup(kiq::sidekiq::JobAction action);
    // "Copy as command" of an action on the selected jobs or on all matching the filter; nullopt: the
    // list of the jobs matching the filter.
    void copyCommand(std::optional<kiq::sidekiq::JobAction> action, bool selection);
    // Job files: the selected jobs written to `path` (redacted unless `unredacted`), or a file's jobs
    // added to this set (`confirmed` skips the question). The outcome shows in the status line.
    void exportSelection(const QString& path, bool unredacted = false);
    void importFile(const QString& path, bool confirmed = false);
    // Puts back what the last delete or kill of the selection removed (the status line's Undo button).
    void undoLast();
    QToolButton* undoButton() const;

signals:
    // An action on the selection or on all matching jobs has finished (its summary is in the status).
    void actionFinished();
    void jobFileDone(const QString& notice, bool problem);

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }
    void redactionChanged() override;
    void loadBudgetChanged() override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void fetchCurrent(const IndexedJobModel::Key& key);
    void replayGroup(); // every job of the selected failure group, as the filter names it
    void updateActions();
    void updateStatus();
    void showNotice(const QString& text, bool problem);
    QString fixFilterNotice() const;
    bool descending() const { return m_kind == kiq::sidekiq::JobSetKind::Dead; }
    QAction* addAction(
        QToolBar* bar, const QString& text, kiq::sidekiq::JobAction action, const QKeySequence& key = {});

    kiq::sidekiq::JobSetKind m_kind;
    JobIndexFeed* m_feed;
    IndexedJobBrowser* m_browser;
    StatusLine* m_status;
    long long m_expected = -1; // the set's size when the first build began, for its progress
    QString m_notice; // the outcome of the last action: HTML if a problem, else plain text
    bool m_noticeIsProblem = false;
    QList<QAction*> m_selectionActions;
    QList<QAction*> m_groupActions;
    QList<QAction*> m_copySelectionActions;
    QAction* m_replaySelection = nullptr; // reads only here: enabled on a read-only deployment too
    QAction* m_replayGroup = nullptr;
    QToolButton* m_allButton = nullptr;
    UndoOffer* m_undo = nullptr; // shown after a delete or kill
};

} // namespace kiq::ui
