#include "sidekiq/api/Queues.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/Keys.h"
#include "write/UndoJournal.h"

#include <algorithm>

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

// Clearing takes the queue from its tail (the next to run) in chunks, each kept in the undo journal
// before it is removed. KEYS[1] the queue. ARGV: the tail as kept, the next to run first. Workers may
// have popped some of it since it was read, from the right; the rest is removed only if it is still
// exactly the list's tail. Returns how many the workers took, or -1 when the tail is something else
// (nothing is removed then).
constexpr long long kClearChunk = 1000;
constexpr int kClearRetries = 100;
const redis::Script kClearTail(R"lua(
local n = #ARGV
local tail = redis.call('LRANGE', KEYS[1], -n, -1)
local m = #tail
for k = 0, n - 1 do
  local left = n - k
  if left <= m and tail[m] == ARGV[k + 1] then
    local same = true
    for i = 2, left do
      if tail[m - i + 1] ~= ARGV[k + i] then
        same = false
        break
      end
    end
    if same then
      redis.call('LTRIM', KEYS[1], 0, -left - 1)
      return k
    end
  end
end
return -1
)lua");

// KEYS[1] the queue, KEYS[2] `queues`, ARGV[1] the queue's name.
const redis::Script kForgetEmptyQueue(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return 0
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
    const std::string key = keys::queue(queue);
    const auto outcome = gate.perform(
        {"delete", key, static_cast<long long>(payloads.size()), {}, sampleJids(payloads, write::kSampleJids)},
        [&](write::WriteScope& scope) {
            // Kept oldest first, the reverse of the order pages list them in: an undo puts them back at the
            // fetch end in their order.
            std::vector<write::RemovedItem> items;
            std::vector<Command> cmds;
            for (auto it = payloads.rbegin(); it != payloads.rend(); ++it) {
                items.push_back({key, write::RemovedItem::From::ListRight, 0, *it, {}});
                cmds.push_back(Command("LREM").key(key).arg(1).arg(*it));
            }
            const auto ticket = scope.keep(write::serverOf(client.options()), std::move(items));
            const auto replies = client.pipeline(cmds);
            std::vector<bool> removed;
            std::exception_ptr failed;
            for (const auto& reply : replies) {
                try {
                    removed.push_back(reply.throwIfError().asInteger() > 0);
                } catch (...) {
                    if (!failed) failed = std::current_exception();
                    removed.push_back(false);
                }
            }
            write::WriteOutcome out;
            out.removed = scope.settle(ticket, removed);
            if (failed) std::rethrow_exception(failed);
            out.affected = static_cast<long long>(out.removed.size());
            out.skipped = static_cast<long long>(payloads.size()) - out.affected;
            return out;
        });
    return outcome.affected;
}

long long clearQueue(redis::Client& client, write::WriteGate& gate, const std::string& queue)
{
    const std::string key = keys::queue(queue);
    const auto outcome = gate.perform({"clear-queue", key, 0, {}, {}}, [&](write::WriteScope& scope) {
        const std::string server = write::serverOf(client.options());
        write::WriteOutcome out;
        // Only the jobs there now: a queue fed faster than it is cleared would never end.
        long long left = queueSize(client, queue);
        int changed = 0;
        while (left > 0) {
            auto tail = client.command(Command("LRANGE").key(key).arg(-std::min(left, kClearChunk)).arg(-1))
                            .throwIfError()
                            .asStringList();
            if (tail.empty()) break;
            std::reverse(tail.begin(), tail.end()); // the next to run first
            std::vector<write::RemovedItem> items;
            items.reserve(tail.size());
            for (const auto& job : tail) items.push_back({key, write::RemovedItem::From::ListRight, 0, job, {}});
            const auto ticket = scope.keep(server, std::move(items));
            const long long popped = kClearTail.run(client, {key}, tail).throwIfError().asInteger();
            std::vector<bool> removed(tail.size(), popped >= 0);
            for (long long i = 0; i < popped; ++i) removed[std::size_t(i)] = false; // a worker has them
            out.affected += static_cast<long long>(scope.settle(ticket, removed).size());
            if (popped < 0) {
                // Not a pop: the tail changed some other way (a job handed back, a delete). Read it again.
                if (++changed == kClearRetries)
                    throw redis::UsageError("queue " + queue + " changed under the clear " + std::to_string(changed)
                        + " times in a row; " + std::to_string(out.affected) + " jobs were cleared");
                continue;
            }
            changed = 0;
            left -= static_cast<long long>(tail.size());
        }
        // As Queue#clear, the queue leaves `queues`, unless a job was pushed meanwhile.
        kForgetEmptyQueue.run(client, {key, std::string(keys::kQueues)}, {queue}).throwIfError();
        return out;
    });
    return outcome.affected;
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
