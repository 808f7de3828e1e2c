#pragma once
// Takes jobs from the queues for one Processor: Sidekiq's BasicFetch (fetch.rb), made crash-safe.
//
// Lifecycle, per Processor thread:
//   1. fetch(n): one Lua call that acknowledges the previous batch (DEL of this thread's in-progress
//      list) and moves up to n jobs from the first non-empty queue(s), in fetch order, into the list
//      (LMOVE queue → list: the job is never only in memory). Queues in the `paused` SET are skipped;
//      the script reads the set on every call, so a pause takes effect at the next fetch.
//   2. If nothing was there: waitForJob() blocks with BLMOVE on one open queue for up to 2 s
//      (fetch.rb TIMEOUT), so a stop is noticed within 2 s and an idle pool costs one call per thread
//      per 2 s. Idle threads spread over the open queues (each thread starts at its own offset and
//      rotates), so a job arriving in any queue wakes a thread at once when concurrency >= queues;
//      otherwise the wait is shortened to 250 ms.
//   3. Running the jobs (Processor); a failure is written together with ackCommand() atomically.
//   4. requeue(): unstarted jobs go back to the right end of their queue (next to be popped), as
//      Sidekiq's bulk_requeue does, each only if it is still in this thread's list (LREM, then RPUSH,
//      atomically), so recovery by another process and our requeue never both push it. Key types are
//      checked first (LuaTypeGuard.h).
//   5. handBack(): a job without a handler goes back the same way, to the left end (after the others).
//   6. acknowledgeAll() at the end (DEL).
// With crashSafe off the same calls use RPOP / BRPOP on all open queues (plain BasicFetch: a crash
// loses the jobs being worked).
//
// Order: strict queue lists are tried in the order given; weighted ones are shuffled per fetch
// (QueueList::fetchOrder). Inside one queue jobs are FIFO (pushed left, popped right).
// Needs Redis 6.2+ (LMOVE/BLMOVE). Not for Redis Cluster: one script touches several queues.
//
// Uses the Processor's own redis::Client (not thread-safe; one per thread).

#include "redis/Client.h"
#include "worker/Log.h"
#include "worker/WorkerOptions.h"

#include <chrono>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

namespace kiq::worker {

struct UnitOfWork {
    std::string queue; // name without "queue:"
    std::string job; // the raw string, byte for byte
};

// What a requeue did. A job whose queue key is not a list (or that is not JSON, for requeueAll) goes
// to `dead` unchanged; if `dead` is not a sorted set either, nothing is written and a ReplyError
// (WRONGTYPE …) is thrown, so every job stays in the in-progress list.
struct Requeued {
    long long pushed = 0;
    long long toDead = 0;
    std::string misfits; // "queue:x is a string, not a list; …", for the log; empty if all keys fit
};

// Logs the jobs a requeue of `list` sent to `dead` (an error when a key had the wrong type: someone
// has to fix it and retry them).
void logDeadLetters(const Logger& log, const Requeued& r, const std::string& list);

class Fetcher {
public:
    // inProgressKey: this thread's list (keys::inProgress); ignored when crashSafe is off.
    Fetcher(redis::Client& client, const WorkerOptions& options, std::string inProgressKey, int processorIndex);

    // Non-blocking; acknowledges everything fetched before. `openQueues` receives the queues that are
    // not paused, in fetch order.
    std::vector<UnitOfWork> fetch(std::size_t maxJobs, std::vector<std::string>* openQueues = nullptr);
    // Blocks up to `timeout` for one job of `queue` (crash-safe) or of any of `queues` (BRPOP).
    std::optional<UnitOfWork> waitForJob(const std::vector<std::string>& openQueues, std::chrono::milliseconds timeout);
    // fetch(), then waitForJob() when nothing was there; sleeps 2 s when every queue is paused.
    // Returns empty on timeout or when `stop` is requested. Redis errors propagate.
    std::vector<UnitOfWork> retrieveWork(std::size_t maxJobs, std::stop_token stop);

    // Back to the right end of their queues, first element popped first.
    Requeued requeue(const std::vector<UnitOfWork>& jobs);
    // Back to the left end of its queue, unchanged (a job this pool has no handler for).
    Requeued handBack(const UnitOfWork& job);
    // Queues the next fetches skip (UnhandledClasses' back-off); with every queue skipped the fetch
    // sleeps as when all are paused.
    void setExcluded(std::vector<std::string> queues) { m_excluded = std::move(queues); }
    // The in-progress list's acknowledgement of one job, for the failure's write (empty Command when not
    // crash-safe).
    redis::Command ackCommand(const UnitOfWork& work) const;
    void acknowledgeAll();
    // Everything in this thread's list back to the queue named in each payload (RPUSH; not JSON: to
    // `dead`), then DEL. For when the list's content is unknown: a fetch whose reply was lost may or
    // may not have run.
    Requeued requeueAll();

    const std::string& inProgressKey() const { return m_inProgressKey; }
    bool crashSafe() const { return m_crashSafe; }

private:
    Requeued pushBack(const std::vector<UnitOfWork>& jobs, const char* push);

    redis::Client& m_client;
    const WorkerOptions& m_options;
    std::string m_inProgressKey;
    bool m_crashSafe;
    std::size_t m_blockCursor;
    std::size_t m_queueCount;
    std::mt19937_64 m_rng;
    std::vector<std::string> m_excluded;
};

} // namespace kiq::worker
