#pragma once
// One page of a deployment's view (Overview, Queues, Retries, Dead, Scheduled, Busy, Redis, ACL,
// Local workers). The view creates every page it is given (main/PageRegistry), hands it the
// deployment's client and asks it to refresh; the page does its own layout, polling and error display.
//
// Contract for implementers:
// - Never build or send a Redis command here: call a core service through runFresh(...) (or
//   client()->run(...) with `this` as the context), so a closed page never receives a late result.
// - setClient() may be called again (reconnect with a new password, edited profile) or with nullptr
//   (disconnected). The base keeps the client and drops late results of the old one (runFresh);
//   clientChanged() drops what the page holds of the old one and loads from the new one.
// - refresh() must return at once; F5 calls it on the visible page.
// - Write actions are disabled with the reason as their tooltip: "Not connected" first, then
//   writeRefusal() (read-only), then what to select. writesChanged() says when to look again. The click
//   keeps its own check: the gate may close between the two.

#include "common/LatestOnly.h"
#include "deployment/ConnectionProfile.h"
#include "redis/AsyncClient.h"
#include "sidekiq/actions/JobTransfer.h"
#include "sidekiq/search/JobSearch.h"
#include "write/CliInvocation.h"
#include "write/WriteGate.h"

#include <QIcon>
#include <QPointer>
#include <QString>
#include <QWidget>

class QToolButton;

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace kiq::ui {

class Deployment;

class DeploymentPage : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0; // translated, for the page tab
    virtual QIcon icon() const = 0;
    virtual void refresh() = 0;
    // A fleet search hit to show in place (selected, in view); false when the job is not this page's.
    virtual bool showSearchHit(const kiq::sidekiq::JobSearchHit& hit)
    {
        (void)hit;
        return false;
    }
    // The page's charts as PNG files ("throughput.png" → bytes), as shown now, for an incident snapshot.
    virtual std::vector<std::pair<QString, QByteArray>> chartImages() const { return {}; }

    // Not owned; nullptr when disconnected. Late results of the previous client are dropped from now on.
    void setClient(kiq::redis::AsyncClient* client)
    {
        m_clientTicket.next();
        m_client = client;
        clientChanged();
    }

    // Set once by the view: the deployment the page belongs to (it outlives the page), for the state a
    // deployment keeps across pages and views (its last security audit).
    void setDeployment(Deployment* deployment) { m_deployment = deployment; }

    // Set once by the view before the first setClient(): every write a page makes goes through it.
    // Shared: work queued on the client holds it too, and may run after the deployment is gone.
    void setWriteGate(std::shared_ptr<kiq::write::WriteGate> gate)
    {
        m_writeGate = std::move(gate);
        writesChanged();
    }
    // Called by the view when writes may have become allowed or refused: armed, disarmed, the time box
    // ran out, the profile's rule changed. Nothing polls the gate for that.
    void notifyWritesChanged() { writesChanged(); }
    // Set by the view, again after an edit: what a confirmation names ("Billing (Production)"), how
    // job arguments are shown (the profile's redaction rules) and how "Copy as command" reaches the
    // deployment (`saved`: by --profile; the sandbox, never saved, by its connection flags).
    void setProfile(const kiq::deployment::ConnectionProfile& profile, bool saved = true)
    {
        const bool budgetChanged = !(profile.loadBudget() == m_profile.loadBudget());
        m_profile = profile;
        m_profileSaved = saved;
        m_deploymentName = profile.name;
        m_environment = profile.environment;
        if (budgetChanged) loadBudgetChanged();
        if (profile.redaction == m_redactor->rules()) return;
        m_redactor = std::make_shared<const kiq::redaction::Redactor>(profile.redaction);
        redactionChanged();
    }
    // How much of Redis the page's long reads and bulk actions may take (the profile's).
    kiq::redis::LoadBudget loadBudget() const { return m_profile.loadBudget(); }

signals:
    // Jobs of one of the page's sets to copy into another deployment ("Replay in…"): the window, which
    // knows the other deployments, opens the ReplayDialog.
    void replayRequested(kiq::sidekiq::JobSetKind kind, const std::vector<kiq::sidekiq::IndexedJobKey>& keys);

protected:
    // The client is new (or gone): drop what belongs to the old one, start loading from the new one.
    virtual void clientChanged() = 0;
    // Writes became allowed or refused (see notifyWritesChanged): enable or disable the write actions.
    virtual void writesChanged() { }
    // The redaction rules changed (a profile edit): show what is on screen again through redactor().
    virtual void redactionChanged() { }
    // The profile's load budget changed: hand it to what reads or writes in bulk.
    virtual void loadBudgetChanged() { }
    kiq::redis::AsyncClient* client() const { return m_client; }
    Deployment* deployment() const { return m_deployment; } // null until the view sets it (tests may not)

    // Runs `work` on the client's thread; `done` runs on the GUI thread, unless the page was deleted or
    // got another client meanwhile. Does nothing without a client.
    template <typename T>
    void runFresh(std::function<T(kiq::redis::Client&)> work, std::function<void(kiq::redis::Result<T>)> done)
    {
        if (!m_client) return;
        m_client->run<T>(std::move(work), this,
            [this, ticket = m_clientTicket.current(), done = std::move(done)](kiq::redis::Result<T> r) {
                if (m_clientTicket.isCurrent(ticket)) done(std::move(r));
            });
    }
    // For what runFresh does not cover (a dialog answered later, a bulk flow): take a ticket now, and
    // drop the outcome if isCurrentClient(ticket) is false by then.
    LatestOnly::Ticket clientTicket() const { return m_clientTicket.current(); }
    bool isCurrentClient(LatestOnly::Ticket ticket) const { return m_clientTicket.isCurrent(ticket); }

    // Capture the pointer itself (not the gate by reference) in work handed to the client.
    const std::shared_ptr<kiq::write::WriteGate>& writeGate() const { return m_writeGate; }
    // Why a write would be refused now, in the gate's words ("Billing (Production) is read-only: arm
    // writes with a reason first"); empty while writes are allowed.
    QString writeRefusal() const
    {
        return m_writeGate && !m_writeGate->writable() ? QString::fromStdString(m_writeGate->refusalMessage())
                                                       : QString();
    }
    // The click-time check (the gate may have closed since the button was enabled): why the write may
    // not go ahead now, or empty. A page never given a gate refuses every write.
    QString refusedWrite() const { return m_writeGate ? writeRefusal() : tr("This page has no write path."); }
    // A server's refusal as a page shows it: a NOPERM becomes "Not permitted for user viewer: needs
    // +info" (what to grant, for a page that shows what it can under a least-privilege user); any other
    // message as it is.
    QString explainError(const std::string& message) const;
    // Puts back what undo journal `record` removed (the page's UndoOffer), through the gate and off the
    // GUI thread; `report` gets the outcome as a notice (HTML), and whether it is a problem.
    void restoreRemoved(std::int64_t record, std::function<void(const QString& notice, bool problem)> report);
    // Keyboard users never see a disabled action's tooltip: a shortcut of one of `target`'s actions,
    // pressed in `target` while it is disabled because writes are refused, shows the reason through
    // `show` instead of doing nothing.
    void explainRefusedShortcuts(QWidget* target, std::function<void(const QString&)> show);
    const QString& deploymentName() const { return m_deploymentName; }
    kiq::deployment::Environment environment() const { return m_environment; }
    // Everything a page shows of job arguments, copies or exports passes this. Shared, so a model or a
    // worker-thread task can keep it.
    const std::shared_ptr<const kiq::redaction::Redactor>& redactor() const { return m_redactor; }
    // Records in the audit trail that a job (`jid`) was shown without redaction: not a write, so it is
    // allowed on a read-only deployment, but it leaves a trace.
    // "Copy as command": puts the kiqdesk-cli line equivalent to `action` on this deployment on the
    // clipboard (write/CliInvocation.h builds it) and returns the short message the page shows.
    QString copyAsCommand(const kiq::write::CliAction& action) const;
    // Job files (sidekiq/actions/JobTransfer.h), for the pages that list jobs. Export: `read` gives the
    // selected jobs' lines on the client's thread (redacted by redactor() unless `unredacted`, which
    // the audit trail records), written to `path` there, all or nothing. Import: reads `path` off the
    // GUI thread, asks unless `confirmed`, then adds its jobs to `target` through the gate. `report`
    // gets the notice (HTML) and whether it is a problem.
    using JobReader = std::function<kiq::sidekiq::ExportedJobs(kiq::redis::Client&, const kiq::redaction::Redactor*)>;
    void exportJobFile(const QString& path, bool unredacted, const QString& from, JobReader read,
        std::function<void(const QString&, bool)> report);
    void importJobFile(const QString& path, const kiq::sidekiq::TransferTarget& target, const QString& targetTitle,
        bool confirmed, std::function<void(const QString&, bool)> report);
    // The toolbar's "Job file" button: export the selection (redacted, or with the arguments as they
    // are) and import a file, each after a file dialog; `fileStem` names the file offered.
    QToolButton* jobFileButton(const QString& fileStem,
        std::function<void(const QString& path, bool unredacted)> exportTo,
        std::function<void(const QString& path)> importFrom);
    void recordReveal(const QString& jid)
    {
        if (m_writeGate) m_writeGate->record({"reveal", jid.toStdString(), 1, "inspector", {}});
    }

private:
    Deployment* m_deployment = nullptr;
    QPointer<kiq::redis::AsyncClient> m_client;
    LatestOnly m_clientTicket; // a new ticket per client
    std::shared_ptr<kiq::write::WriteGate> m_writeGate;
    QString m_deploymentName;
    kiq::deployment::ConnectionProfile m_profile;
    bool m_profileSaved = true;
    kiq::deployment::Environment m_environment = kiq::deployment::Environment::Development;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
};

using PageFactory = std::function<DeploymentPage*(QWidget* parent)>;

} // namespace kiq::ui
