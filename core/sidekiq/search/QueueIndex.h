#pragma once
// An in-memory, incremental index of one Sidekiq queue (the LIST `queue:<name>`: Sidekiq pushes at
// the head with LPUSH and fetches at the tail with BRPOP), published as the same immutable
// JobIndexSnapshot as JobIndex's sorted sets, so a queue is filtered, sorted and opened like the
// Scheduled, Retry and Dead sets, and a million queued jobs are read in small, bounded steps.
//
// Naming a member. A list member has no score, so the index gives each one a ticket: a number that
// grows from the tail to the head and stays the member's own while it is in the list (members
// found at the head get the next number up, members pushed back at the tail the next one down,
// members found in between a number between their neighbours'). (ticket, payload hash) is the
// member's IndexedJobKey. Snapshot rows in ticket order are the list from the tail, so a row
// number is also the member's position from the tail when the snapshot was taken: the hint
// fetchQueueJob starts from. An entry's time is its enqueued_at (how long it has waited).
//
// How it stays fresh. Every read is one MULTI that also reads the last probeSize members at the
// tail, so the members read line up exactly with the index whatever workers fetched meanwhile:
// the tail member's place in the index is how many were fetched (those entries are dropped), and
// after that an entry's index is its position from the tail. One refresh() call does:
//   1. Probe: LLEN, the tail members, the head member. Members pushed back at the tail (RPUSH) are
//      added below the oldest entry; when neither end is recognised, the list has moved past the
//      whole index (a drained and refilled queue) and the index starts again.
//   2. Head: members beyond the newest entry are read in pages towards the head, each page
//      overlapping the newest entry so that a shift is seen: the first build and new pushes alike.
//   3. Verification: with budget left, the next window of the index is read again and compared. A
//      window that differs (a member replaced, removed or inserted in the middle) is replaced by
//      what Redis has; members that stayed keep their tickets and are not parsed again. When the
//      list's length or head member contradicts the index (something changed in the middle), the
//      verification restarts at the tail with the whole budget until it has read the list once.
// Bounds per call: at most maxEntries members read in windows (LRANGEs of at most pageSize members;
// every window, even an empty one, is charged at least one), plus probeSize tail members per MULTI.
// A first read of a million jobs is ~200 calls at the default 5,000.
//
// Thread model: as JobIndex. refresh() on a worker thread with its own redis::Client; snapshot()
// on any thread in O(1); a snapshot is never modified and shares unchanged buckets with the next.

#include "redis/Client.h"
#include "redis/LoadBudget.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/search/JobIndexPools.h"
#include "sidekiq/search/JobIndexSnapshot.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct QueueIndexLimits {
    std::size_t maxEntries = 5000; // members read per refresh() call in windows, all together
    std::size_t verifyEntries = 1000; // of those, at most this many for verification (unless repairing)
    std::size_t pageSize = 1000; // members per LRANGE
    std::size_t bucketSize = 1000; // target entries per bucket
    std::size_t probeSize = 8; // tail members read with every window
};

struct QueueIndexRefreshStats {
    std::size_t entriesRead = 0; // members received in windows (probe members not counted)
    std::size_t entriesParsed = 0; // of those and the probes', parsed (the rest were known by their hash)
    std::size_t entriesVerified = 0; // read by verification
    std::size_t largestRead = 0; // the most members one LRANGE returned
    std::size_t roundTrips = 0;
    std::size_t fetched = 0; // entries dropped at the tail (taken by workers, or the index started again)
    std::size_t pushed = 0; // entries added at the head
    std::size_t repaired = 0; // windows found different and replaced
    std::size_t indexed = 0; // entries in the published snapshot
    long long listSize = -1; // LLEN at this call's probe
    bool complete = false; // the index has reached the head of the list
    bool synced = false; // complete, not repairing, and nothing left unread at the head in this call
    bool verifyCycleCompleted = false; // a verification cycle reached the head
    double seconds = 0;
};

class QueueIndex {
public:
    explicit QueueIndex(std::string queue, QueueIndexLimits limits = {});
    ~QueueIndex();
    QueueIndex(const QueueIndex&) = delete;
    QueueIndex& operator=(const QueueIndex&) = delete;

    const std::string& queue() const { return m_queue; }

    // One bounded step (see above). Throws redis::Error; the index keeps what it had.
    QueueIndexRefreshStats refresh(redis::Client& client);
    // The same with another member budget for this call. Budgets of 1 count as 2 (a head page
    // overlaps the newest entry); 0 only probes.
    QueueIndexRefreshStats refresh(redis::Client& client, std::size_t maxEntries);

    std::shared_ptr<const JobIndexSnapshot> snapshot() const;
    std::uint64_t verifyCycles() const { return m_verifyCycles.load(); }
    // Reads paced by a load budget, as JobIndex::setBudget (each window's MULTI is one call).
    void setBudget(redis::LoadBudget budget);
    void reset();

private:
    struct State;
    void publish(State& state);

    const std::string m_queue;
    const QueueIndexLimits m_limits;
    std::mutex m_refreshMutex;
    std::unique_ptr<State> m_state;
    std::unique_ptr<redis::LoadPacer> m_pacer; // null without a budget
    JobIndexPublisher m_published;
    std::atomic<std::uint64_t> m_verifyCycles {0};
};

// A queue member as an index names it, with where it was: its position from the tail in the
// snapshot it was picked from (the list shifts as jobs are pushed and fetched; it is a hint).
struct QueueJobRef {
    std::uint64_t payloadHash = 0;
    long long fromTail = 0;
};
// The refs of these keys in `snapshot` (a key it no longer has is looked for from the tail),
// oldest first: the order the jobs run in.
std::vector<QueueJobRef> queueJobRefs(const JobIndexSnapshot& snapshot, const std::vector<IndexedJobKey>& keys);

// The member read from Redis now: LRANGE windows of at most 1,000 around the hint, then outwards
// until the whole list has been seen; matched by payload hash, parsed with the backtrace decoded.
// nullopt when it is no longer in the list.
std::optional<QueueEntry> fetchQueueJob(redis::Client& client, const std::string& queue, const QueueJobRef& ref);

// The exact payloads of these members (each looked for as fetchQueueJob does, the window around
// all the hints read once first); members no longer in the list are left out.
std::vector<std::string> fetchQueuePayloads(
    redis::Client& client, const std::string& queue, const std::vector<QueueJobRef>& refs);

// The Queues page's and the CLI's actions on indexed jobs: read their payloads now, then the one
// write path (deleteFromQueue, moveQueueJobs). A member no longer in the list counts as missing.
ActionResult deleteIndexedQueueJobs(
    redis::Client& client, write::WriteGate& gate, const std::string& queue, const std::vector<QueueJobRef>& refs);
ActionResult moveIndexedQueueJobs(redis::Client& client, write::WriteGate& gate, const std::string& from,
    const std::vector<QueueJobRef>& refs, const std::string& to);

} // namespace kiq::sidekiq
