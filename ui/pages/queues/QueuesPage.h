#pragma once
// The Queues page: every queue with its size and latency (refreshed every few seconds while visible,
// one StatsReader round trip), and the jobs of the selected queue, paged 200 at a time through
// pageQueue (newest first, as Sidekiq's UI lists them). Selected jobs can be deleted (LREM of their
// exact payloads, through the WriteGate).

#include "deployment/DeploymentPage.h"

#include <QTimer>

#include <memory>
#include <string>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace kiq::sidekiq {
class StatsReader;
}

namespace kiq::ui {

class JobBrowser;
class QueueListModel;

class QueuesPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit QueuesPage(QWidget* parent = nullptr);
    ~QueuesPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setClient(kiq::redis::AsyncClient* client) override;
    void refresh() override;

    static constexpr int kRefreshIntervalMs = 5000;
    QueueListModel* queueModel() const { return m_queues; }
    QTableView* queueTable() const { return m_queueTable; }
    JobBrowser* browser() const { return m_browser; }
    QString currentQueue() const { return QString::fromStdString(m_queue); }
    void deleteSelection(bool confirmed = false);

private:
    void refreshQueues();
    void openQueue(const std::string& name);
    void loadPage(long long offset, long long count);
    void showStatus(const QString& text, bool problem = false);

    kiq::redis::AsyncClient* m_client = nullptr;
    unsigned m_generation = 0;    // per client
    unsigned m_jobGeneration = 0; // per opened queue: late pages of another queue are ignored
    bool m_loadingQueues = false;
    std::shared_ptr<kiq::sidekiq::StatsReader> m_reader; // used only on the client's thread
    std::string m_queue;
    QTimer m_timer;

    QueueListModel* m_queues;
    QSortFilterProxyModel* m_queueProxy;
    QTableView* m_queueTable;
    JobBrowser* m_browser;
    QLabel* m_status;
    QAction* m_delete;
};

} // namespace kiq::ui
