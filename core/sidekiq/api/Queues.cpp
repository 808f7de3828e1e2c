#include "sidekiq/api/Queues.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/Keys.h"

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr long long kFindChunk = 1000;
constexpr std::size_t kMoveChunk = 200; // jobs per script call: bounds how long one call holds the server

// KEYS[1] source list, KEYS[2] destination list, KEYS[3] `queues`. ARGV[1] the destination's name,
// then pairs of exact payload and rewritten payload. Types are checked before the first write (Lua
// does not roll back), and the first write is the SADD, so at maxmemory the call fails whole.
const redis::Script kMoveBetweenQueues(R"lua(
for i, want in ipairs({'list', 'list', 'set'}) do
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= want then
    return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is a ' .. t .. ', not a ' .. want .. '; no job was moved')
  end
end
redis.call('SADD', KEYS[3], ARGV[1])
local moved = 0
for i = 2, #ARGV, 2 do
  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[i + 1])
    moved = moved + 1
  end
end
return moved
)lua");

JobRecord parseForList(std::string raw)
{
    JobParseOptions options;
    options.decodeBacktrace = false; // decoded when the inspector opens the job
    return JobRecord::parse(std::move(raw), options);
}
} // namespace

long long queueSize(redis::Client& client, const std::string& queue)
{
    return client.command(Command("LLEN").key(keys::queue(queue))).asInteger();
}

std::vector<QueueEntry> pageQueue(redis::Client& client, const std::string& queue, long long offset, long long count)
{
    std::vector<QueueEntry> out;
    if (count <= 0) return out;
    auto items
        = client.command(Command("LRANGE").key(keys::queue(queue)).arg(offset).arg(offset + count - 1)).asStringList();
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back({offset + static_cast<long long>(i), parseForList(std::move(items[i]))});
    return out;
}

std::optional<QueueEntry> findInQueue(redis::Client& client, const std::string& queue, const std::string& jid)
{
    const std::string needle = "\"" + jid + "\"";
    for (long long offset = 0;; offset += kFindChunk) {
        auto items = client.command(Command("LRANGE").key(keys::queue(queue)).arg(offset).arg(offset + kFindChunk - 1))
                         .asStringList();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].find(needle) == std::string::npos) continue; // cheap filter before parsing
            JobRecord job = parseForList(std::move(items[i]));
            if (job.jid == jid) return QueueEntry {offset + static_cast<long long>(i), std::move(job)};
        }
        if (static_cast<long long>(items.size()) < kFindChunk) return std::nullopt;
    }
}

long long deleteFromQueue(
    redis::Client& client, write::WriteGate& gate, const std::string& queue, const std::vector<std::string>& payloads)
{
    const write::WriteIntent intent {"delete", keys::queue(queue), static_cast<long long>(payloads.size()), {},
        sampleJids(payloads, write::kSampleJids)};
    const auto outcome = gate.perform(intent, [&] {
        std::vector<Command> cmds;
        for (const auto& p : payloads) cmds.push_back(Command("LREM").key(keys::queue(queue)).arg(1).arg(p));
        const auto replies = client.pipeline(cmds);
        write::WriteOutcome out;
        for (std::size_t i = 0; i < replies.size(); ++i) {
            if (replies[i].throwIfError().asInteger() > 0) {
                ++out.affected;
                out.removedPayloads.push_back(payloads[i]);
            }
        }
        out.skipped = static_cast<long long>(payloads.size()) - out.affected;
        return out;
    });
    return outcome.affected;
}

void clearQueue(redis::Client& client, write::WriteGate& gate, const std::string& queue)
{
    gate.perform({"clear-queue", keys::queue(queue), 0, {}, {}}, [&] {
        const auto size = queueSize(client, queue);
        client.transaction({Command("UNLINK").key(keys::queue(queue)), Command("SREM").key(keys::kQueues).arg(queue)});
        return write::WriteOutcome {size, {}};
    });
}

ActionResult moveQueueJobs(redis::Client& client, write::WriteGate& gate, const std::string& from,
    const std::vector<std::string>& payloads, const std::string& to)
{
    if (to.empty()) throw redis::UsageError("the destination queue name is empty");
    if (to == from) throw redis::UsageError("the jobs are already in queue " + to);
    ActionResult result;
    std::vector<redis::Script::Call> calls;
    std::vector<long long> sizes;
    for (const auto& raw : payloads) {
        PayloadEditor editor(raw);
        if (!editor.ok()) {
            result.skipped.push_back({raw, "cannot be moved: " + editor.error()});
            continue;
        }
        editor.setString("queue", to);
        if (calls.empty() || sizes.back() == static_cast<long long>(kMoveChunk)) {
            calls.push_back({{keys::queue(from), keys::queue(to), std::string(keys::kQueues)}, {to}});
            sizes.push_back(0);
        }
        calls.back().args.push_back(raw);
        calls.back().args.push_back(editor.result());
        ++sizes.back();
    }
    const write::WriteIntent intent {"move", keys::queue(from), static_cast<long long>(payloads.size()),
        "to queue " + to, sampleJids(payloads, write::kSampleJids)};
    gate.perform(intent, [&] {
        const auto replies = kMoveBetweenQueues.runMany(client, calls);
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const long long moved = replies[i].throwIfError().asInteger();
            result.affected += moved;
            result.missing += sizes[i] - moved;
        }
        return write::WriteOutcome {
            result.affected, {}, result.missing + static_cast<long long>(result.skipped.size())};
    });
    return result;
}

void setQueuePaused(redis::Client& client, write::WriteGate& gate, const std::string& queue, bool paused)
{
    gate.perform({paused ? "pause" : "resume", keys::queue(queue), 1, {}, {}}, [&] {
        const auto r = client.command(Command(paused ? "SADD" : "SREM").key(keys::kPaused).arg(queue)).throwIfError();
        return write::WriteOutcome {r.asInteger(), {}};
    });
}

} // namespace kiq::sidekiq
