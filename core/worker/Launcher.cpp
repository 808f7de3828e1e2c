#include "worker/Launcher.h"

#include "redis/Client.h"
#include "redis/Errors.h"
#include "worker/Fetcher.h"
#include "worker/Heartbeat.h"
#include "worker/ProcessInfo.h"
#include "worker/Processor.h"
#include "worker/ScheduledPoller.h"
#include "worker/WorkerKeys.h"

#include <sstream>

namespace kiq::worker {

using redis::Command;

namespace {
constexpr auto kHardStopGrace = std::chrono::seconds(3); // manager.rb: up to 3 s for `ensure` blocks

// "redis_version:7.0.15" → {7, 0}
std::pair<int, int> serverVersion(const std::string& info)
{
    const auto at = info.find("redis_version:");
    if (at == std::string::npos) return {0, 0};
    int major = 0, minor = 0;
    std::sscanf(info.c_str() + at + 14, "%d.%d", &major, &minor);
    return {major, minor};
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}
} // namespace

Launcher::Launcher(redis::ConnectionOptions connection, WorkerOptions options, HandlerRegistry handlers, LogSink sink)
{
    if (options.concurrency < 1) throw redis::UsageError("concurrency must be at least 1");
    if (options.queues.empty()) throw redis::UsageError("the pool needs at least one queue");
    if (options.builtinHandlers) handlers.addBuiltins();
    handlers.setUnknownClassFallback(options.unknownClassSucceedsAfter);
    const LogLevel level = options.logLevel;
    const redaction::RedactionRules redaction = options.redaction;
    if (connection.clientName == redis::ConnectionOptions::kAppClientName)
        connection.clientName = redis::ConnectionOptions::kWorkerClientName;
    m_ctx = std::make_shared<PoolContext>(std::move(options), std::move(handlers), std::move(connection),
        makeIdentity(), Logger(level, sink ? std::move(sink) : stderrLogSink(), redaction));
}

Launcher::~Launcher()
{
    try {
        stop();
    } catch (...) {
    }
}

const std::string& Launcher::identity() const
{
    return m_ctx->identity;
}

bool Launcher::running() const
{
    std::lock_guard lock(m_mutex);
    return m_running;
}

bool Launcher::quieted() const
{
    return m_ctx->quiet.load();
}

void Launcher::start()
{
    std::lock_guard lifecycle(m_lifecycleMutex);
    if (running()) return;
    if (m_started) throw redis::UsageError("this worker pool has already run; create a new Launcher to start again");
    m_started = true;
    const WorkerOptions& o = m_ctx->options;
    const Logger& log = m_ctx->log;
    if (m_ctx->connection.topology == redis::Topology::Cluster)
        throw redis::UsageError(
            "the worker pool does not run on Redis Cluster: a fetch moves jobs between keys in different slots "
            "(Sidekiq itself does not support Cluster either)");
    m_client = std::make_unique<redis::Client>(m_ctx->connection);
    m_client->connect();
    if (o.crashSafe) {
        const auto [major, minor]
            = serverVersion(m_client->command(Command("INFO").arg("server")).throwIfError().asString());
        if (major < 6 || (major == 6 && minor < 2))
            throw redis::UsageError("crash-safe fetch needs Redis 6.2 or newer (LMOVE/BLMOVE), the server runs "
                + std::to_string(major) + "." + std::to_string(minor)
                + "; turn crash-safe fetch off to use BRPOP like Sidekiq's BasicFetch");
    }

    m_heartbeat = std::make_unique<Heartbeat>(
        m_ctx, [this](const std::string& signal, redis::Client& client) { onSignal(signal, client); });
    // Registered (process and in-progress lists) before anything is fetched.
    std::optional<std::string> firstSignal;
    try {
        firstSignal = m_heartbeat->beat(*m_client);
        if (o.crashSafe) {
            m_startupRecovery = OrphanRecovery(*m_client, o, m_ctx->identity, log).run();
            auto ctx = m_ctx;
            m_heartbeat->setPeriodic(
                [ctx](redis::Client& client) { OrphanRecovery(client, ctx->options, ctx->identity, ctx->log).run(); },
                o.orphanCheckInterval);
        }
    } catch (...) {
        try {
            m_heartbeat->clear(*m_client);
            m_client->command(Command("HDEL").key(keys::kInProgressRegistry).arg(m_ctx->identity));
        } catch (...) {
        }
        m_heartbeat.reset();
        throw;
    }
    {
        std::lock_guard lock(m_mutex);
        m_running = true;
        m_stopRequested = false;
    }
    m_ctx->quiet = false;
    m_heartbeat->start();
    m_poller = std::make_unique<ScheduledPoller>(m_ctx);
    m_poller->start();
    for (int i = 0; i < o.concurrency; ++i) {
        auto p = std::make_shared<Processor>(m_ctx, i);
        p->start();
        m_processors.push_back(std::move(p));
    }
    log.info("Booted kiqdesk worker pool " + m_ctx->identity + ": concurrency " + std::to_string(o.concurrency)
        + ", queues " + joined(o.queues.unique()) + (o.queues.strict() ? " (strict order)" : " (weighted)")
        + (o.crashSafe ? ", crash-safe fetch" : ", basic fetch")
        + (o.failUnknownClasses ? ", jobs without a handler fail (NameError)"
                                : ", jobs without a handler go back to their queue"));
    if (m_startupRecovery.orphansRecovered)
        log.warn("start-up recovery: " + std::to_string(m_startupRecovery.jobsRequeued) + " jobs of "
            + std::to_string(m_startupRecovery.orphansRecovered) + " dead processes pushed back to their queues");
    if (firstSignal) onSignal(*firstSignal, *m_client);
}

void Launcher::quiet()
{
    std::lock_guard lifecycle(m_lifecycleMutex);
    quietWith(m_client.get());
}

void Launcher::quietWith(redis::Client* client)
{
    if (!running() || m_ctx->quiet.exchange(true)) return;
    m_ctx->log.info("Terminating quiet workers");
    for (const auto& p : m_processors) p->requestStop();
    if (m_poller) m_poller->requestStop();
    if (client) unblock(*client, m_processors);
}

void Launcher::unblock(redis::Client& client, const std::vector<std::shared_ptr<Processor>>& processors)
{
    // Idle threads wait in BLMOVE for up to 2 s; wake them (needs +client in an ACL; without it they
    // notice at their timeout).
    std::vector<Command> cmds;
    for (const auto& p : processors)
        if (p->connectionId() >= 0) cmds.push_back(Command("CLIENT").arg("UNBLOCK").arg(p->connectionId()));
    try {
        client.pipeline(cmds);
    } catch (const std::exception&) {
    }
}

void Launcher::stop()
{
    stop(m_ctx->options.shutdownTimeout);
}

void Launcher::stop(std::chrono::milliseconds timeout)
{
    std::lock_guard lifecycle(m_lifecycleMutex);
    if (!running()) return;
    const Logger& log = m_ctx->log;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    quietWith(m_client.get());
    if (m_ctx->state.busy() > 0) log.info("Pausing to allow workers to finish...");

    std::vector<std::shared_ptr<Processor>> stuck;
    for (const auto& p : m_processors) {
        // A thread that entered BLMOVE just after the first CLIENT UNBLOCK would sit out its 2 s:
        // wake it again while waiting (a no-op for threads running a job).
        while (
            !p->waitFinished(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(250)))) {
            if (std::chrono::steady_clock::now() >= deadline) {
                stuck.push_back(p);
                break;
            }
            unblock(*m_client, {p});
        }
    }

    if (!stuck.empty()) {
        // manager.rb hard_shutdown: the jobs go back to Redis before the threads are told to die,
        // because running a job twice is better than losing it.
        log.warn("Terminating " + std::to_string(stuck.size()) + " busy worker threads");
        long long pushed = 0;
        for (const auto& p : stuck) {
            std::vector<UnitOfWork> held = p->heldJobs();
            p->abandon();
            for (const auto& w : held)
                log.warn("Work still in progress: queue=" + w.queue + " " + log.payload(w.job, 200));
            try {
                Fetcher f(*m_client, m_ctx->options, p->inProgressKey(), p->index());
                const Requeued r = f.requeue(held);
                pushed += r.pushed;
                logDeadLetters(log, r, p->inProgressKey());
                f.acknowledgeAll();
            } catch (const std::exception& e) {
                log.error("could not push back the jobs of " + p->inProgressKey() + ": " + e.what()
                    + " (orphan recovery will)");
            }
        }
        log.info("Pushed " + std::to_string(pushed) + " jobs back to Redis");
        m_ctx->hardStop.request_stop();
        const auto grace = std::chrono::steady_clock::now() + kHardStopGrace;
        for (const auto& p : stuck)
            if (!p->waitFinished(grace))
                log.warn(
                    "processor-" + std::to_string(p->index()) + " is still inside its handler; left running detached");
    }
    if (m_poller) m_poller->stop();
    if (m_heartbeat) m_heartbeat->stop();

    try {
        // Anything a processor could not clear itself (Redis errors at the end) goes back now.
        if (m_ctx->options.crashSafe) {
            for (const auto& p : m_processors) {
                Fetcher f(*m_client, m_ctx->options, p->inProgressKey(), p->index());
                const Requeued r = f.requeueAll();
                if (r.pushed)
                    log.warn("pushed " + std::to_string(r.pushed) + " jobs left in " + p->inProgressKey() + " back");
                logDeadLetters(log, r, p->inProgressKey());
            }
        }
        m_heartbeat->clear(*m_client);
        if (m_ctx->options.crashSafe)
            m_client->command(Command("HDEL").key(keys::kInProgressRegistry).arg(m_ctx->identity)).throwIfError();
    } catch (const std::exception& e) {
        log.error(std::string("stop: ") + e.what() + " (jobs left in progress are recovered by the next pool)");
    }
    m_processors.clear();
    m_poller.reset();
    {
        std::lock_guard lock(m_mutex);
        m_running = false;
    }
    log.info("Bye!");
}

PoolSnapshot Launcher::snapshot() const
{
    PoolSnapshot s;
    s.identity = m_ctx->identity;
    s.running = running();
    s.quiet = m_ctx->quiet.load();
    s.processed = m_ctx->state.processed();
    s.failed = m_ctx->state.failed();
    s.busy = m_ctx->state.busy();
    s.concurrency = m_ctx->options.concurrency;
    s.inFlight = m_ctx->state.inFlight();
    s.handedBack = m_ctx->unhandled.counts();
    return s;
}

bool Launcher::stopRequested() const
{
    std::lock_guard lock(m_mutex);
    return m_stopRequested;
}

bool Launcher::waitForStopRequest(std::optional<std::chrono::milliseconds> timeout)
{
    std::unique_lock lock(m_mutex);
    if (!timeout) {
        m_stopCv.wait(lock, [this] { return m_stopRequested; });
        return true;
    }
    return m_stopCv.wait_for(lock, *timeout, [this] { return m_stopRequested; });
}

void Launcher::requestStop()
{
    std::function<void()> callback;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopRequested) return;
        m_stopRequested = true;
        callback = m_onStopRequested;
    }
    m_stopCv.notify_all();
    if (callback) callback();
}

void Launcher::setOnStopRequested(std::function<void()> callback)
{
    std::lock_guard lock(m_mutex);
    m_onStopRequested = std::move(callback);
}

std::vector<std::string> Launcher::threadDump() const
{
    std::vector<std::string> out;
    for (const auto& p : m_processors) out.push_back(p->describe());
    return out;
}

void Launcher::onSignal(const std::string& signal, redis::Client& client)
{
    const Logger& log = m_ctx->log;
    if (signal == "TSTP") {
        log.info("Received TSTP, no longer accepting new work");
        quietWith(&client);
    } else if (signal == "TERM") {
        log.info("Received TERM, shutting down");
        quietWith(&client);
        requestStop();
    } else if (signal == "TTIN") {
        log.warn("Received TTIN: " + std::to_string(m_processors.size()) + " processor threads");
        for (const auto& line : threadDump()) log.warn(line);
    } else {
        log.warn("ignoring unknown signal " + signal);
    }
}

} // namespace kiq::worker
