#include "worker/Fetcher.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "util/StopSleep.h"
#include "worker/LuaTypeGuard.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

namespace kiq::worker {

using redis::Command;

namespace {
constexpr std::chrono::milliseconds kBlockTimeout {2000}; // fetch.rb TIMEOUT
constexpr std::chrono::milliseconds kShortBlockTimeout {250}; // when fewer threads than queues
constexpr std::chrono::milliseconds kAllPausedSleep {2000}; // fetch.rb: sleep(TIMEOUT) (#4825)

// KEYS[1] this thread's in-progress list, KEYS[2] `paused`, KEYS[3..] queue lists.
// ARGV[1] most jobs to take, ARGV[2] "1" = crash-safe, ARGV[3..] the queue names (for `paused`).
// Returns {open queue positions, {position, job, position, job, …}} (positions are 1-based in the
// queue order). Runs in O(jobs moved + queues).
const redis::Script kFetch(R"lua(
local max = tonumber(ARGV[1])
local safe = ARGV[2] == '1'
if safe then redis.call('DEL', KEYS[1]) end
local open, jobs = {}, {}
for i = 3, #KEYS do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then
    open[#open + 1] = i - 2
    while #jobs < max * 2 do
      local job
      if safe then job = redis.call('LMOVE', KEYS[i], KEYS[1], 'RIGHT', 'LEFT')
      else job = redis.call('RPOP', KEYS[i]) end
      if not job then break end
      jobs[#jobs + 1] = i - 2
      jobs[#jobs + 1] = job
    end
    if #jobs >= max * 2 then break end
  end
end
return {open, jobs}
)lua");

// KEYS[1] in-progress list, KEYS[2] `dead`, KEYS[3..] queue lists; ARGV[1] now, ARGV[2] oldest dead
// score kept, ARGV[3] dead max jobs, ARGV[4] RPUSH (next to be popped) or LPUSH (after the others),
// then in pairs: KEYS position, job. Returns {pushed, to dead, misfits}.
const redis::Script kRequeue(kLuaRequeue + R"lua(
local deadFits = fits(KEYS[2], 'zset')
for i = 5, #ARGV, 2 do
  if not fits(KEYS[tonumber(ARGV[i])], 'list') and not deadFits then
    return redis.error_reply('WRONGTYPE ' .. table.concat(misfits, '; ') .. '; no job was pushed back')
  end
end
local pushed, dead = 0, 0
for i = 5, #ARGV, 2 do
  if redis.call('LREM', KEYS[1], -1, ARGV[i + 1]) == 1 then
    local queue = KEYS[tonumber(ARGV[i])]
    if fits(queue, 'list') then
      redis.call(ARGV[4] == 'LPUSH' and 'LPUSH' or 'RPUSH', queue, ARGV[i + 1])
      pushed = pushed + 1
    else
      to_dead(KEYS[2], ARGV[1], ARGV[i + 1])
      dead = dead + 1
    end
  end
end
if dead > 0 then trim_dead(KEYS[2], ARGV[2], ARGV[3]) end
return {pushed, dead, table.concat(misfits, '; ')}
)lua");

// KEYS[1] a list, KEYS[2] `dead`; ARGV[1] key prefix, ARGV[2] now, ARGV[3] oldest dead score kept,
// ARGV[4] dead max jobs. Same rules as OrphanRecovery's script. Returns {pushed, to dead, misfits}.
const redis::Script kRequeueAll(kLuaRequeue + R"lua(
local jobs = redis.call('LRANGE', KEYS[1], 0, -1)
local dest = route(jobs, ARGV[1], fits(KEYS[2], 'zset'))
if not dest then
  return redis.error_reply('WRONGTYPE ' .. table.concat(misfits, '; ') .. '; no job was pushed back')
end
local pushed, dead = deliver(jobs, dest, KEYS[2], ARGV[2])
if dead > 0 then trim_dead(KEYS[2], ARGV[3], ARGV[4]) end
redis.call('DEL', KEYS[1])
return {pushed, dead, table.concat(misfits, '; ')}
)lua");

Requeued requeuedFrom(const redis::Reply& reply)
{
    const auto& parts = reply.throwIfError().asArray();
    if (parts.size() != 3) throw redis::ProtocolError("unexpected reply from a requeue script");
    return {parts[0].asInteger(), parts[1].asInteger(), parts[2].asString()};
}

} // namespace

void logDeadLetters(const Logger& log, const Requeued& r, const std::string& list)
{
    if (!r.toDead) return;
    const std::string n = std::to_string(r.toDead) + " jobs of " + list + " sent to dead";
    if (r.misfits.empty())
        log.warn(n + " (not JSON)");
    else
        log.error(
            n + " instead of their queue (or not JSON): " + r.misfits + "; fix the key, then retry them from dead");
}

Fetcher::Fetcher(redis::Client& client, const WorkerOptions& options, std::string inProgressKey, int processorIndex)
    : m_client(client)
    , m_options(options)
    , m_inProgressKey(std::move(inProgressKey))
    , m_crashSafe(options.crashSafe)
    , m_blockCursor(std::size_t(processorIndex))
    , m_queueCount(options.queues.unique().size())
    , m_rng(std::random_device {}() ^ std::uint64_t(processorIndex))
{
}

std::vector<UnitOfWork> Fetcher::fetch(std::size_t maxJobs, std::vector<std::string>* openQueues)
{
    std::vector<std::string> order = m_options.queues.fetchOrder(m_rng);
    std::erase_if(order, [this](const std::string& q) {
        return std::find(m_excluded.begin(), m_excluded.end(), q) != m_excluded.end();
    });
    std::vector<std::string> keyList {
        m_crashSafe ? m_inProgressKey : std::string(sidekiq::keys::kPaused), std::string(sidekiq::keys::kPaused)};
    std::vector<std::string> args {std::to_string(std::max<std::size_t>(1, maxJobs)), m_crashSafe ? "1" : "0"};
    for (const auto& q : order) {
        keyList.push_back(sidekiq::keys::queue(q));
        args.push_back(q);
    }
    const redis::Reply reply = kFetch.run(m_client, keyList, args).throwIfError();
    const auto& parts = reply.asArray();
    if (parts.size() != 2) throw redis::ProtocolError("unexpected reply from the fetch script");
    if (openQueues) {
        openQueues->clear();
        for (const auto& pos : parts[0].asArray()) openQueues->push_back(order.at(std::size_t(pos.asInteger() - 1)));
    }
    const auto& flat = parts[1].asArray();
    std::vector<UnitOfWork> out;
    out.reserve(flat.size() / 2);
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
        out.push_back({order.at(std::size_t(flat[i].asInteger() - 1)), flat[i + 1].asString()});
    return out;
}

std::optional<UnitOfWork> Fetcher::waitForJob(
    const std::vector<std::string>& openQueues, std::chrono::milliseconds timeout)
{
    if (openQueues.empty()) return std::nullopt;
    const double seconds = double(timeout.count()) / 1000.0;
    if (m_crashSafe) {
        const std::string& queue = openQueues[m_blockCursor++ % openQueues.size()];
        Command cmd("BLMOVE");
        cmd.key(sidekiq::keys::queue(queue)).key(m_inProgressKey).arg("RIGHT").arg("LEFT").arg(seconds);
        const redis::Reply r = m_client.blockingCommand(cmd, timeout).throwIfError();
        if (r.isNil()) return std::nullopt;
        return UnitOfWork {queue, r.asString()};
    }
    Command cmd("BRPOP");
    for (const auto& q : openQueues) cmd.key(sidekiq::keys::queue(q));
    cmd.arg(seconds);
    const redis::Reply r = m_client.blockingCommand(cmd, timeout).throwIfError();
    if (r.isNil()) return std::nullopt;
    const auto& kv = r.asArray();
    if (kv.size() != 2) throw redis::ProtocolError("unexpected BRPOP reply");
    // BRPOP names the key with the namespace prefix: strip it and "queue:".
    std::string key = kv[0].asString();
    const std::string& prefix = m_client.keyPrefix();
    if (!prefix.empty() && key.rfind(prefix, 0) == 0) key.erase(0, prefix.size());
    if (key.rfind("queue:", 0) == 0) key.erase(0, 6);
    return UnitOfWork {key, kv[1].asString()};
}

std::vector<UnitOfWork> Fetcher::retrieveWork(std::size_t maxJobs, std::stop_token stop)
{
    std::vector<std::string> open;
    std::vector<UnitOfWork> jobs = fetch(maxJobs, &open);
    if (!jobs.empty() || stop.stop_requested()) return jobs;
    if (open.empty()) {
        util::sleepUnlessStopped(stop, kAllPausedSleep);
        return jobs;
    }
    const auto timeout
        = std::size_t(m_options.concurrency) >= m_queueCount || !m_crashSafe ? kBlockTimeout : kShortBlockTimeout;
    if (auto one = waitForJob(open, timeout)) jobs.push_back(std::move(*one));
    return jobs;
}

Requeued Fetcher::requeue(const std::vector<UnitOfWork>& jobs)
{
    return pushBack(jobs, "RPUSH");
}

Requeued Fetcher::handBack(const UnitOfWork& job)
{
    return pushBack({job}, "LPUSH");
}

Requeued Fetcher::pushBack(const std::vector<UnitOfWork>& jobs, const char* push)
{
    if (jobs.empty()) return {};
    if (!m_crashSafe) {
        std::vector<Command> cmds;
        for (auto it = jobs.rbegin(); it != jobs.rend(); ++it)
            cmds.push_back(Command(push).key(sidekiq::keys::queue(it->queue)).arg(it->job));
        for (const auto& r : m_client.pipeline(cmds)) r.throwIfError();
        return {static_cast<long long>(jobs.size()), 0, {}};
    }
    const double now = sidekiq::Timestamp::now().seconds();
    std::vector<std::string> keyList {m_inProgressKey, std::string(sidekiq::keys::kDead)};
    std::map<std::string, std::size_t> position;
    const auto trim = sidekiq::deadTrimArgs(now, m_options.dead);
    std::vector<std::string> args {sidekiq::formatRubyFloat(now), trim[0], trim[1], push};
    // Last first: the first job ends up at the right end, so it is popped first.
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
        auto [slot, added] = position.try_emplace(it->queue, keyList.size() + 1);
        if (added) keyList.push_back(sidekiq::keys::queue(it->queue));
        args.push_back(std::to_string(slot->second));
        args.push_back(it->job);
    }
    return requeuedFrom(kRequeue.run(m_client, keyList, args));
}

Command Fetcher::ackCommand(const UnitOfWork& work) const
{
    if (!m_crashSafe) return {};
    return Command("LREM").key(m_inProgressKey).arg(-1).arg(work.job);
}

Requeued Fetcher::requeueAll()
{
    if (!m_crashSafe) return {};
    const double now = sidekiq::Timestamp::now().seconds();
    const auto trim = sidekiq::deadTrimArgs(now, m_options.dead);
    return requeuedFrom(kRequeueAll.run(m_client, {m_inProgressKey, std::string(sidekiq::keys::kDead)},
        {m_client.keyPrefix(), sidekiq::formatRubyFloat(now), trim[0], trim[1]}));
}

void Fetcher::acknowledgeAll()
{
    if (m_crashSafe) m_client.command(Command("DEL").key(m_inProgressKey)).throwIfError();
}

} // namespace kiq::worker
