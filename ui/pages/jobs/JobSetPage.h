#pragma once
// Retries, Dead and Scheduled: one page class, parameterised by the sorted set it browses.
//
// The table loads 200 jobs at a time (pageByRank through AsyncClient::run) as the view scrolls. The
// toolbar acts on the selected rows (retry, enqueue now, move to queue, kill, delete) through
// applyJobAction with the exact payloads, or on everything matching the filter (previewBulk, then
// BulkExecutor with a progress dialog). Every write goes through the deployment's WriteGate.
//
// Retry and Scheduled show the soonest first (what runs next); Dead shows the newest death first.

#include "deployment/DeploymentPage.h"
#include "sidekiq/JobActions.h"
#include "sidekiq/JobSets.h"

#include <QElapsedTimer>

class QAction;
class QLabel;
class QToolBar;

namespace kiq::ui {

class JobBrowser;

class JobSetPage final : public DeploymentPage {
    Q_OBJECT
public:
    JobSetPage(kiq::sidekiq::JobSetKind kind, QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void setClient(kiq::redis::AsyncClient* client) override;
    void refresh() override;

    kiq::sidekiq::JobSetKind kind() const { return m_kind; }
    JobBrowser* browser() const { return m_browser; }
    // The toolbar's path for an action on the selected rows; `confirmed` skips the dialog (tests,
    // and actions that cannot lose a job). Move asks for the queue unless `targetQueue` is given.
    void actOnSelection(kiq::sidekiq::JobAction action, bool confirmed = false, const QString& targetQueue = {});
    void actOnAllMatching(kiq::sidekiq::JobAction action);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void loadPage(long long offset, long long count);
    void updateActions();
    void showStatus(const QString& text, bool problem = false);
    bool descending() const { return m_kind == kiq::sidekiq::JobSetKind::Dead; }
    QAction* addAction(QToolBar* bar, const QString& text, kiq::sidekiq::JobAction action, const QKeySequence& key = {});

    kiq::sidekiq::JobSetKind m_kind;
    kiq::redis::AsyncClient* m_client = nullptr;
    unsigned m_generation = 0; // bumped per client and per reload: late pages of an old listing are ignored
    bool m_loading = false;
    QElapsedTimer m_sinceLoad;
    QString m_notice; // the outcome of the last action, shown once the reload after it lands
    bool m_noticeIsProblem = false;
    JobBrowser* m_browser;
    QLabel* m_status;
    QList<QAction*> m_selectionActions;
};

} // namespace kiq::ui
