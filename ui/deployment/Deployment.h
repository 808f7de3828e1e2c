#pragma once
// One deployment in the sidebar: its profile, its AsyncClient (one worker thread and connection per
// deployment) and its reachability, which drives the status dot.
//
// Lifecycle: created Disconnected. connectNow() builds the client (with the password the user typed,
// if the profile needs one) and probes at once: Connecting, then Reachable or Unreachable. It keeps
// probing every 10 s so the dot follows a server that goes away or comes back. disconnectNow() drops the
// client; setProfile() (an edit) disconnects too, since the old client has the old options. A password
// the server refuses (WRONGPASS, NOAUTH) is forgotten and the client dropped: Unreachable, without a
// client, so the view offers Connect, which asks again.
//
// Writes: the gate opens read-only when the profile says so (production, or marked read-only) and
// follows profile edits. armWrites() allows them for some minutes; writesChanged() fires on arming,
// disarming, an edit that changes the rule and when the time box runs out. Every write is appended to
// the deployment's audit trail (write/AuditTrail.h) on the thread that ran it; one run on the GUI
// thread is appended on a pool thread instead, so the GUI never waits for the network. Jobs a write removes go to the
// app's undo journal first (undoJournal(), one for every deployment).

#include "common/LatestOnly.h"
#include "credentials/HelperSession.h"
#include "credentials/SecretResolver.h"
#include "deployment/ConnectionProfile.h"
#include "health/DrainForecast.h"
#include "redis/AsyncClient.h" // complete type: it is a signal argument
#include "security/SecurityAudit.h"
#include "write/AuditTrail.h"
#include "write/WriteGate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace kiq::write {
class UndoJournal;
}

namespace kiq::ui {

class DeploymentPoller;

class Deployment : public QObject {
    Q_OBJECT
public:
    enum class Status { Disconnected, Connecting, Reachable, Unreachable };

    // persistent: saved in the profile store (the local sandbox is not: its port changes every run).
    Deployment(kiq::deployment::ConnectionProfile profile, bool persistent, QObject* parent = nullptr);
    ~Deployment() override;

    const kiq::deployment::ConnectionProfile& profile() const { return m_profile; }
    void setProfile(const kiq::deployment::ConnectionProfile& profile);
    bool isPersistent() const { return m_persistent; }

    Status status() const { return m_status; }
    QString statusText() const { return m_statusText; } // translated; the error or "Redis 7.0.15"
    kiq::redis::AsyncClient* client() const { return m_client.get(); }
    // The one periodic read the live views (Overview, Fleet, alerts) share: one round trip a refresh.
    DeploymentPoller* poller() const { return m_poller; }
    // The one gate every write to this deployment passes through (pages get it from the view). Shared
    // with the work queued on the client, which can outlive the deployment (see ~Deployment).
    const std::shared_ptr<kiq::write::WriteGate>& writeGate() const { return m_writeGate; }
    // Every write through the gate is appended to the deployment's shared audit trail. Empty while
    // the entries reach its stream; else why not and which local file keeps them (translated as is:
    // it names the server's error).
    QString auditProblem() const { return m_auditProblem; }
    // The TLS certificates of this connection that expire within two weeks (or have expired), soonest
    // first, as sentences: "Server certificate “redis.internal” expires in 5 days (12/8/26)". Checked
    // off the GUI thread when the deployment becomes reachable and twice a day while it stays so; the
    // files are read afresh each time (redis/Certificates.h).
    QStringList certificateWarnings() const { return m_certificateWarnings; }
    // The last security audit of this deployment (security/SecurityAudit.h), run on its client when the
    // Security page or the Fleet view's "Audit all" asks; forgotten when the profile changes.
    const std::optional<kiq::security::AuditReport>& securityAudit() const { return m_securityAudit; }
    bool isAuditing() const { return m_auditing; }
    QString securityAuditError() const { return m_securityAuditError; } // the last run's failure, or empty
    void runSecurityAudit(); // does nothing without a client or while one runs
    // The drain forecast of its queues (health/DrainForecast.h), fed by every reading of the poller and
    // by the Queues page's own reads, so the history outlives switching between views; forgotten with
    // the client. Forecasts use the profile's latency SLOs.
    void addQueueSample(double takenAt, long long processed, const std::vector<kiq::sidekiq::QueueSummary>& queues);
    std::vector<kiq::health::QueueForecast> queueForecasts() const { return m_drain.forecast(m_profile.health); }
    kiq::health::DrainRates drainRates() const { return m_drain.rates(); }
    // The undo journal every deployment's gate keeps removed jobs in (AppLocalDataLocation/undo.sqlite),
    // made on first use without waiting for the disk, closed when the last holder lets go (before Qt
    // shuts down). Its calls block: make them on a client thread.
    static std::shared_ptr<kiq::write::UndoJournal> undoJournal();
    // Throws write::WriteRefused for an empty reason.
    void armWrites(const QString& reason, std::chrono::milliseconds duration);
    void disarmWrites();

    // True when connecting needs a secret not had in this session: typed, read from the keychain or
    // given by the credential helper (MainWindow::connectDeployment resolves them, then connects).
    bool needsPassword() const;
    // The secrets a resolution had (credentials/SecretResolver.h), kept in memory for reconnects; a
    // helper's username replaces the profile's user and its expires_at starts the refresh at connect.
    void applyResolution(const kiq::credentials::Resolution& resolution);
    // Getting the secrets failed (the helper's message): Unreachable, nothing to retry with.
    void credentialsFailed(const QString& why);
    // The passwords (and client key passphrase) typed at the prompt (kept in memory for reconnects,
    // never saved).
    void setPasswords(const QString& password, const QString& sentinelPassword, const QString& keyPassphrase = {});

    void connectNow();
    void disconnectNow();
    void probe(); // checks reachability now (also run by the timer)

signals:
    void statusChanged();
    void profileChanged();
    void writesChanged();
    void auditProblemChanged();
    void certificatesChanged();
    void securityAuditChanged(); // started, finished or forgotten
    // The client was created or dropped (nullptr); pages must switch to it.
    void clientChanged(kiq::redis::AsyncClient* client);

private:
    void setStatus(Status status, const QString& text);
    bool secretsCarried() const; // the options hold every secret the profile asks for
    bool dropClient(); // false if there was none
    void passwordRefused(const QString& why);
    void applyWriteRule(); // the profile's read-only rule and names to the gate
    void scheduleExpiry();
    void checkCertificates();
    void setCertificateWarnings(const QStringList& warnings);

    kiq::deployment::ConnectionProfile m_profile;
    bool m_persistent = true;
    bool m_passwordsGiven = false;
    std::shared_ptr<kiq::write::WriteGate> m_writeGate;
    // Shared with the gate's sink, which may run after the deployment is gone (a retiring client's work).
    std::shared_ptr<kiq::write::AuditTrail> m_auditTrail;
    QString m_auditProblem;
    std::unique_ptr<kiq::redis::AsyncClient> m_client;
    DeploymentPoller* m_poller; // a child
    Status m_status = Status::Disconnected;
    QString m_statusText;
    QTimer m_probeTimer;
    QTimer m_armExpiry; // fires when the arming's time box runs out, so the view follows even when hidden
    bool m_probing = false;
    QElapsedTimer m_lastAnswer; // since a reading of this client found the server; invalid before
    LatestOnly m_clientTicket; // per client, so a late probe result of an old client is ignored
    // Helper credentials: refreshed before they expire and once after WRONGPASS, on the live client.
    std::unique_ptr<kiq::credentials::HelperSession> m_helperSession;
    std::optional<std::chrono::system_clock::time_point> m_credentialsExpire;
    QStringList m_certificateWarnings;
    std::optional<kiq::security::AuditReport> m_securityAudit;
    kiq::health::DrainForecaster m_drain;
    QString m_securityAuditError;
    bool m_auditing = false;
    std::optional<std::chrono::steady_clock::time_point> m_certificatesChecked;
};

} // namespace kiq::ui
