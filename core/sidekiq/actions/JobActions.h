#pragma once
// Writes on jobs in the sorted sets, with Sidekiq's Web UI semantics, each through the WriteGate
// (docs/sidekiq-data-model.md §12). Jobs are named by their exact raw payload, because ZREM matches bytes.
//
// Every action runs as Lua chunks (or, for the bulk executor's moves, a WATCHed transaction): one chunk
// is atomic, removes each member from its set first and acts only if that removal happened. A job that is already gone
// (Sidekiq's poller took it, another operator deleted it) is counted as missing, never acted on twice.
//
// A payload that cannot be parsed cannot be retried or moved (its queue is unknown): it is skipped
// and reported. Delete and kill work on any payload, since they move bytes unchanged.

#include "redis/Client.h"
#include "redis/Script.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobIndexEntry.h"
#include "write/WriteGate.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

enum class JobAction { Retry, Enqueue, Move, Kill, Delete };
const char* actionName(JobAction action);
std::optional<JobAction> parseActionName(std::string_view name);

struct ActionResult {
    long long affected = 0; // acted on
    long long missing = 0; // no longer in the set
    struct Skipped {
        std::string payload;
        std::string reason;
    };
    std::vector<Skipped> skipped;

    ActionResult& operator+=(const ActionResult& other);
};

// An action turned into the commands that carry it out, before anything is sent: for callers that
// send them along with other work and count the outcome later (the bulk executor overlaps preparing
// its next page with the server running these). applyJobAction is prepare, send, finish.
struct PreparedAction {
    write::WriteIntent intent;
    const redis::Script* script = nullptr; // null for delete, which is plain ZREMs
    std::vector<redis::Script::Call> calls; // one per chunk (per payload for delete)
    std::vector<long long> sizes; // jobs in each call
    ActionResult result; // the skipped ones so far; finish() adds the rest
    // Delete and kill remove jobs: the caller sets their scores (one per payload given to
    // prepareJobAction, all still in the set when read), and keep() journals them with these scores
    // before the commands are sent.
    std::vector<double> scores;

    bool removes() const; // delete or kill
    std::vector<redis::Command> commands() const; // EVALSHA (after the script's load()) or ZREM
    // Hands the jobs a delete or kill removes to the removal journals (the undo journal), before any
    // command is sent. `server` is where they live (write::serverOf).
    void keep(write::WriteScope& scope, const std::string& server);
    // Counts the replies (one per call, in order) into `result` and settles what keep() kept; throws on
    // an error reply.
    write::WriteOutcome finish(const std::vector<redis::Reply>& replies, write::WriteScope& scope);

private:
    std::optional<std::size_t> m_ticket; // keep()'s
};
// Members per script call by default: bounds the size of one EVAL and how long it holds the server.
// The bulk executor under a load budget sizes its chunks by measured time instead.
constexpr std::size_t kJobActionChunk = 200;

// Retry, enqueue and move of jobs read under WATCH on their set, as one MULTI/EXEC instead of the
// script: Redis spends half the time per job (no Lua strings built from the arguments, no second
// look-up by member), which is what lets a paced bulk run finish fast on a small share of the server.
// WATCH stands in for the script's presence check: EXEC runs only when nobody changed the set since
// the page was read, so each job is still at the rank it was read at, ZREMRANGEBYRANK removes exactly
// those, and every job removed is pushed. When anything changed, EXEC does nothing (Aborted) and the
// caller acts through the script, which checks each member.
// A transaction does not roll back: a push refused with WRONGTYPE would leave its jobs removed. The
// destinations' types are checked first (typeChecks), and should one change in between, finish() puts
// the jobs that push carried back into their set with their scores before it reports the error.
class WatchedMove {
public:
    write::WriteIntent intent;
    ActionResult result; // the skipped ones; finish() adds the moved

    // The members it moves (those that could be prepared), in page order: what the script would be
    // given if the transaction is aborted.
    const std::vector<std::string>& members() const { return m_members; }
    bool empty() const { return m_members.empty(); }
    // TYPE of each key it writes (`queues` and the destination lists) that is not in `known` (checked
    // earlier in the run); checkTypes() reads their replies, in order, throws WRONGTYPE as the script
    // would, and adds the keys found right to `known`.
    std::vector<redis::Command> typeChecks(const std::set<std::string>& known) const;
    void checkTypes(const std::vector<redis::Reply>& replies, std::set<std::string>& known) const;
    std::vector<redis::Command> transaction() const; // MULTI … EXEC

    enum class Outcome { Done, Aborted };
    // Reads the transaction's replies (MULTI's, the QUEUED ones, EXEC's). Aborted: nothing was written.
    // `send` runs the commands that put back the jobs of a push that failed, before the error is thrown.
    using Send = std::function<std::vector<redis::Reply>(const std::vector<redis::Command>&)>;
    Outcome finish(const std::vector<redis::Reply>& replies, write::WriteOutcome& out, const Send& send);

private:
    friend WatchedMove prepareWatchedMove(JobAction, JobSetKind, const std::vector<SortedEntry>&, long long,
        const std::vector<bool>&, const std::string&, const std::string&);
    JobSetKind m_from = JobSetKind::Dead;
    std::vector<std::string> m_members, m_payloads;
    std::vector<double> m_scores;
    std::vector<std::string> m_queues; // destinations, each once
    std::vector<std::size_t> m_destination; // per member, into m_queues
    std::vector<std::pair<long long, long long>> m_ranks; // runs of removed ranks, first to last
};

// `page`: the entries read under WATCH, in rank order from `firstRank`; `selected`: those to act on.
// Throws redis::UsageError for a move to no queue, or for an action that is not a move (a kill or a
// delete, which stay with prepareJobAction).
WatchedMove prepareWatchedMove(JobAction action, JobSetKind from, const std::vector<SortedEntry>& page,
    long long firstRank, const std::vector<bool>& selected, const std::string& targetQueue = {},
    const std::string& detail = {});
bool isWatchedMove(JobAction action);

// `chunk`: jobs per script call (a delete is one ZREM per job whatever it says).
// Throws redis::UsageError for an action that makes no sense (kill from dead, move to no queue…).
PreparedAction prepareJobAction(JobAction action, JobSetKind from, const std::vector<std::string>& payloads,
    const std::string& targetQueue = {}, const std::string& detail = {}, std::size_t chunk = kJobActionChunk);

// Any of the actions below; `detail` goes to the audit entry (e.g. "bulk 3f2a: class=HardJob").
ActionResult applyJobAction(redis::Client& client, write::WriteGate& gate, JobAction action, JobSetKind from,
    const std::vector<std::string>& payloads, const std::string& targetQueue = {}, const std::string& detail = {});

// The same on jobs named by their index keys (the rows of a JobIndex snapshot): each exact member is
// read now (fetchIndexedJob), then acted on; a key whose member has left the set counts as missing.
ActionResult applyJobActionToIndexed(redis::Client& client, write::WriteGate& gate, JobAction action, JobSetKind from,
    const std::vector<IndexedJobKey>& keys, const std::string& targetQueue = {}, const std::string& detail = {});

// Back to the job's queue now, as SortedEntry#retry: retry_count - 1 (so the next failure counts the
// same), enqueued_at = now. From retry or dead.
ActionResult retryNow(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads);
// Scheduled job to its queue now ("Add to queue"), payload unchanged but enqueued_at.
ActionResult enqueueNow(redis::Client& client, write::WriteGate& gate, const std::vector<std::string>& payloads);
// To another queue: `queue` field replaced, enqueued_at = now.
ActionResult moveToQueue(redis::Client& client, write::WriteGate& gate, JobSetKind from,
    const std::vector<std::string>& payloads, const std::string& queue);
// To the dead set, score now, then trimmed as Sidekiq trims it (180 days, 10,000 jobs). Journaled first
// like a delete: the trim may drop them, and an undo puts them back with their old score.
ActionResult killJobs(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads);
// ZREM. The jobs are kept in the removal journals (the undo journal) with their scores first.
ActionResult deleteJobs(
    redis::Client& client, write::WriteGate& gate, JobSetKind from, const std::vector<std::string>& payloads);

} // namespace kiq::sidekiq
