#include "deployment/Deployment.h"

#include "common/ClientRetirement.h"
#include "common/OffThread.h"
#include "deployment/DeploymentPoller.h"
#include "deployment/EnvironmentTag.h"
#include "redis/AsyncClient.h"
#include "redis/Certificates.h"
#include "server/ServerInfoProbe.h"
#include "write/UndoJournal.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QPointer>
#include <QThread>

#include <cstdlib>
#include <limits>
#include <mutex>

namespace kiq::ui {

namespace {
constexpr int kProbeIntervalMs = 10000;
constexpr auto kCertificateRecheck = std::chrono::hours(12);

QString certificateWarning(const kiq::redis::CertificateInfo& c, std::chrono::system_clock::time_point now)
{
    using Role = kiq::redis::CertificateInfo::Role;
    const QString role = c.role == Role::Server ? Deployment::tr("Server certificate")
        : c.role == Role::Ca                    ? Deployment::tr("CA certificate")
                                                : Deployment::tr("Client certificate");
    const QString subject = QString::fromStdString(c.subject);
    const QString date = QLocale().toString(
        QDateTime::fromSecsSinceEpoch(std::chrono::system_clock::to_time_t(c.notAfter)).date(), QLocale::ShortFormat);
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(c.notAfter - now).count();
    const int days = int(std::abs(left) / 86400);
    if (left <= 0) return Deployment::tr("%1 “%2” expired %n day(s) ago (%3)", "", days).arg(role, subject, date);
    if (days == 0) return Deployment::tr("%1 “%2” expires today (%3)").arg(role, subject, date);
    return Deployment::tr("%1 “%2” expires in %n day(s) (%3)", "", days).arg(role, subject, date);
}
} // namespace

Deployment::Deployment(kiq::deployment::ConnectionProfile profile, bool persistent, QObject* parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_persistent(persistent)
    , m_writeGate(std::make_shared<kiq::write::WriteGate>(m_profile.name.toStdString(), m_profile.opensReadOnly()))
    , m_auditTrail(std::make_shared<kiq::write::AuditTrail>(m_profile.options,
          kiq::write::AuditTrail::defaultLocalFile(m_profile.name.toStdString()), m_profile.auditMaxLen))
{
    m_writeGate->addRemovalJournal(undoJournal());
    applyWriteRule();
    m_writeGate->addAuditSink([trail = m_auditTrail](const kiq::write::AuditEntry& entry) {
        const auto* app = QCoreApplication::instance();
        if (app && QThread::currentThread() == app->thread())
            QThreadPool::globalInstance()->start([trail, entry] { trail->append(entry); });
        else
            trail->append(entry);
    });
    m_auditTrail->setProblemListener([this](const std::string&) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                const QString problem = QString::fromStdString(m_auditTrail->problem());
                if (problem == m_auditProblem) return;
                m_auditProblem = problem;
                emit auditProblemChanged();
            },
            Qt::QueuedConnection);
    });
    m_armExpiry.setSingleShot(true);
    m_armExpiry.setTimerType(Qt::PreciseTimer); // a coarse timer may fire before the gate's box ends
    connect(&m_armExpiry, &QTimer::timeout, this, &Deployment::scheduleExpiry);
    // A new connection's password, typed (and perhaps tested) in the dialog, is not asked for again.
    m_passwordsGiven = secretsCarried();
    m_statusText = tr("Not connected");
    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, [this] {
        // The views' poller read from the server since the last probe: it answers, no round trip needed.
        if (m_status == Status::Reachable && m_lastAnswer.isValid() && m_lastAnswer.elapsed() < kProbeIntervalMs)
            return;
        probe();
    });
    m_poller = new DeploymentPoller(this);
    // The readings the views share say whether the server answers, and feed the drain forecast
    // (before any view asks for it: this connection is the poller's first).
    connect(m_poller, &DeploymentPoller::polled, this, [this](const kiq::health::DeploymentReading& reading) {
        if (const auto& stats = reading.health.stats) {
            m_lastAnswer.start();
            addQueueSample(stats->takenAt, stats->processed, stats->queues);
        } else if (reading.health.unreachable()) {
            probe(); // the status follows at once
        }
    });
    // A read that failed (refused credentials, say): the probe tells the status why, now.
    connect(m_poller, &DeploymentPoller::failed, this, &Deployment::probe);
}

Deployment::~Deployment()
{
    m_auditTrail->setProblemListener({}); // no late call into this object from a writing thread
    // Not disconnectNow(): emitting signals from a destructor reaches half-destroyed listeners. The
    // client is destroyed on a background thread; the item it is running (a bulk action, say) stops
    // at its next safe point, and still holds the write gate it uses (shared).
    retireClient(std::move(m_client));
}

std::shared_ptr<kiq::write::UndoJournal> Deployment::undoJournal()
{
    static std::mutex mutex;
    static std::weak_ptr<kiq::write::UndoJournal> shared;
    std::lock_guard lock(mutex);
    auto journal = shared.lock();
    if (!journal) {
        journal = std::make_shared<kiq::write::UndoJournal>();
        shared = journal;
    }
    return journal;
}

void Deployment::setProfile(const kiq::deployment::ConnectionProfile& profile)
{
    const bool wasConnected = m_client != nullptr;
    disconnectNow();
    // Keep the typed passwords only if the profile still wants them and the options carry them.
    m_profile = profile;
    m_auditTrail->setMaxLen(m_profile.auditMaxLen);
    m_certificatesChecked.reset(); // other files or another server, maybe: checked at the next connect
    setCertificateWarnings({});
    if (m_securityAudit || !m_securityAuditError.isEmpty()) {
        m_securityAudit.reset(); // of the server the old profile named
        m_securityAuditError.clear();
        emit securityAuditChanged();
    }
    m_passwordsGiven = secretsCarried();
    applyWriteRule(); // a rule that changes ends an arming
    emit profileChanged();
    scheduleExpiry();
    if (wasConnected && !needsPassword()) connectNow();
}

void Deployment::applyWriteRule()
{
    m_writeGate->setReadOnly(m_profile.opensReadOnly());
    m_writeGate->setRefusalText(
        tr("%1 (%2)").arg(m_profile.name, environmentLabel(m_profile.environment)).toStdString(),
        tr("arm writes with a reason first").toStdString());
}

void Deployment::armWrites(const QString& reason, std::chrono::milliseconds duration)
{
    m_writeGate->arm(reason.trimmed().toStdString(), duration);
    scheduleExpiry();
}

void Deployment::disarmWrites()
{
    m_writeGate->disarm();
    scheduleExpiry();
}

void Deployment::scheduleExpiry()
{
    m_armExpiry.stop();
    // A timer that wakes a little early finds time left and waits again; the gate refuses late writes anyway.
    if (const auto left = m_writeGate->remaining())
        m_armExpiry.start(int(std::min<long long>(left->count() + 1, std::numeric_limits<int>::max())));
    emit writesChanged();
}

bool Deployment::secretsCarried() const
{
    for (const auto secret : kiq::credentials::kAllSecrets)
        if (m_profile.needs(secret) && m_profile.secretValue(secret).empty()) return false;
    return true;
}

bool Deployment::needsPassword() const
{
    return !m_passwordsGiven;
}

void Deployment::setPasswords(const QString& password, const QString& sentinelPassword, const QString& keyPassphrase)
{
    m_profile.options.password = password.toStdString();
    m_profile.options.sentinelPassword = sentinelPassword.toStdString();
    m_profile.options.tls.keyPassphrase = keyPassphrase.toStdString();
    m_passwordsGiven = true;
}

void Deployment::applyResolution(const kiq::credentials::Resolution& resolution)
{
    m_profile.options = resolution.profile.options;
    m_credentialsExpire = resolution.expiresAt;
    m_passwordsGiven = true;
}

void Deployment::credentialsFailed(const QString& why)
{
    dropClient();
    setStatus(Status::Unreachable, why);
}

void Deployment::connectNow()
{
    disconnectNow();
    try {
        m_client = std::make_unique<kiq::redis::AsyncClient>(m_profile.options);
    } catch (const std::exception& e) {
        // An impossible configuration (Cluster with db 1, Sentinel without a master name, ...).
        setStatus(Status::Unreachable, QString::fromStdString(e.what()));
        return;
    }
    m_auditTrail->setOptions(m_profile.options); // with the passwords typed for this connection
    if (kiq::credentials::usesHelper(m_profile)) {
        m_helperSession = std::make_unique<kiq::credentials::HelperSession>(m_profile, m_client.get());
        connect(m_helperSession.get(), &kiq::credentials::HelperSession::renewed, this, [this] {
            // The live connection took the new token: later connections (and the audit trail's) use it too.
            m_profile.options.user = m_client->options().user;
            m_profile.options.password = m_client->options().password;
            m_auditTrail->setOptions(m_profile.options);
            probe();
        });
        connect(m_helperSession.get(), &kiq::credentials::HelperSession::failed, this,
            [this](const QString& why) { passwordRefused(why); });
        m_helperSession->schedule(m_credentialsExpire);
    }
    m_clientTicket.next();
    setStatus(Status::Connecting, tr("Connecting…"));
    m_lastAnswer.invalidate();
    emit clientChanged(m_client.get());
    probe();
    m_probeTimer.start();
}

void Deployment::disconnectNow()
{
    if (dropClient()) setStatus(Status::Disconnected, tr("Not connected"));
}

bool Deployment::dropClient()
{
    m_probeTimer.stop();
    m_probing = false;
    if (!m_client) return false;
    m_clientTicket.next();
    m_helperSession.reset();
    m_drain.clear(); // the next client may reach another server
    m_lastAnswer.invalidate();
    emit clientChanged(nullptr); // pages let go of the pointer before it dies
    retireClient(std::move(m_client));
    return true;
}

void Deployment::addQueueSample(
    double takenAt, long long processed, const std::vector<kiq::sidekiq::QueueSummary>& queues)
{
    m_drain.add(takenAt, processed, queues);
}

void Deployment::passwordRefused(const QString& why)
{
    // Probing on with a refused password would add a failed AUTH to the server's ACL LOG every 10 s (and
    // may lock the account); the Edit dialog must not offer it again either. The client goes, so the
    // view offers Connect, which asks for the password afresh.
    dropClient();
    m_profile.options.password.clear();
    m_profile.options.sentinelPassword.clear();
    m_credentialsExpire.reset();
    m_profile.passwordRequired = true; // the server wants one, whatever the profile said
    m_passwordsGiven = secretsCarried();
    setStatus(Status::Unreachable, tr("%1. Try again (or press F5) to enter the password again.").arg(why));
    emit profileChanged();
}

void Deployment::probe()
{
    if (!m_client || m_probing) return; // one probe at a time: a slow server must not pile them up
    m_probing = true;
    const auto ticket = m_clientTicket.current();
    m_client->run<kiq::server::ServerProbe>(
        &kiq::server::probeServer, this, [this, ticket](kiq::redis::Result<kiq::server::ServerProbe> r) {
            if (!m_clientTicket.isCurrent(ticket)) return;
            m_probing = false;
            if (!r.ok()) {
                const auto kind = r.error->kind;
                // A helper's token may have been rotated under us: its helper runs once more first.
                if (kind == kiq::redis::ErrorKind::WrongPass && m_helperSession
                    && m_helperSession->retryAfterWrongPass())
                    return;
                if (kind == kiq::redis::ErrorKind::WrongPass || kind == kiq::redis::ErrorKind::NoAuth)
                    passwordRefused(QString::fromStdString(r.error->message));
                else
                    setStatus(Status::Unreachable, QString::fromStdString(r.error->message));
                return;
            }
            const auto& p = *r.value;
            QString text
                = p.redisVersion.empty() ? tr("Reachable") : tr("Redis %1").arg(QString::fromStdString(p.redisVersion));
            for (const auto& note : p.notes) text += QStringLiteral(" · ") + QString::fromStdString(note);
            setStatus(Status::Reachable, text);
            if (m_profile.options.tls.enabled
                && (!m_certificatesChecked
                    || std::chrono::steady_clock::now() - *m_certificatesChecked > kCertificateRecheck))
                checkCertificates();
        });
}

void Deployment::checkCertificates()
{
    m_certificatesChecked = std::chrono::steady_clock::now();
    const auto& o = m_profile.options;
    // A Sentinel's or a Cluster seed's certificate for those.
    const kiq::redis::Endpoint server = o.firstEndpoint();
    const auto deadline = kiq::redis::Clock::now() + o.connectTimeout;
    runOffThread(
        this,
        [server, tls = o.tls, deadline] {
            const auto now = std::chrono::system_clock::now();
            QStringList warnings;
            for (const auto& c :
                kiq::redis::expiringWithin(kiq::redis::connectionCertificates(server, tls, deadline), now))
                warnings << certificateWarning(c, now);
            return warnings;
        },
        [ticket = m_clientTicket.current()](Deployment* self, const QStringList& warnings) {
            if (self->m_clientTicket.isCurrent(ticket)) self->setCertificateWarnings(warnings);
        });
}

void Deployment::runSecurityAudit()
{
    if (!m_client || m_auditing) return;
    m_auditing = true;
    emit securityAuditChanged();
    m_client->run<kiq::security::AuditReport>(
        [options = m_profile.options, budget = m_profile.loadBudget()](kiq::redis::Client& c) {
            kiq::security::AuditOptions audit;
            audit.budget = budget;
            return kiq::security::auditDeployment(c, options, audit);
        },
        this,
        [this, ticket = m_clientTicket.current()](kiq::redis::Result<kiq::security::AuditReport> r) {
            m_auditing = false;
            if (m_clientTicket.isCurrent(ticket)) {
                if (r.ok()) {
                    m_securityAudit = std::move(*r.value);
                    m_securityAuditError.clear();
                } else {
                    m_securityAuditError = QString::fromStdString(r.error->message);
                }
            }
            emit securityAuditChanged();
        });
}

void Deployment::setCertificateWarnings(const QStringList& warnings)
{
    if (warnings == m_certificateWarnings) return;
    m_certificateWarnings = warnings;
    emit certificatesChanged();
}

void Deployment::setStatus(Status status, const QString& text)
{
    if (status == m_status && text == m_statusText) return;
    m_status = status;
    m_statusText = text;
    emit statusChanged();
}

} // namespace kiq::ui
