#pragma once
// The Queues page: every queue with its size and latency (refreshed every few seconds while visible,
// one StatsReader round trip), and the jobs of the selected queue, paged 200 at a time through
// pageQueue (newest first, as Sidekiq's UI lists them). Selected jobs can be deleted (LREM of their
// exact payloads) or moved to another queue; the open queue can be paused for our pool, resumed, or
// cleared. Every write goes through the WriteGate.

#include "deployment/DeploymentPage.h"

#include <QTimer>

#include <functional>
#include <memory>
#include <string>

class QAction;
class QSortFilterProxyModel;
class QTableView;

namespace kiq::redis {
class Client;
}
namespace kiq::sidekiq {
class StatsReader;
}

namespace kiq::ui {

class JobBrowser;
class QueueListModel;
class StatusLine;

class QueuesPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit QueuesPage(QWidget* parent = nullptr);
    ~QueuesPage() override;

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr int kRefreshIntervalMs = 5000;
    QueueListModel* queueModel() const { return m_queues; }
    QTableView* queueTable() const { return m_queueTable; }
    JobBrowser* browser() const { return m_browser; }
    QString currentQueue() const { return QString::fromStdString(m_queue); }
    void deleteSelection(bool confirmed = false);
    // `to` empty: asks which queue (existing names offered, a new one may be typed).
    void moveSelection(const QString& to = {});
    void togglePause();
    void clearCurrentQueue(bool confirmed = false);

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }
    void showEvent(QShowEvent* event) override;

private:
    void refreshQueues();
    void openQueue(const std::string& name);
    void loadPage(long long offset, long long count);
    // Runs a write off the GUI thread, then reloads and says `done` (or why it failed).
    void runWrite(
        std::function<QString(kiq::redis::Client&, kiq::write::WriteGate&)> write, const QString& failedTitle);
    bool writesArmed();
    bool currentQueuePaused() const;
    void updateActions();

    LatestOnly m_jobs; // per opened queue: late pages of another queue are ignored
    bool m_loadingQueues = false;
    std::shared_ptr<kiq::sidekiq::StatsReader> m_reader; // used only on the client's thread
    std::string m_queue;
    QTimer m_timer;

    QueueListModel* m_queues;
    QSortFilterProxyModel* m_queueProxy;
    QTableView* m_queueTable;
    JobBrowser* m_browser;
    StatusLine* m_status;
    QAction* m_delete;
    QAction* m_move;
    QAction* m_pause;
    QAction* m_clear;
};

} // namespace kiq::ui
