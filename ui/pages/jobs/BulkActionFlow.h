#pragma once
// One "all matching" action, start to finish: previewBulk on the client's thread (a busy dialog),
// the preview dialog (with an optional rate cap), a confirmation proportional to the number of
// jobs, then BulkExecutor::run on the client's thread with a QProgressDialog. Progress crosses
// threads as queued calls; Cancel sets an atomic flag that the executor's progress callback reads,
// so it stops after the current page (the cursor is saved, and the operation can be resumed from
// the CLI). Shutting the client down (removing the deployment, quitting) stops it the same way.
//
// Lifetime: the flow owns itself and is deleted after the client's last callback for it has run, so
// the executor's thread never posts to a dead object. Dialogs are parented to the page.

#include "sidekiq/actions/BulkExecutor.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

class QProgressDialog;
class QWidget;

namespace kiq::redis {
class AsyncClient;
}
namespace kiq::write {
class WriteGate;
}

namespace kiq::ui {

class BulkActionFlow final : public QObject {
    Q_OBJECT
public:
    BulkActionFlow(kiq::redis::AsyncClient* client, std::shared_ptr<kiq::write::WriteGate> gate,
        kiq::sidekiq::BulkSpec spec, QWidget* page);
    // What the action is on, in words (the failure group, the filter), for the preview and the confirmation.
    void setScope(const QString& scope) { m_scope = scope; }
    // The filter's text terms match what the page shows (JobFilter::redactWith): the preview and the run
    // act on the jobs the operator saw match.
    void redactWith(std::shared_ptr<const kiq::redaction::Redactor> redactor) { m_redactor = std::move(redactor); }
    // How much of Redis the scan and the run may take (the profile's load budget).
    void setLoadBudget(const kiq::redis::LoadBudget& budget) { m_loadBudget = budget; }
    void start();
    // Once finished: the undo journal record of the jobs a delete or kill removed, and how many.
    std::optional<std::int64_t> undoRecord() const { return m_undoRecord; }
    long long removed() const { return m_removed; }

signals:
    void finished(const QString& summary, bool problem);

private:
    void showPreview(const kiq::sidekiq::BulkPreview& preview);
    void execute(long long expected);
    void showProgress(const kiq::sidekiq::BulkProgress& progress);
    void closeProgress();
    void finish(const QString& summary, bool problem);

    QPointer<kiq::redis::AsyncClient> m_client;
    std::shared_ptr<kiq::write::WriteGate> m_gate; // shared with the executor's work item
    kiq::sidekiq::BulkSpec m_spec;
    QString m_scope;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor;
    kiq::redis::LoadBudget m_loadBudget;
    QPointer<QWidget> m_page;
    QPointer<QProgressDialog> m_progress;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::optional<std::int64_t> m_undoRecord;
    long long m_removed = 0;
};

} // namespace kiq::ui
