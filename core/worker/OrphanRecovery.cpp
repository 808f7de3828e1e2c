#include "worker/OrphanRecovery.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/LuaTypeGuard.h"
#include "worker/ProcessInfo.h"
#include "worker/WorkerKeys.h"

#include <unistd.h>

namespace kiq::worker {

using redis::Command;

namespace {
constexpr int kLockSeconds = 30;

// KEYS[1] registry, KEYS[2] <identity>, KEYS[3] processes, KEYS[4] dead, KEYS[5] <identity>:workers,
// KEYS[6] <identity>:work, KEYS[7..] in-progress lists.
// ARGV[1] identity, ARGV[2] 'expired' | 'pid', ARGV[3] key prefix, ARGV[4] now, ARGV[5] oldest dead
// score kept, ARGV[6] dead max jobs. Returns {requeued, to dead, misfits}, or {-1, 0, ''} if the
// process is alive. Key types are checked before the first write (LuaTypeGuard.h).
const redis::Script kRecover(kLuaRequeue + R"lua(
if ARGV[2] == 'expired' and redis.call('EXISTS', KEYS[2]) == 1 and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then
  return {-1, 0, ''}
end
local deadFits = fits(KEYS[4], 'zset')
local lists = {}
for i = 7, #KEYS do
  local jobs = redis.call('LRANGE', KEYS[i], 0, -1)
  local dest = route(jobs, ARGV[3], deadFits)
  if not dest then
    return redis.error_reply('WRONGTYPE ' .. table.concat(misfits, '; ') .. '; no job of ' .. ARGV[1] .. ' was recovered')
  end
  lists[#lists + 1] = {jobs, dest}
end
local requeued, dead = 0, 0
for _, list in ipairs(lists) do
  local pushed, died = deliver(list[1], list[2], KEYS[4], ARGV[4])
  requeued, dead = requeued + pushed, dead + died
end
for i = 7, #KEYS do redis.call('DEL', KEYS[i]) end
if dead > 0 then trim_dead(KEYS[4], ARGV[5], ARGV[6]) end
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] == 'pid' then
  redis.call('SREM', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[2], KEYS[5], KEYS[6])
end
return {requeued, dead, table.concat(misfits, '; ')}
)lua");

const redis::Script kUnlock(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

struct Entry {
    std::string identity;
    long long lists = 0;
    long long pid = 0;
    std::string boot;
    std::string pidns;
};

Entry parseEntry(std::string identity, const std::string& value)
{
    Entry e {std::move(identity), 0, 0, {}, {}};
    const auto scan = sidekiq::json::scanObject(value);
    if (!scan.ok()) return e;
    auto text = [&](const char* key) -> std::string {
        const auto* m = scan.find(key);
        if (!m) return {};
        const std::string_view v = m->value.in(value);
        if (m->kind == sidekiq::json::Kind::String) return sidekiq::json::unescape(v.substr(1, v.size() - 2));
        return std::string(v);
    };
    e.lists = std::atoll(text("lists").c_str());
    e.pid = std::atoll(text("pid").c_str());
    e.boot = text("boot");
    e.pidns = text("pidns");
    return e;
}
} // namespace

std::string registryEntry(int lists)
{
    using sidekiq::json::quoted;
    return "{\"lists\":" + std::to_string(lists) + ",\"pid\":" + std::to_string(::getpid()) + ",\"hostname\":"
        + quoted(hostname()) + ",\"boot\":" + quoted(bootId()) + ",\"pidns\":" + quoted(pidNamespace()) + "}";
}

OrphanRecovery::OrphanRecovery(redis::Client& client, const WorkerOptions& options, std::string ownIdentity, Logger log)
    : m_client(client)
    , m_options(options)
    , m_identity(std::move(ownIdentity))
    , m_log(std::move(log))
    , m_bootId(bootId())
    , m_pidNamespace(pidNamespace())
{
}

bool OrphanRecovery::freeLockOfDeadHolder()
{
    const redis::Reply holder = m_client.command(Command("GET").key(keys::kRecoveryLock)).throwIfError();
    if (holder.isNil()) return true; // released meanwhile
    const redis::Reply value
        = m_client.command(Command("HGET").key(keys::kInProgressRegistry).arg(holder.str)).throwIfError();
    if (value.isNil()) return false;
    const Entry e = parseEntry(holder.str, value.str);
    const bool samePidSpace = !m_bootId.empty() && e.boot == m_bootId && e.pidns == m_pidNamespace;
    if (!samePidSpace || e.pid <= 0 || pidAlive(e.pid)) return false;
    kUnlock.run(m_client, {std::string(keys::kRecoveryLock)}, {holder.str}).throwIfError(); // only if still its
    m_log.warn("took over the orphan-recovery lock of " + holder.str + " (its process is gone)");
    return true;
}

RecoveryReport OrphanRecovery::run()
{
    RecoveryReport report;
    const auto takeLock = [this] {
        return !m_client
                    .command(
                        Command("SET").key(keys::kRecoveryLock).arg(m_identity).arg("NX").arg("EX").arg(kLockSeconds))
                    .throwIfError()
                    .isNil();
    };
    if (!takeLock() && !(freeLockOfDeadHolder() && takeLock())) {
        report.locked = true;
        return report;
    }
    try {
        const auto all
            = m_client.command(Command("HGETALL").key(keys::kInProgressRegistry)).throwIfError().asStringList();
        std::vector<Entry> entries;
        for (std::size_t i = 0; i + 1 < all.size(); i += 2)
            if (all[i] != m_identity) entries.push_back(parseEntry(all[i], all[i + 1]));
        report.entriesChecked = int(entries.size());
        if (!entries.empty()) {
            std::vector<Command> probes;
            for (const auto& e : entries) {
                probes.push_back(Command("EXISTS").key(e.identity));
                probes.push_back(Command("SISMEMBER").key(sidekiq::keys::kProcesses).arg(e.identity));
            }
            const auto replies = m_client.pipeline(probes);
            const double now = sidekiq::Timestamp::now().seconds();
            const auto trim = sidekiq::deadTrimArgs(now, m_options.dead);
            for (std::size_t i = 0; i < entries.size(); ++i) {
                const Entry& e = entries[i];
                const bool heartbeat = replies[2 * i].throwIfError().asInteger() == 1;
                const bool member = replies[2 * i + 1].throwIfError().asInteger() == 1;
                const bool samePidSpace = !m_bootId.empty() && e.boot == m_bootId && e.pidns == m_pidNamespace;
                const bool pidGone = samePidSpace && !pidAlive(e.pid);
                if (heartbeat && member && !pidGone) continue;

                std::vector<std::string> keyList {std::string(keys::kInProgressRegistry), e.identity,
                    std::string(sidekiq::keys::kProcesses), std::string(sidekiq::keys::kDead),
                    sidekiq::keys::workersLegacy(e.identity), sidekiq::keys::work(e.identity)};
                for (long long n = 0; n < std::min<long long>(e.lists, 100000); ++n)
                    keyList.push_back(keys::inProgress(e.identity, int(n)));
                const std::vector<std::string> args {e.identity, pidGone ? "pid" : "expired", m_client.keyPrefix(),
                    sidekiq::formatRubyFloat(now), trim[0], trim[1]};
                const redis::Reply reply = kRecover.run(m_client, keyList, args);
                if (reply.isError() && redis::classifyReplyError(reply.str) == redis::ErrorKind::WrongType) {
                    // Its jobs stay where they are (and its registry entry, so the next pass tries
                    // again); the other orphans, and the pool's start, must not wait for a fix.
                    m_log.error("cannot recover the in-progress jobs of " + e.identity + ": " + reply.str);
                    continue;
                }
                const auto result = reply.throwIfError().asArray();
                if (result.size() != 3 || result[0].asInteger() < 0) continue;
                ++report.orphansRecovered;
                report.jobsRequeued += result[0].asInteger();
                report.jobsToDead += result[1].asInteger();
                const long long toDead = result[1].asInteger();
                const std::string misfits = result[2].asString();
                const std::string line = "recovered " + std::to_string(result[0].asInteger()) + " in-progress jobs of "
                    + e.identity + (pidGone ? " (its process is gone)" : " (its heartbeat expired)");
                if (!toDead)
                    m_log.warn(line);
                else if (misfits.empty())
                    m_log.warn(line + ", " + std::to_string(toDead) + " unreadable ones sent to dead");
                else
                    m_log.error(line + ", " + std::to_string(toDead)
                        + " sent to dead instead of their queue (or not JSON): " + misfits
                        + "; fix the key, then retry them from dead");
            }
        }
    } catch (...) {
        try {
            kUnlock.run(m_client, {std::string(keys::kRecoveryLock)}, {m_identity});
        } catch (...) {
        }
        throw;
    }
    kUnlock.run(m_client, {std::string(keys::kRecoveryLock)}, {m_identity}).throwIfError();
    return report;
}

} // namespace kiq::worker
