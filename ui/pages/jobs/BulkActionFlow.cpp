#include "pages/jobs/BulkActionFlow.h"

#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "deployment/Deployment.h"
#include "pages/jobs/BulkPreviewDialog.h"
#include "pages/jobs/JobActionLabel.h"
#include "pages/undo/UndoOffer.h"
#include "redis/AsyncClient.h"
#include "storage/BulkCursorStore.h"
#include "write/UndoJournal.h"

#include <QProgressDialog>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <climits>

namespace kiq::ui {

using kiq::sidekiq::BulkProgress;

using BulkRun = Undoable<BulkProgress>; // with what a delete or kill removed, in the undo journal

BulkActionFlow::BulkActionFlow(kiq::redis::AsyncClient* client, std::shared_ptr<kiq::write::WriteGate> gate,
    kiq::sidekiq::BulkSpec spec, QWidget* page)
    : m_client(client)
    , m_gate(std::move(gate))
    , m_spec(std::move(spec))
    , m_page(page)
{
}

void BulkActionFlow::start()
{
    if (!m_client) return finish(tr("Not connected."), true);
    m_progress = new QProgressDialog(tr("Scanning the set…"), tr("Cancel"), 0, 0, m_page);
    m_progress->setObjectName(QStringLiteral("bulkScan"));
    m_progress->setWindowModality(Qt::WindowModal);
    // Shown only if the scan takes a while. Not with setMinimumDuration: on a dialog whose value was
    // never set, Qt keeps its 4 s default delay.
    QTimer::singleShot(300, m_progress, [p = m_progress] { p->show(); });
    auto cancel = m_cancel;
    connect(m_progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });
    const auto spec = m_spec;
    kiq::redis::AsyncClient* client = m_client; // alive while its thread runs the item
    m_client->run<kiq::sidekiq::BulkPreview>(
        [spec, cancel, client, redactor = m_redactor, load = m_loadBudget](kiq::redis::Client& c) {
            auto filter = kiq::sidekiq::JobFilter::parse(spec.filter);
            filter.redactWith(redactor);
            return kiq::sidekiq::previewBulk(
                c, spec.set, filter, 20,
                [cancel, client](const BulkProgress&) { return !cancel->load() && !client->stopRequested(); }, load);
        },
        this,
        [this](kiq::redis::Result<kiq::sidekiq::BulkPreview> r) {
            closeProgress();
            if (!r.ok())
                return finish(
                    tr("<b>Preview failed:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()),
                    true);
            if (m_cancel->load()) return finish(tr("Cancelled."), false);
            showPreview(*r.value);
        });
}

void BulkActionFlow::showPreview(const kiq::sidekiq::BulkPreview& preview)
{
    const QString action = actionLabel(m_spec.action);
    BulkPreviewDialog dialog(preview, action, m_scope, m_page);
    if (dialog.exec() != QDialog::Accepted) return finish(tr("Nothing done."), false);
    m_spec.ratePerSecond = dialog.ratePerSecond();
    QString question = tr("%1 %n matching job(s)?", nullptr, int(preview.matched)).arg(action);
    if (!m_scope.isEmpty()) question += QStringLiteral("\n\n") + m_scope;
    if (!confirmDamage(m_page, action, question, preview.matched)) return finish(tr("Nothing done."), false);
    execute(preview.matched);
}

void BulkActionFlow::execute(long long expected)
{
    if (!m_client || !m_gate) return finish(tr("Not connected."), true);
    m_cancel->store(false);
    m_progress = new QProgressDialog(tr("%1: working…").arg(actionLabel(m_spec.action)), tr("Cancel"), 0,
        int(std::min<long long>(expected, INT_MAX)), m_page);
    m_progress->setObjectName(QStringLiteral("bulkProgress"));
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setMinimumDuration(0);
    auto cancel = m_cancel;
    connect(m_progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });

    auto gate = m_gate;
    const auto spec = m_spec;
    BulkActionFlow* self = this; // alive until the done callback below: see the header
    kiq::redis::AsyncClient* client = m_client; // alive while its thread runs the item
    m_client->run<BulkRun>(
        [gate, journal = Deployment::undoJournal(), spec, cancel, self, client, redactor = m_redactor,
            load = m_loadBudget](kiq::redis::Client& c) {
            kiq::storage::BulkCursorStore store;
            auto op = kiq::sidekiq::BulkExecutor::create(c.options(), spec);
            kiq::sidekiq::BulkExecutor executor(c, *gate, std::move(op), &store);
            executor.redactWith(redactor);
            executor.setBudget(load);
            // Stops after the current page when the operator cancels or the client is shut down (the
            // deployment removed, the app quitting): the cursor is saved, so it can be resumed.
            return recordingUndo<BulkProgress>(*journal, [&] {
                return executor
                    .run([cancel, self, client](const BulkProgress& p) {
                        QMetaObject::invokeMethod(
                            self, [self, p] { self->showProgress(p); }, Qt::QueuedConnection);
                        return !cancel->load() && !client->stopRequested();
                    })
                    .progress;
            });
        },
        this,
        [this](kiq::redis::Result<BulkRun> r) {
            closeProgress();
            if (!r.ok())
                return finish(
                    tr("<b>Failed:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
            const BulkProgress& p = r.value->result;
            m_undoRecord = r.value->record;
            m_removed = p.affected;
            QString summary
                = tr("%1: %2 done, %3 already gone, %4 skipped%5")
                      .arg(actionLabel(m_spec.action), formatCount(p.affected), formatCount(p.missing),
                          formatCount(p.skipped), p.cancelled ? tr(" (cancelled; can be resumed)") : QString());
            if (!r.value->journalWarning.empty()) // the undo journal's size cap dropped older actions
                summary += QStringLiteral(" · %1").arg(QString::fromStdString(r.value->journalWarning));
            finish(summary, p.skipped > 0);
        });
}

void BulkActionFlow::showProgress(const BulkProgress& p)
{
    if (!m_progress) return;
    if (p.affected + p.missing + p.skipped > m_progress->maximum())
        m_progress->setMaximum(int(p.affected + p.missing + p.skipped));
    m_progress->setValue(int(p.affected + p.missing + p.skipped));
    QString text = tr("%1: %2 done, %3 scanned")
                       .arg(actionLabel(m_spec.action), formatCount(p.affected), formatCount(p.scanned));
    // The pace and what it costs Redis, so an operator can see it is being gentle (and why it is slow).
    QStringList cost {tr("%1 jobs/s").arg(formatCompact(p.jobsPerSecond))};
    if (p.load.calls > 0) cost << tr("Redis busy %1% of the time").arg(qRound(100 * p.load.shareUsed()));
    if (p.secondsLeft >= 1)
        cost << tr("about %1 left").arg(formatUptime(std::chrono::seconds(qRound64(p.secondsLeft))));
    if (p.load.slowed)
        cost << tr("slowed down: the server answers in %1")
                    .arg(formatLatency(std::chrono::microseconds(qRound64(p.load.latencyMs * 1000))));
    m_progress->setLabelText(text + u'\n' + cost.join(QStringLiteral(" · ")));
}

void BulkActionFlow::closeProgress()
{
    // Deleted now, not with deleteLater: the preview that follows runs a nested event loop, which
    // does not process that deletion, while the dialog's own show-delay timer still fires and puts
    // a stale modal "Scanning" box over the preview.
    delete m_progress.data();
}

void BulkActionFlow::finish(const QString& summary, bool problem)
{
    emit finished(summary, problem);
    deleteLater();
}

} // namespace kiq::ui
