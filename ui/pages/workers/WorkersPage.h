#pragma once
// The Local workers page: runs a Sidekiq-compatible pool inside the app against this deployment
// (kiq::worker::LocalPool, the same Launcher as `kiqdesk-cli work`). A form (concurrency, queues with
// Sidekiq's -q weights, a handler file, the built-in demo handlers, log level, shutdown timeout),
// Start / Quiet / Stop, live counts, the jobs in flight and the pool's log.
//
// The page never waits for the pool: Start, Quiet and Stop post to the pool's control thread, and a
// timer polls its status and new log lines. Starting is a write and passes the deployment's WriteGate
// (refused while read-only, audited otherwise); Quiet and Stop always work, so a pool can be stopped
// after writes were disarmed (disarming does not stop it by itself; the page points that out).
//
// Before a start the page looks (on the client's thread) at the jobs waiting in the chosen queues: classes it has no
// handler for are listed, and the user picks whether they are handed back untouched (the default, so Sidekiq or
// another process still runs them) or failed like Sidekiq does. On a staging or production deployment Start asks
// first. These questions are window-modal boxes opened with open(), children of the page (object names
// "startConfirmation", "unhandledClassesDialog"; buttons "handBackButton", "failButton"). The pool belongs to the
// Redis target (LocalPool::forTarget): the sandbox deployment shows and controls the sandbox's own pool. Closing the
// page lets go of the pool, which then stops in the background.

#include "deployment/DeploymentPage.h"
#include "worker/LocalPool.h"
#include "worker/UnhandledClasses.h"

#include <QTimer>

#include <cstdint>
#include <deque>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace kiq::ui {

class InFlightJobModel;
class InfoCard;
class StatusLine;

class WorkersPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit WorkersPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr int kPollIntervalMs = 250;

    // The form's fields, Start/Quiet/Stop as the buttons do them (tests drive these).
    QSpinBox* concurrencyField() const { return m_concurrency; }
    QLineEdit* queuesField() const { return m_queues; }
    QLineEdit* handlerFileField() const { return m_handlerFile; }
    QCheckBox* builtinsField() const { return m_builtins; }
    QSpinBox* shutdownTimeoutField() const { return m_timeout; }
    void startPool();
    void quietPool();
    void stopPool();

    std::shared_ptr<kiq::worker::LocalPool> pool() const { return m_pool; }
    InFlightJobModel* inFlightModel() const { return m_inFlight; }
    QPlainTextEdit* logView() const { return m_log; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* quietButton() const { return m_quiet; }
    QPushButton* stopButton() const { return m_stop; }
    QString statusText() const;
    QLabel* unhandledWarning() const { return m_unhandled; }

protected:
    void clientChanged() override;
    void writesChanged() override { poll(); }
    void redactionChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void poll();
    void showStatus(const kiq::worker::LocalPoolStatus& s);
    void appendLog(const std::vector<kiq::worker::PoolLogLine>& lines);
    void rebuildLogView();
    void adoptPool(std::shared_ptr<kiq::worker::LocalPool> pool);
    void browseHandlerFile();
    void sampleThenStart(std::shared_ptr<const kiq::worker::PoolSetup> setup, const QString& queues);
    void askAboutUnhandled(std::shared_ptr<const kiq::worker::PoolSetup> setup, const QString& queues,
        const std::vector<kiq::worker::UnhandledSample>& samples);
    void launch(kiq::worker::PoolSetup setup, const QString& queues);
    void setPreparing(bool preparing);

    std::shared_ptr<kiq::worker::LocalPool> m_pool;
    std::uint64_t m_logSeq = 0;
    std::deque<kiq::worker::PoolLogLine> m_logLines; // what the filter chooses from, bounded like the pool's log
    bool m_disarmedNoticeShown = false;
    bool m_preparing = false; // between Start and the pool's start: confirmations, the look at the queues
    QTimer m_timer;

    QSpinBox* m_concurrency;
    QLineEdit* m_queues;
    QLineEdit* m_handlerFile;
    QCheckBox* m_builtins;
    QComboBox* m_logLevel;
    QSpinBox* m_timeout;
    QWidget* m_form;
    QPushButton* m_start;
    QPushButton* m_quiet;
    QPushButton* m_stop;
    QPushButton* m_copyCommand;
    QLabel* m_state;
    InfoCard* m_processed;
    InfoCard* m_failed;
    InfoCard* m_busy;
    InfoCard* m_uptime;
    InFlightJobModel* m_inFlight;
    QTableView* m_inFlightTable;
    QComboBox* m_logFilter;
    QPlainTextEdit* m_log;
    QLabel* m_unhandled;
    StatusLine* m_message;
};

} // namespace kiq::ui
