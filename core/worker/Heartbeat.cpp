#include "worker/Heartbeat.h"

#include "redis/Client.h"
#include "redis/Errors.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "util/StopSleep.h"
#include "worker/OrphanRecovery.h"
#include "worker/ProcessInfo.h"
#include "worker/WorkerKeys.h"

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <random>

#include <unistd.h>

namespace kiq::worker {

using redis::Command;

namespace {
constexpr long long kStatsTtl = 5LL * 365 * 24 * 60 * 60; // launcher.rb STATS_TTL
constexpr int kHeartbeatTtl = 60;

std::string jsonStringArray(const std::vector<std::string>& items)
{
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        sidekiq::json::appendQuoted(out, items[i]);
    }
    return out + "]";
}

std::string workEntry(const InFlightJob& job)
{
    // processor.rb stats: {queue:, payload: jobstr, run_at: Time.now.to_i}, dumped with symbol keys.
    std::string out = "{\"queue\":";
    sidekiq::json::appendQuoted(out, job.queue);
    out += ",\"payload\":";
    sidekiq::json::appendQuoted(out, job.payload);
    out += ",\"run_at\":"
        + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(job.startedAt.time_since_epoch()).count())
        + "}";
    return out;
}

} // namespace

std::string utcDate()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm {};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

Heartbeat::Heartbeat(std::shared_ptr<PoolContext> context, SignalHandler onSignal)
    : m_ctx(std::move(context))
    , m_onSignal(std::move(onSignal))
{
    const WorkerOptions& o = m_ctx->options;
    m_info = "{\"hostname\":" + sidekiq::json::quoted(hostname())
        + ",\"started_at\":" + sidekiq::formatRubyFloat(sidekiq::Timestamp::now().seconds())
        + ",\"pid\":" + std::to_string(::getpid()) + ",\"tag\":" + sidekiq::json::quoted(o.tag)
        + ",\"concurrency\":" + std::to_string(o.concurrency) + ",\"queues\":" + jsonStringArray(o.queues.unique())
        + ",\"labels\":" + jsonStringArray(o.labels) + ",\"identity\":" + sidekiq::json::quoted(m_ctx->identity) + "}";
    m_registryEntry = registryEntry(o.concurrency);
}

Heartbeat::~Heartbeat()
{
    stop();
}

void Heartbeat::setPeriodic(Periodic task, std::chrono::milliseconds interval)
{
    m_periodic = std::move(task);
    m_periodicInterval = interval;
}

void Heartbeat::start()
{
    m_thread = std::jthread([this](std::stop_token stop) { run(stop); });
}

void Heartbeat::stop()
{
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void Heartbeat::flushStatsInto(std::vector<Command>& cmds, PoolState::Unflushed counts) const
{
    const std::string date = utcDate();
    cmds.push_back(Command("INCRBY").key(sidekiq::keys::kProcessed).arg(counts.processed));
    cmds.push_back(Command("INCRBY").key(sidekiq::keys::processedOn(date)).arg(counts.processed));
    cmds.push_back(Command("EXPIRE").key(sidekiq::keys::processedOn(date)).arg(kStatsTtl));
    cmds.push_back(Command("INCRBY").key(sidekiq::keys::kFailed).arg(counts.failed));
    cmds.push_back(Command("INCRBY").key(sidekiq::keys::failedOn(date)).arg(counts.failed));
    cmds.push_back(Command("EXPIRE").key(sidekiq::keys::failedOn(date)).arg(kStatsTtl));
}

std::optional<std::string> Heartbeat::beat(redis::Client& client)
{
    const std::string& id = m_ctx->identity;
    const PoolState::Unflushed counts = m_ctx->state.takeUnflushed();
    const std::vector<InFlightJob> work = m_ctx->state.inFlight();
    std::vector<Command> first;
    flushStatsInto(first, counts);
    const auto writeWork = [&](const std::string& key) {
        first.push_back(Command("UNLINK").key(key));
        if (!work.empty()) {
            Command hset("HSET");
            hset.key(key);
            for (const auto& job : work) hset.arg(job.threadId).arg(workEntry(job));
            first.push_back(std::move(hset));
        }
        first.push_back(Command("EXPIRE").key(key).arg(kHeartbeatTtl));
    };
    if (m_ctx->options.writeWorkersHash) writeWork(sidekiq::keys::workersLegacy(id));
    if (m_ctx->options.writeWorkHash) writeWork(sidekiq::keys::work(id));
    try {
        client.transaction(first);
    } catch (const redis::TransactionError& e) {
        // EXEC ran: the INCRBYs that worked must not be added again at the next beat, and a stats
        // key of the wrong type must not keep the process from registering.
        m_ctx->log.error(std::string("heartbeat: ") + e.what());
    } catch (...) {
        m_ctx->state.restoreUnflushed(counts); // don't lose the counts if there was a network issue
        throw;
    }

    const auto pingStart = std::chrono::steady_clock::now();
    client.command(Command("PING")).throwIfError();
    const auto rttUs
        = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - pingStart).count();

    std::vector<Command> second;
    second.push_back(Command("SADD").key(sidekiq::keys::kProcesses).arg(id));
    second.push_back(Command("EXISTS").key(id));
    second.push_back(Command("HSET")
                         .key(id)
                         .arg("info")
                         .arg(m_info)
                         .arg("busy")
                         .arg(static_cast<long long>(work.size()))
                         .arg("beat")
                         .arg(sidekiq::formatRubyFloat(sidekiq::Timestamp::now().seconds()))
                         .arg("rtt_us")
                         .arg(static_cast<long long>(rttUs))
                         .arg("quiet")
                         .arg(m_ctx->quiet.load() ? "true" : "false")
                         .arg("rss")
                         .arg(rssKb()));
    second.push_back(Command("EXPIRE").key(id).arg(kHeartbeatTtl));
    second.push_back(Command("RPOP").key(sidekiq::keys::signalList(id)));
    if (m_ctx->options.crashSafe)
        second.push_back(Command("HSET").key(keys::kInProgressRegistry).arg(id).arg(m_registryEntry));
    const auto replies = client.transaction(second);
    if (replies.size() < 5) throw redis::ProtocolError("unexpected heartbeat reply");
    return replies[4].asOptionalString();
}

void Heartbeat::clear(redis::Client& client)
{
    std::vector<Command> cmds;
    const PoolState::Unflushed counts = m_ctx->state.takeUnflushed();
    if (counts.processed || counts.failed) flushStatsInto(cmds, counts);
    cmds.push_back(Command("SREM").key(sidekiq::keys::kProcesses).arg(m_ctx->identity));
    cmds.push_back(Command("UNLINK").key(sidekiq::keys::workersLegacy(m_ctx->identity)));
    cmds.push_back(Command("UNLINK").key(sidekiq::keys::work(m_ctx->identity)));
    for (const auto& r : client.pipeline(cmds)) r.throwIfError();
}

void Heartbeat::run(std::stop_token stop)
{
    setThreadName("heartbeat");
    std::mt19937_64 rng(std::random_device {}());
    std::uniform_real_distribution<double> jitter(0.75, 1.25);
    const auto nextPeriodic = [&] {
        return std::chrono::steady_clock::now()
            + std::chrono::milliseconds(static_cast<long long>(double(m_periodicInterval.count()) * jitter(rng)));
    };
    auto periodicAt = nextPeriodic();
    std::unique_ptr<redis::Client> client;
    while (!stop.stop_requested()) {
        util::sleepUnlessStopped(stop, m_ctx->options.heartbeatInterval);
        if (stop.stop_requested()) break;
        try {
            if (!client) client = std::make_unique<redis::Client>(m_ctx->connection);
            if (auto signal = beat(*client)) m_onSignal(*signal, *client);
            if (m_periodic && std::chrono::steady_clock::now() >= periodicAt) {
                periodicAt = nextPeriodic();
                m_periodic(*client);
            }
        } catch (const std::exception& e) {
            m_ctx->log.error(std::string("heartbeat: ") + e.what());
            client.reset();
        }
    }
}

} // namespace kiq::worker
