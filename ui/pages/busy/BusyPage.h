#pragma once
// The Busy page: Sidekiq processes (stale ones in red) and the jobs they are running, refreshed every
// few seconds while visible (listProcesses + listBusyJobs in one AsyncClient::run). Quiet and Stop
// go to the selected process or to all of them, after a confirmation, through signalProcess (the
// same signal list Sidekiq's Web UI uses; a process obeys at its next heartbeat). An iterable job
// (Sidekiq ≥ 7.3) shows where its iteration stands and can be cancelled (sidekiq/api/IterableJobs.h).
// A filter narrows the jobs to those whose process, queue, class, arguments (as redacted) or JID contain
// the text typed, with a count of those shown: a fleet runs thousands at once.

#include "deployment/DeploymentPage.h"
#include "sidekiq/api/Processes.h"

#include <QTimer>

class QAction;
class QLineEdit;
class QTableView;

namespace kiq::ui {

class BusyJobModel;
class ProcessListModel;
class StatusLine;

class BusyPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit BusyPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    bool showSearchHit(const kiq::sidekiq::JobSearchHit& hit) override;

    static constexpr int kRefreshIntervalMs = 5000;
    ProcessListModel* processModel() const { return m_processes; }
    BusyJobModel* busyModel() const { return m_busy; }
    QTableView* processTable() const { return m_processTable; }
    // `all`: every listed process, else the selected ones. `confirmed` skips the dialog (tests).
    void signalProcesses(kiq::sidekiq::ProcessSignal signal, bool all, bool confirmed = false);
    // Cancels the selected busy job's iteration (Sidekiq ≥ 7.3 iterable jobs) through the gate, after a
    // confirmation unless `confirmed` (tests).
    void cancelSelectedIteration(bool confirmed = false);
    QTableView* busyTable() const { return m_busyTable; }
    QLineEdit* busyFilter() const { return m_filter; }

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }
    void showEvent(QShowEvent* event) override;

private:
    std::vector<std::string> selectedIdentities() const;
    const kiq::sidekiq::BusyJob* selectedBusyJob() const; // null without a selection
    void updateActions();
    void selectPendingJob();
    void showCounts();

    bool m_loading = false;
    QTimer m_timer;
    ProcessListModel* m_processes;
    BusyJobModel* m_busy;
    QTableView* m_processTable;
    QTableView* m_busyTable;
    QLineEdit* m_filter;
    std::string m_pendingJid; // a search hit's, until a refresh lists it
    StatusLine* m_status;
    QAction* m_quietSelected;
    QAction* m_stopSelected;
    QAction* m_quietAll;
    QAction* m_stopAll;
    QAction* m_cancelIteration;
};

} // namespace kiq::ui
