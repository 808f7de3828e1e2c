#include "worker/Processor.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Timestamp.h"
#include "storage/ReplayJournal.h"
#include "util/StopSleep.h"
#include "worker/WorkerKeys.h"

#include <algorithm>
#include <condition_variable>
#include <random>

namespace kiq::worker {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kBatchBudgetSeconds = 0.002; // ~2 ms of work per fetch
constexpr auto kHoldLimit = std::chrono::milliseconds(20); // give back unstarted jobs after this
constexpr auto kErrorPause = std::chrono::seconds(1); // processor.rb handle_fetch_exception: sleep(1)

std::string base36(std::uint64_t v)
{
    static const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string out;
    do {
        out.insert(out.begin(), digits[v % 36]);
        v /= 36;
    } while (v);
    return out;
}

// A failed job's outcome (RetryHandler) and its acknowledgement, as one atomic step that writes
// nothing unless every key has the type its command needs. A MULTI would not do: its commands run
// after one fails, so a ZADD refused with WRONGTYPE would be followed by the LREM and the job would
// be nowhere. KEYS: the key of each command, in order. ARGV per command: its name, how many more
// arguments follow, those arguments.
const redis::Script kRecordFailure(R"lua(
local want = {ZADD = 'zset', ZREMRANGEBYSCORE = 'zset', ZREMRANGEBYRANK = 'zset', LREM = 'list'}
local calls, a = {}, 1
for k = 1, #KEYS do
  local name, n = ARGV[a], tonumber(ARGV[a + 1])
  local t = redis.call('TYPE', KEYS[k]).ok
  if t ~= 'none' and t ~= want[name] then
    return redis.error_reply('WRONGTYPE ' .. KEYS[k] .. ' is a ' .. t .. ', not a ' .. want[name] .. '; nothing was written')
  end
  calls[k] = {name, KEYS[k], unpack(ARGV, a + 2, a + 1 + n)}
  a = a + 2 + n
end
for k = 1, #calls do redis.call(unpack(calls[k])) end
return #calls
)lua");

// Each command's key is its first argument (ZADD, ZREMRANGEBY*, LREM).
void recordFailure(redis::Client& client, const std::vector<redis::Command>& cmds)
{
    std::vector<std::string> keys, args;
    for (const auto& c : cmds) {
        const auto& argv = c.argv();
        keys.push_back(argv.at(1));
        args.push_back(argv[0]);
        args.push_back(std::to_string(argv.size() - 2));
        args.insert(args.end(), argv.begin() + 2, argv.end());
    }
    kRecordFailure.run(client, keys, args).throwIfError();
}
} // namespace

bool isUnloadable(const sidekiq::JobRecord& job)
{
    if (job.ok()) return false;
    const std::string& e = job.parseError;
    return e.rfind("invalid JSON", 0) == 0 || e.rfind("invalid UTF-8", 0) == 0 || e.rfind("payload is ", 0) == 0
        || e.find("exceeds Ruby JSON.parse's max_nesting") != std::string::npos;
}

Processor::Processor(std::shared_ptr<PoolContext> context, int index)
    : m_ctx(std::move(context))
    , m_index(index)
    , m_threadId(base36(std::random_device {}() % 2176782336ULL + 46656))
    , m_retry(m_ctx->retrySettings())
{
}

Processor::~Processor()
{
    if (m_thread.joinable() && m_thread.get_id() == std::this_thread::get_id()) m_thread.detach();
}

std::string Processor::inProgressKey() const
{
    return keys::inProgress(m_ctx->identity, m_index);
}

void Processor::start()
{
    m_thread = std::jthread([self = shared_from_this()](std::stop_token stop) { self->run(stop); });
}

void Processor::requestStop()
{
    m_thread.request_stop();
}

bool Processor::waitFinished(Clock::time_point deadline)
{
    {
        std::unique_lock lock(m_finishMutex);
        if (!m_finishCv.wait_until(lock, deadline, [this] { return m_finished.load(); })) return false;
    }
    if (m_thread.joinable()) m_thread.join();
    return true;
}

std::vector<UnitOfWork> Processor::heldJobs() const
{
    std::lock_guard lock(m_heldMutex);
    if (m_heldFrom >= m_held.size()) return {};
    return {m_held.begin() + std::ptrdiff_t(m_heldFrom), m_held.end()};
}

void Processor::abandon()
{
    m_abandoned = true;
    if (m_thread.joinable()) m_thread.detach();
}

std::string Processor::describe() const
{
    std::lock_guard lock(m_heldMutex);
    std::string out = "processor-" + std::to_string(m_index) + " tid=" + m_threadId;
    if (m_heldFrom >= m_held.size()) return out + " idle";
    const double secs = std::chrono::duration<double>(Clock::now() - m_currentStart).count();
    return out + " busy " + std::to_string(secs).substr(0, std::to_string(secs).find('.') + 2) + " s: " + m_currentLabel
        + " (" + std::to_string(m_held.size() - m_heldFrom - 1) + " more fetched)";
}

std::size_t Processor::targetBatch() const
{
    const int max = m_ctx->options.fetchBatchMax;
    if (max <= 1 || m_avgJobSeconds < 0) return 1;
    const double n = kBatchBudgetSeconds / std::max(m_avgJobSeconds, 1e-7);
    return std::size_t(std::clamp(n, 1.0, double(max)));
}

bool Processor::writeWithRetry(const char* what, const std::function<void()>& write)
{
    const auto hard = m_ctx->hardStop.get_token();
    for (bool logged = false;;) {
        try {
            write();
            if (logged) m_ctx->log.info(std::string("done after the error: ") + what);
            return true;
        } catch (const std::exception& e) {
            if (!logged) m_ctx->log.error(std::string("cannot ") + what + ": " + e.what() + " (retrying every second)");
            logged = true;
        }
        if (hard.stop_requested() || m_abandoned) return false;
        util::sleepUnlessStopped(hard, kErrorPause);
    }
}

void Processor::run(std::stop_token stop)
{
    setThreadName("processor-" + std::to_string(m_index));
    const Logger& log = m_ctx->log;
    std::unique_ptr<redis::Client> client;
    std::unique_ptr<Fetcher> fetcher;
    bool down = false;
    Clock::time_point downSince {};
    const bool crashSafe = m_ctx->options.crashSafe;

    while (!stop.stop_requested() && !m_abandoned) {
        try {
            if (!client) {
                client = std::make_unique<redis::Client>(m_ctx->connection);
                fetcher = std::make_unique<Fetcher>(*client, m_ctx->options, inProgressKey(), m_index);
                const redis::Reply id = client->command(redis::Command("CLIENT").arg("ID"));
                m_connectionId = id.type == redis::Reply::Type::Integer ? id.integer : -1;
            }
            if (m_dirty) {
                const Requeued r = fetcher->requeueAll();
                if (r.pushed)
                    log.warn("pushed " + std::to_string(r.pushed) + " jobs of " + inProgressKey()
                        + " back to their queues after a Redis error");
                logDeadLetters(log, r, inProgressKey());
                m_dirty = false;
            }
            fetcher->setExcluded(m_ctx->unhandled.backedOff(Clock::now()));
            std::vector<UnitOfWork> batch = fetcher->retrieveWork(targetBatch(), stop);
            if (down) {
                log.info("Redis is online, "
                    + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - downSince).count())
                    + " sec downtime");
                down = false;
            }
            if (!batch.empty()) processBatch(*client, *fetcher, std::move(batch), stop);
        } catch (const std::exception& e) {
            // The fetch may have run even though its reply was lost: account for the list next time.
            if (crashSafe) m_dirty = true;
            fetcher.reset();
            client.reset();
            m_connectionId = -1;
            if (!down) {
                down = true;
                downSince = Clock::now();
                log.error(std::string("Error fetching job: ") + e.what());
            }
            util::sleepUnlessStopped(stop, kErrorPause);
        }
    }

    if (client && crashSafe && !m_abandoned) {
        try {
            if (m_dirty)
                logDeadLetters(log, fetcher->requeueAll(), inProgressKey());
            else
                fetcher->acknowledgeAll();
        } catch (const std::exception& e) {
            log.warn("could not clear " + inProgressKey() + " (" + e.what()
                + "); the pool pushes its jobs back when it stops");
        }
    }
    {
        std::lock_guard lock(m_finishMutex);
        m_finished = true;
    }
    m_finishCv.notify_all();
}

void Processor::processBatch(
    redis::Client& client, Fetcher& fetcher, std::vector<UnitOfWork> batch, std::stop_token stop)
{
    {
        std::lock_guard lock(m_heldMutex);
        m_held = std::move(batch);
        m_heldFrom = 0;
    }
    const auto fetchedAt = Clock::now();
    const std::size_t size = m_held.size(); // only this thread changes m_held
    for (std::size_t i = 0; i < size; ++i) {
        // processor.rb fetch: a job fetched after the stop goes straight back (`j.requeue if @done`).
        if (stop.stop_requested() || (i > 0 && Clock::now() - fetchedAt > kHoldLimit)) {
            std::vector<UnitOfWork> rest = heldJobs();
            Requeued r;
            if (writeWithRetry("push unstarted jobs back", [&] { r = fetcher.requeue(rest); })) {
                if (stop.stop_requested() && r.pushed)
                    m_ctx->log.info("pushed " + std::to_string(r.pushed) + " fetched jobs back to their queues");
                logDeadLetters(m_ctx->log, r, inProgressKey());
            } else {
                m_dirty = true;
            }
            break;
        }
        const UnitOfWork& work = m_held[i];
        {
            std::lock_guard lock(m_heldMutex);
            m_heldFrom = i;
            m_currentStart = Clock::now();
        }
        const auto started = Clock::now();
        if (!process(client, fetcher, work)) {
            // Interrupted by shutdown. After stop()'s timeout the Launcher has already pushed these
            // jobs back (and abandoned this thread); otherwise push them back here.
            if (!m_abandoned) {
                std::vector<UnitOfWork> rest = heldJobs();
                if (!writeWithRetry("push interrupted jobs back",
                        [&] { logDeadLetters(m_ctx->log, fetcher.requeue(rest), inProgressKey()); }))
                    m_dirty = true;
                std::lock_guard lock(m_heldMutex);
                m_held.clear();
                m_heldFrom = 0;
            }
            return;
        }
        {
            // Done: no longer held (only the jobs after it are given back if the batch is cut short).
            std::lock_guard lock(m_heldMutex);
            m_heldFrom = i + 1;
        }
        const double took = std::chrono::duration<double>(Clock::now() - started).count();
        m_avgJobSeconds = m_avgJobSeconds < 0 ? took : 0.8 * m_avgJobSeconds + 0.2 * took;
        if (m_abandoned) return;
    }
    std::lock_guard lock(m_heldMutex);
    m_held.clear();
    m_heldFrom = 0;
}

bool Processor::process(redis::Client& client, Fetcher& fetcher, const UnitOfWork& work)
{
    const Logger& log = m_ctx->log;
    sidekiq::JobParseOptions parseOptions;
    parseOptions.decodeBacktrace = false;
    parseOptions.argsDisplayChars = 0;
    const sidekiq::JobRecord job = sidekiq::JobRecord::parse(work.job, parseOptions);

    if (isUnloadable(job)) {
        // processor.rb: "Invalid JSON for job": to the morgue unchanged, not counted.
        FailureOutcome outcome = m_retry.unparseable(work.job, sidekiq::Timestamp::now().seconds());
        if (const auto ack = fetcher.ackCommand(work); !ack.empty()) outcome.commands.push_back(ack);
        log.error("Invalid JSON for job from queue " + work.queue + " (" + job.parseError + "): sent to the morgue");
        const std::string what = "send an invalid job of " + work.queue + " to the morgue"
            + (fetcher.crashSafe() ? " (it stays in " + inProgressKey() + " until then)" : "");
        if (!writeWithRetry(what.c_str(), [&] { recordFailure(client, outcome.commands); })) m_dirty = true;
        return true;
    }

    {
        std::lock_guard lock(m_heldMutex);
        m_currentLabel = job.className + " jid=" + job.jid;
    }
    const JobHandler* handler = m_ctx->handlers.find(job.className);
    if (!handler && !m_ctx->options.failUnknownClasses) {
        handBack(fetcher, work, job.className);
        return true;
    }
    if (handler) m_ctx->unhandled.handled(work.queue);
    m_ctx->state.begin(m_index,
        InFlightJob {
            m_index, m_threadId, job.jid, job.className, work.queue, std::chrono::system_clock::now(), work.job});
    const auto started = Clock::now();
    if (log.enabled(LogLevel::Debug)) log.debug("class=" + job.className + " jid=" + job.jid + " start");

    std::optional<JobFailure> failure;
    bool interrupted = false;
    const auto hard = m_ctx->hardStop.get_token();
    if (!handler) {
        failure = JobFailure {"NameError", "uninitialized constant " + job.className,
            {"kiqdesk worker: no handler for " + job.className}};
    } else {
        try {
            const JobContext ctx {job, work.queue, client, hard, log, m_index};
            (*handler)(ctx);
        } catch (const JobInterrupted&) {
            if (hard.stop_requested())
                interrupted = true;
            else
                failure = currentExceptionFailure(job.className);
        } catch (...) {
            failure = currentExceptionFailure(job.className);
        }
    }
    m_ctx->state.end(m_index, failure.has_value() || interrupted);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (interrupted) {
        log.warn(
            "class=" + job.className + " jid=" + job.jid + " interrupted by shutdown; it goes back to " + work.queue);
        return false;
    }
    if (m_abandoned) return true;
    noteReplayOutcome(job, failure);

    if (!failure) {
        if (log.enabled(LogLevel::Debug))
            log.debug("class=" + job.className + " jid=" + job.jid + " elapsed=" + std::to_string(elapsed) + " done");
        return true;
    }
    FailureOutcome outcome
        = m_retry.onFailure(job, work.queue, *failure, handler != nullptr, sidekiq::Timestamp::now().seconds());
    if (const auto ack = fetcher.ackCommand(work); !ack.empty()) outcome.commands.push_back(ack);
    log.warn("class=" + job.className + " jid=" + job.jid + " elapsed=" + std::to_string(elapsed)
        + " fail: " + failure->errorClass + ": " + std::string(sidekiq::json::prefixChars(failure->message, 300)) + " ("
        + outcome.reason + ")");
    if (!outcome.commands.empty()) {
        const std::string what = "record the failure of " + job.className + " jid=" + job.jid + " as "
            + outcomeName(outcome.kind)
            + (fetcher.crashSafe() ? " (it stays in " + inProgressKey() + " until then)" : "");
        if (!writeWithRetry(what.c_str(), [&] { recordFailure(client, outcome.commands); })) m_dirty = true;
    }
    return true;
}

void Processor::noteReplayOutcome(const sidekiq::JobRecord& job, const std::optional<JobFailure>& failure)
{
    // Only copies Kiqdesk's replay made carry the field (sidekiq/actions/Replay.h); the search is cheap
    // next to running the job.
    if (m_ctx->options.replayJournal.empty() || job.raw.find("\"replayed_from\"") == std::string::npos) return;
    try {
        storage::ReplayJournal(m_ctx->options.replayJournal)
            .recordOutcome(job.jid, !failure, failure ? failure->errorClass : std::string(),
                failure ? failure->message : std::string(), sidekiq::Timestamp::now().seconds());
    } catch (const std::exception& e) {
        m_ctx->log.warn(std::string("replay outcome of jid=") + job.jid + " not noted: " + e.what());
    }
}

void Processor::handBack(Fetcher& fetcher, const UnitOfWork& work, const std::string& className)
{
    const Logger& log = m_ctx->log;
    Requeued r;
    const std::string what = "hand a " + className + " job back to " + work.queue
        + (fetcher.crashSafe() ? " (it stays in " + inProgressKey() + " until then)" : "");
    if (!writeWithRetry(what.c_str(), [&] { r = fetcher.handBack(work); })) {
        m_dirty = true;
        return;
    }
    logDeadLetters(log, r, inProgressKey());
    const auto note = m_ctx->unhandled.handedBack(work.queue, className, work.job, Clock::now());
    if (note.firstOfClass)
        log.warn("no handler for class " + className
            + ": its jobs go back to their queue unchanged (no retry used, no error "
              "written) and are left for another process; fail unknown classes like Sidekiq to change this");
    if (note.backOff.count() > 0)
        log.warn("queue " + work.queue + " holds only jobs without a handler (handed back so far: " + note.counts
            + "); not fetching from it for " + std::to_string(note.backOff.count() / 1000) + " s");
}

} // namespace kiq::worker
