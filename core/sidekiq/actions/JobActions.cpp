#include "sidekiq/actions/JobActions.h"

#include "sidekiq/model/DeadSet.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "sidekiq/search/JobIndex.h"
#include "write/UndoJournal.h"

#include <iterator>
#include <map>

namespace kiq::sidekiq {

using redis::Command;

namespace {
// KEYS[1] source set, KEYS[2] `queues`, KEYS[3..] destination lists.
// ARGV[1] the number of destinations d, ARGV[2..d+1] their queue names (KEYS[3..] in the same
// order), then n destination indexes (1-based into KEYS), the n members and the n new payloads.
// One ZMSCORE, one ZREM, one LPUSH per destination and one SADD per chunk instead of three calls per
// job: Redis time per job is then mostly the data structures' own work. ZMSCORE needs Redis 6.2;
// older servers answer with an error and get one ZSCORE per member.
// Key types are checked before the first write: Lua does not roll back, so an LPUSH refused with
// WRONGTYPE after the ZREM would lose the jobs. The first write is the SADD (as in Sidekiq's push):
// at maxmemory Redis refuses a script's first memory-growing write, and only that one, so the whole
// chunk fails with OOM instead of running past the limit.
const redis::Script kMoveToQueues(R"lua(
for i = 2, #KEYS do
  local want = i == 2 and 'set' or 'list'
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= want then
    return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is a ' .. t .. ', not a ' .. want .. '; no job was moved')
  end
end
local d = tonumber(ARGV[1])
local n = (#ARGV - 1 - d) / 3
local first = d + 2
local scores = redis.pcall('ZMSCORE', KEYS[1], unpack(ARGV, first + n, first + 2 * n - 1))
if type(scores) == 'table' and scores.err then
  scores = {}
  for i = 1, n do scores[i] = redis.call('ZSCORE', KEYS[1], ARGV[first + n + i - 1]) end
end
local members, pushes, seen = {}, {}, {}
for i = 1, n do
  local member = ARGV[first + n + i - 1]
  if scores[i] and not seen[member] then
    seen[member] = true
    members[#members + 1] = member
    local dest = tonumber(ARGV[first + i - 1])
    local list = pushes[dest]
    if not list then list = {}; pushes[dest] = list end
    list[#list + 1] = ARGV[first + 2 * n + i - 1]
  end
end
if #members == 0 then return 0 end
redis.call('SADD', KEYS[2], unpack(ARGV, 2, d + 1))
redis.call('ZREM', KEYS[1], unpack(members))
for dest = 3, #KEYS do
  if pushes[dest] then redis.call('LPUSH', KEYS[dest], unpack(pushes[dest])) end
end
return #members
)lua");

// KEYS[1] source set, KEYS[2] `dead`. ARGV[1] now, ARGV[2] oldest score kept, ARGV[3] max jobs,
// then the members. Trims exactly as Sidekiq's send_to_morgue, which keeps max - 1
// (docs/sidekiq-data-model.md §3). The dead set's type is checked first, and the ZADD comes before
// the ZREM, for the same reasons as above.
// Returns 1 (killed) or 0 (gone already) per member, so the undo journal knows which it moved.
const redis::Script kKill(std::string(kLuaDeadSet) + R"lua(
local t = redis.call('TYPE', KEYS[2]).ok
if t ~= 'none' and t ~= 'zset' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' is a ' .. t .. ', not a sorted set; no job was killed')
end
local killed = {}
for i = 4, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    to_dead(KEYS[2], ARGV[1], ARGV[i])
    redis.call('ZREM', KEYS[1], ARGV[i])
    killed[#killed + 1] = 1
  else
    killed[#killed + 1] = 0
  end
end
trim_dead(KEYS[2], ARGV[2], ARGV[3])
return killed
)lua");

enum class Rewrite { Retry, Enqueue, Move };

struct Prepared {
    std::string member;
    std::string payload;
    std::string queue;
};

// A top-level string field of a payload the editor has scanned, unescaped; nullopt if absent or not a string.
std::optional<std::string> stringField(const PayloadEditor& editor, std::string_view key)
{
    const auto raw = editor.rawValue(key);
    if (!raw || raw->size() < 2 || raw->front() != '"' || raw->back() != '"') return std::nullopt;
    return json::unescape(std::string_view(*raw).substr(1, raw->size() - 2));
}

// Builds the payload that goes back into a queue. Timestamps keep the unit the job was written in,
// so a Sidekiq 8 job stays in milliseconds and a 6/7 job in float seconds. The editor's scan is the
// only parse per job: it validates the JSON (UTF-8 included) and finds the fields we read.
std::optional<Prepared> prepare(
    const std::string& raw, Rewrite how, const std::string& targetQueue, ActionResult& result)
{
    PayloadEditor editor(raw);
    if (!editor.ok()) {
        result.skipped.push_back({raw, "cannot be re-enqueued: " + editor.error()});
        return std::nullopt;
    }
    if (!stringField(editor, "class") || !stringField(editor, "jid")) {
        result.skipped.push_back({raw, "cannot be re-enqueued: the payload has no class or jid"});
        return std::nullopt;
    }
    if (how == Rewrite::Retry && !editor.decrementRetryCount()) {
        result.skipped.push_back({raw, "retry_count is not a number"});
        return std::nullopt;
    }
    std::string queue = how == Rewrite::Move ? targetQueue : stringField(editor, "queue").value_or("");
    if (queue.empty()) queue = "default";
    if (how == Rewrite::Move) editor.setString("queue", queue);
    const auto created = editor.rawValue("created_at");
    const auto createdAt = created ? Timestamp::parse(*created) : std::nullopt;
    editor.setTimestamp("enqueued_at", Timestamp::now(createdAt ? createdAt->unit() : Timestamp::Unit::Seconds));
    return Prepared {raw, editor.result(), queue};
}

// The move script's calls, `chunk` jobs each.
std::vector<redis::Script::Call> moveCalls(JobSetKind from, const std::vector<std::string>& payloads, Rewrite how,
    const std::string& targetQueue, std::size_t chunk, ActionResult& result, std::vector<long long>& sizes)
{
    std::vector<Prepared> prepared;
    for (const auto& raw : payloads)
        if (auto p = prepare(raw, how, targetQueue, result)) prepared.push_back(std::move(*p));

    std::vector<redis::Script::Call> calls;
    for (std::size_t start = 0; start < prepared.size(); start += chunk) {
        const std::size_t end = std::min(prepared.size(), start + chunk);
        std::vector<std::string> keyList {std::string(setKey(from)), std::string(keys::kQueues)};
        std::vector<std::string> names;
        std::map<std::string, std::size_t> destination; // queue -> KEYS index (1-based)
        std::vector<std::string> args;
        args.reserve(1 + 3 * (end - start) + 4);
        args.emplace_back(); // the number of destinations, known at the end
        std::vector<std::string> indexes, members, newPayloads;
        for (std::size_t i = start; i < end; ++i) {
            auto [it, added] = destination.try_emplace(prepared[i].queue, keyList.size() + 1);
            if (added) {
                keyList.push_back(keys::queue(prepared[i].queue));
                names.push_back(prepared[i].queue);
            }
            indexes.push_back(std::to_string(it->second));
            members.push_back(std::move(prepared[i].member));
            newPayloads.push_back(std::move(prepared[i].payload));
        }
        args.front() = std::to_string(names.size());
        for (auto* part : {&names, &indexes, &members, &newPayloads})
            std::move(part->begin(), part->end(), std::back_inserter(args));
        calls.push_back({std::move(keyList), std::move(args)});
        sizes.push_back(static_cast<long long>(end - start));
    }
    return calls;
}

std::vector<redis::Script::Call> killCalls(
    JobSetKind from, const std::vector<std::string>& payloads, std::size_t chunk, std::vector<long long>& sizes)
{
    std::vector<redis::Script::Call> calls;
    const double now = Timestamp::now().seconds();
    for (std::size_t start = 0; start < payloads.size(); start += chunk) {
        const std::size_t end = std::min(payloads.size(), start + chunk);
        const auto trim = deadTrimArgs(now);
        std::vector<std::string> args {formatRubyFloat(now), trim[0], trim[1]};
        args.insert(args.end(), payloads.begin() + std::ptrdiff_t(start), payloads.begin() + std::ptrdiff_t(end));
        calls.push_back({{std::string(setKey(from)), std::string(keys::kDead)}, std::move(args)});
        sizes.push_back(static_cast<long long>(end - start));
    }
    return calls;
}
} // namespace

ActionResult& ActionResult::operator+=(const ActionResult& other)
{
    affected += other.affected;
    missing += other.missing;
    skipped.insert(skipped.end(), other.skipped.begin(), other.skipped.end());
    return *this;
}

const char* actionName(JobAction action)
{
    switch (action) {
    case JobAction::Retry:
        return "retry";
    case JobAction::Enqueue:
        return "enqueue";
    case JobAction::Move:
        return "move";
    case JobAction::Kill:
        return "kill";
    case JobAction::Delete:
        return "delete";
    }
    return "retry";
}

std::optional<JobAction> parseActionName(std::string_view name)
{
    for (JobAction a : {JobAction::Retry, JobAction::Enqueue, JobAction::Move, JobAction::Kill, JobAction::Delete})
        if (name == actionName(a)) return a;
    return std::nullopt;
}

PreparedAction prepareJobAction(JobAction action, JobSetKind from, const std::vector<std::string>& payloads,
    const std::string& targetQueue, const std::string& detail, std::size_t chunk)
{
    chunk = std::max<std::size_t>(chunk, 1);
    if (action == JobAction::Move && targetQueue.empty())
        throw redis::UsageError("the destination queue name is empty");
    if (action == JobAction::Kill && from == JobSetKind::Dead)
        throw redis::UsageError("jobs in the dead set are already dead");
    if (action == JobAction::Enqueue && from != JobSetKind::Scheduled)
        throw redis::UsageError("enqueue-now applies to scheduled jobs; use retry");
    PreparedAction p;
    p.intent = {actionName(action), setName(from), static_cast<long long>(payloads.size()),
        detail.empty() && action == JobAction::Move ? "to queue " + targetQueue : detail,
        sampleJids(payloads, write::kSampleJids)};
    switch (action) {
    case JobAction::Retry:
    case JobAction::Enqueue:
    case JobAction::Move: {
        const Rewrite how = action == JobAction::Retry ? Rewrite::Retry
            : action == JobAction::Move                ? Rewrite::Move
                                                       : Rewrite::Enqueue;
        p.script = &kMoveToQueues;
        p.calls = moveCalls(from, payloads, how, targetQueue, chunk, p.result, p.sizes);
        break;
    }
    case JobAction::Kill:
        p.script = &kKill;
        p.calls = killCalls(from, payloads, chunk, p.sizes);
        break;
    case JobAction::Delete:
        for (const auto& payload : payloads) {
            p.calls.push_back({{std::string(setKey(from))}, {payload}});
            p.sizes.push_back(1);
        }
        break;
    }
    return p;
}

bool isWatchedMove(JobAction action)
{
    return action == JobAction::Retry || action == JobAction::Enqueue || action == JobAction::Move;
}

WatchedMove prepareWatchedMove(JobAction action, JobSetKind from, const std::vector<SortedEntry>& page,
    long long firstRank, const std::vector<bool>& selected, const std::string& targetQueue, const std::string& detail)
{
    if (!isWatchedMove(action)) throw redis::UsageError(std::string(actionName(action)) + " is not a move");
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < page.size(); ++i)
        if (selected[i]) payloads.push_back(page[i].job.raw);
    // The same checks, intent and audit as the script's path.
    PreparedAction checked = prepareJobAction(action, from, {}, targetQueue, detail);
    WatchedMove m;
    m.intent = checked.intent;
    m.intent.requested = static_cast<long long>(payloads.size());
    m.intent.sampleJids = sampleJids(payloads, write::kSampleJids);
    m.m_from = from;
    const Rewrite how = action == JobAction::Retry ? Rewrite::Retry
        : action == JobAction::Move                ? Rewrite::Move
                                                   : Rewrite::Enqueue;
    std::map<std::string, std::size_t> destination;
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (!selected[i]) continue;
        auto prepared = prepare(page[i].job.raw, how, targetQueue, m.result);
        if (!prepared) continue; // skipped: stays in the set, which splits the run of ranks
        auto [it, added] = destination.try_emplace(prepared->queue, m.m_queues.size());
        if (added) m.m_queues.push_back(prepared->queue);
        const long long rank = firstRank + static_cast<long long>(i);
        if (!m.m_ranks.empty() && m.m_ranks.back().second + 1 == rank)
            m.m_ranks.back().second = rank;
        else
            m.m_ranks.emplace_back(rank, rank);
        m.m_members.push_back(std::move(prepared->member));
        m.m_payloads.push_back(std::move(prepared->payload));
        m.m_scores.push_back(page[i].score);
        m.m_destination.push_back(it->second);
    }
    return m;
}

namespace {
// The keys a move writes with the type each must have (or be absent).
std::vector<std::pair<std::string, std::string>> writtenKeys(const std::vector<std::string>& queues)
{
    std::vector<std::pair<std::string, std::string>> written {{std::string(keys::kQueues), "set"}};
    for (const auto& q : queues) written.emplace_back(keys::queue(q), "list");
    return written;
}
} // namespace

std::vector<Command> WatchedMove::typeChecks(const std::set<std::string>& known) const
{
    std::vector<Command> cmds;
    for (const auto& [key, type] : writtenKeys(m_queues))
        if (!known.count(key)) cmds.push_back(Command("TYPE").key(key));
    return cmds;
}

void WatchedMove::checkTypes(const std::vector<redis::Reply>& replies, std::set<std::string>& known) const
{
    std::size_t i = 0;
    for (const auto& [key, want] : writtenKeys(m_queues)) {
        if (known.count(key)) continue;
        if (i >= replies.size()) throw redis::ProtocolError("a type check got too few replies");
        const std::string type = replies[i++].throwIfError().asString();
        if (type != "none" && type != want)
            throw redis::ReplyError("WRONGTYPE " + key + " is a " + type + ", not a " + want + "; no job was moved");
        known.insert(key);
    }
}

std::vector<Command> WatchedMove::transaction() const
{
    std::vector<Command> cmds {Command("MULTI"), Command("SADD").key(keys::kQueues).args(m_queues)};
    for (std::size_t d = 0; d < m_queues.size(); ++d) {
        Command push("LPUSH");
        push.key(keys::queue(m_queues[d]));
        for (std::size_t i = 0; i < m_payloads.size(); ++i)
            if (m_destination[i] == d) push.arg(m_payloads[i]);
        cmds.push_back(std::move(push));
    }
    // Last run first: removing it leaves the ranks before it where they were.
    for (auto run = m_ranks.rbegin(); run != m_ranks.rend(); ++run)
        cmds.push_back(Command("ZREMRANGEBYRANK").key(setKey(m_from)).arg(run->first).arg(run->second));
    cmds.emplace_back("EXEC");
    return cmds;
}

WatchedMove::Outcome WatchedMove::finish(
    const std::vector<redis::Reply>& replies, write::WriteOutcome& out, const Send& send)
{
    const redis::Reply& exec = replies.back();
    // Nil: the set changed since it was read. EXECABORT: a command was refused when queued (a Cluster
    // slot, memory); nothing ran, and the script's path will meet or report the same.
    if (exec.isNil() || exec.isError()) return Outcome::Aborted;
    const std::size_t pushes = m_queues.size();
    if (exec.elements.size() != 1 + pushes + m_ranks.size())
        throw redis::ProtocolError("a move transaction got " + std::to_string(exec.elements.size()) + " replies");
    std::exception_ptr failed;
    try {
        exec.elements[0].throwIfError(); // the jobs are in their lists all the same
    } catch (...) {
        failed = std::current_exception();
    }
    std::vector<Command> restore;
    long long moved = 0;
    for (std::size_t d = 0; d < pushes; ++d) {
        const bool pushed = !exec.elements[1 + d].isError();
        for (std::size_t i = 0; i < m_members.size(); ++i) {
            if (m_destination[i] != d) continue;
            if (pushed)
                ++moved;
            else
                restore.push_back(
                    Command("ZADD").key(setKey(m_from)).arg(std::string_view("NX")).arg(m_scores[i]).arg(m_members[i]));
        }
        if (!pushed && !failed) {
            try {
                exec.elements[1 + d].throwIfError();
            } catch (...) {
                failed = std::current_exception();
            }
        }
    }
    if (!restore.empty())
        for (const auto& r : send(restore)) r.throwIfError();
    result.affected += moved;
    out.affected = result.affected;
    out.skipped = static_cast<long long>(result.skipped.size());
    if (failed) std::rethrow_exception(failed);
    return Outcome::Done;
}

std::vector<Command> PreparedAction::commands() const
{
    std::vector<Command> cmds;
    cmds.reserve(calls.size());
    for (const auto& c : calls)
        cmds.push_back(script ? script->evalSha(c) : Command("ZREM").key(c.keys.front()).arg(c.args.front()));
    return cmds;
}

bool PreparedAction::removes() const
{
    return intent.action == actionName(JobAction::Delete) || intent.action == actionName(JobAction::Kill);
}

void PreparedAction::keep(write::WriteScope& scope, const std::string& server)
{
    if (!removes()) return;
    std::vector<write::RemovedItem> items;
    for (const auto& call : calls) {
        // A delete names one member per call; a kill's members follow its three arguments.
        const std::size_t first = script ? 3 : 0;
        for (std::size_t i = first; i < call.args.size(); ++i) {
            const std::size_t n = items.size();
            items.push_back({call.keys.front(), write::RemovedItem::From::SortedSet, n < scores.size() ? scores[n] : 0,
                call.args[i], script ? call.keys[1] : std::string()});
        }
    }
    if (items.size() != scores.size())
        throw redis::UsageError("a job action was given " + std::to_string(scores.size()) + " scores for "
            + std::to_string(items.size()) + " jobs");
    m_ticket = scope.keep(server, std::move(items));
}

write::WriteOutcome PreparedAction::finish(const std::vector<redis::Reply>& replies, write::WriteScope& scope)
{
    if (replies.size() != calls.size())
        throw redis::ProtocolError("a job action got " + std::to_string(replies.size()) + " replies for "
            + std::to_string(calls.size()) + " commands");
    write::WriteOutcome out;
    std::vector<bool> removed; // per member kept
    std::exception_ptr failed;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].isError()) {
            // The other chunks may have run: settle them before failing. A failed chunk removed nothing.
            try {
                replies[i].throwIfError();
            } catch (...) {
                if (!failed) failed = std::current_exception();
            }
            removed.resize(removed.size() + std::size_t(sizes[i]), false);
            continue;
        }
        long long done = 0;
        if (replies[i].type == redis::Reply::Type::Array) {
            for (const auto& flag : replies[i].elements) {
                removed.push_back(flag.asInteger() == 1);
                done += removed.back() ? 1 : 0;
            }
        } else {
            done = replies[i].asInteger();
            if (!script) removed.push_back(done == 1);
        }
        result.affected += done;
        result.missing += sizes[i] - done;
    }
    if (m_ticket) out.removed = scope.settle(*m_ticket, removed);
    m_ticket.reset();
    if (failed) std::rethrow_exception(failed);
    out.affected = result.affected;
    out.skipped = result.missing + static_cast<long long>(result.skipped.size());
    return out;
}

namespace {
// The scores `payloads` have in `from` now, for the undo journal; those gone already are left out of
// `present` (nothing to remove, nothing to keep).
std::vector<double> readScores(
    redis::Client& client, JobSetKind from, const std::vector<std::string>& payloads, std::vector<std::string>& present)
{
    std::vector<Command> cmds;
    cmds.reserve(payloads.size());
    for (const auto& p : payloads) cmds.push_back(Command("ZSCORE").key(setKey(from)).arg(p));
    const auto replies = client.pipeline(cmds);
    std::vector<double> scores;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].throwIfError().isNil()) continue;
        present.push_back(payloads[i]);
        scores.push_back(parseScore(replies[i].asString()));
    }
    return scores;
}
} // namespace

ActionResult applyJobAction(redis::Client& client, write::WriteGate& gate, JobAction action, JobSetKind from,
    const std::vector<std::string>& payloads, const std::string& targetQueue, const std::string& detail)
{
    PreparedAction prepared = prepareJobAction(action, from, payloads, targetQueue, detail);
    const write::WriteIntent intent = prepared.intent;
    gate.perform(intent, [&](write::WriteScope& scope) {
        if (prepared.removes()) {
            // Journaled with the scores they have now; one gone already is neither kept nor sent.
            std::vector<std::string> present;
            auto scores = readScores(client, from, payloads, present);
            prepared = prepareJobAction(action, from, present, targetQueue, detail);
            prepared.result.missing = static_cast<long long>(payloads.size() - present.size());
            prepared.scores = std::move(scores);
            prepared.keep(scope, write::serverOf(client.options()));
        }
        // All chunks in one pipeline: each is still atomic on the server, and they no longer wait
        // for each other's round trip.
        return prepared.finish(
            prepared.script ? prepared.script->runMany(client, prepared.calls) : client.pipeline(prepared.commands()),
            scope);
    });
    return prepared.result;
}

ActionResult applyJobActionToIndexed(redis::Client& client, write::WriteGate& gate, JobAction action, JobSetKind from,
    const std::vector<IndexedJobKey>& keys, const std::string& targetQueue, const std::string& detail)
{
    // The actions name members by their exact bytes, which the index does not keep: read each now.
    std::vector<std::string> payloads;
    long long gone = 0;
    for (const auto& key : keys) {
        if (auto entry = fetchIndexedJob(client, from, key.score, key.payloadHash))
            payloads.push_back(std::move(entry->job.raw));
        else
            ++gone;
    }
    ActionResult result = applyJobAction(client, gate, action, from, payloads, targetQueue, detail);
    result.missing += gone;
    return result;
}

ActionResult retryNow(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads)
{
    return applyJobAction(client, gate, JobAction::Retry, from, payloads);
}

ActionResult enqueueNow(redis::Client& client, write::WriteGate& gate, const std::vector<std::string>& payloads)
{
    return applyJobAction(client, gate, JobAction::Enqueue, JobSetKind::Scheduled, payloads);
}

ActionResult moveToQueue(redis::Client& client, write::WriteGate& gate, JobSetKind from,
    const std::vector<std::string>& payloads, const std::string& queue)
{
    return applyJobAction(client, gate, JobAction::Move, from, payloads, queue);
}

ActionResult killJobs(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads)
{
    return applyJobAction(client, gate, JobAction::Kill, from, payloads);
}

ActionResult deleteJobs(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads)
{
    return applyJobAction(client, gate, JobAction::Delete, from, payloads);
}

} // namespace kiq::sidekiq
