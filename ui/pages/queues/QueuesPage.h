#pragma once
// The Queues page: every queue with its size and latency (refreshed every few seconds while visible,
// one StatsReader round trip), and the jobs of the selected queue in the same browser as the
// Scheduled, Retry and Dead pages (IndexedJobBrowser): the queue's local index (QueueIndex, kept in
// step by a JobIndexFeed off the GUI thread) is filtered, sorted and opened without touching the
// network, newest first as Sidekiq's UI lists them. Selected jobs can be deleted (LREM of their exact
// payloads, read by key when acted on) or moved to another queue; the open queue can be paused for
// our pool, resumed, or cleared. Every write goes through the WriteGate.

#include "deployment/DeploymentPage.h"
#include "sidekiq/search/QueueIndex.h"

#include <QTimer>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QAction;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace kiq::redis {
class Client;
}
namespace kiq::sidekiq {
class StatsReader;
}

namespace kiq::ui {

class IndexedJobBrowser;
class JobIndexFeed;
class QueueListModel;
class StatusLine;
class UndoOffer;

class QueuesPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit QueuesPage(QWidget* parent = nullptr);
    ~QueuesPage() override;

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    bool showSearchHit(const kiq::sidekiq::JobSearchHit& hit) override;

    static constexpr int kRefreshIntervalMs = 5000;
    // Selected rows are acted on by reading each one's payload; more at once is refused.
    static constexpr long long kMaxSelectionAction = 10000;
    QueueListModel* queueModel() const { return m_queues; }
    QTableView* queueTable() const { return m_queueTable; }
    IndexedJobBrowser* browser() const { return m_browser; }
    JobIndexFeed* feed() const { return m_feed; }
    QString currentQueue() const { return QString::fromStdString(m_queue); }
    void deleteSelection(bool confirmed = false);
    // `to` empty: asks which queue (existing names offered, a new one may be typed).
    void moveSelection(const QString& to = {});
    void togglePause();
    void clearCurrentQueue(bool confirmed = false);
    // Job files: the selected jobs of the open queue written to `path` (redacted unless `unredacted`),
    // or a file's jobs pushed onto the open queue (`confirmed` skips the question).
    void exportSelection(const QString& path, bool unredacted = false);
    void importFile(const QString& path, bool confirmed = false);
    // Puts back what the last delete or clear removed (the status line's Undo button).
    void undoLast();
    QToolButton* undoButton() const;
    // "Copy as command": the kiqdesk-cli line of one of the page's actions on the open queue.
    enum class CopyWhat { List, DeleteSelection, MoveSelection, Pause, Clear };
    void copyCommand(CopyWhat what);

signals:
    void jobFileDone(const QString& notice, bool problem); // an export or import has finished

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }
    void redactionChanged() override;
    void loadBudgetChanged() override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void refreshQueues();
    void openQueue(const std::string& name);
    void selectPendingQueue(); // makes m_pendingQueue the current row once the list has it
    void fetchCurrent(const kiq::sidekiq::IndexedJobKey& key);
    // The selection as the core names queue jobs; empty (and says why) when there is nothing to do.
    std::vector<kiq::sidekiq::QueueJobRef> selectedRefs();
    void showNotice(const QString& text, bool problem);
    // The notice of a write that removed jobs, with the Undo offer for them.
    void showUndoable(
        QString text, long long removed, std::optional<std::int64_t> record, const std::string& journalWarning);
    void updateStatus();
    // Runs a write off the GUI thread, then reloads and says `done` (or why it failed).
    void runWrite(
        std::function<QString(kiq::redis::Client&, kiq::write::WriteGate&)> write, const QString& failedTitle);
    bool writesArmed();
    bool currentQueuePaused() const;
    void updateActions();

    LatestOnly m_jobs; // per opened queue: a late job of another queue is ignored
    bool m_loadingQueues = false;
    std::shared_ptr<kiq::sidekiq::StatsReader> m_reader; // used only on the client's thread
    std::string m_queue;
    QTimer m_timer;

    QueueListModel* m_queues;
    QSortFilterProxyModel* m_queueProxy;
    QTableView* m_queueTable;
    JobIndexFeed* m_feed;
    IndexedJobBrowser* m_browser;
    std::string m_pendingQueue; // a search hit's, until the queue list has it
    StatusLine* m_status;
    QString m_listProblem; // the last failure to read the queue list, until a read succeeds
    QString m_notice; // the outcome of the last action or load: HTML if a problem, else plain text
    bool m_noticeIsProblem = false;
    QAction* m_delete;
    QAction* m_move;
    QAction* m_pause;
    QAction* m_clear;
    UndoOffer* m_undo = nullptr; // shown after a delete or clear
};

} // namespace kiq::ui
