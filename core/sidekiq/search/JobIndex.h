#pragma once
// An in-memory, incremental index of one sorted set (schedule, retry or dead) of one deployment:
// per member only metadata (JobIndexEntry, ~64 bytes + ~100 bytes of text), so a million jobs can
// be filtered, sorted, grouped by failure fingerprint and counted on the desktop in milliseconds
// (JobIndexSnapshot), while Redis is read in small, bounded steps.
//
// How it stays fresh. The set is cut into buckets by score, each covering lo <= score < hi and
// holding every member Redis had there when it was last read (~bucketSize entries; all members
// with one score always sit in one bucket). One refresh() call does, in this order:
//   1. Count check (once the first read is complete): one pipelined round trip of ZCOUNT per bucket
//      (O(log n) each on the server; at most maxCountChecks per call, rolling) plus ZCARD. A bucket
//      whose count differs is marked dirty, then narrowed down: cut into up to 16 pieces at score
//      changes, one more pipelined round trip of ZCOUNTs, and only the pieces that differ stay dirty.
//   2. Re-read: dirty buckets (at first: the one bucket covering everything, never read) are read
//      again with ZRANGE <cursor> <hi> BYSCORE LIMIT <skip> <page> WITHSCORES, the tie-safe
//      (cursorScore, skip) cursor of BulkExecutor: `skip` members at exactly cursorScore were read
//      already. A read that stops inside a bucket continues on the next call; the part read so far
//      is published at once. Inside a tie group the next page overlaps the previous one by one
//      member, so an insertion or removal at that score before the offset is noticed and the group
//      is read again. Members whose bytes were seen before (same score, same payload hash) are not
//      parsed again.
//   3. Verification: with budget left and nothing dirty, re-read the next bucket in score order even
//      though its count matched, up to verifyEntries per call. This catches changes that keep a
//      bucket's count (a member replaced by another at the same score): every change is seen within
//      two verification cycles of size / verifyEntries calls each (200 calls for 200k jobs at the
//      defaults). A count check that finds a dirty bucket stops the verification re-read in progress.
// Bounds per call: at most maxEntries members read (in pages of at most pageSize, one ZRANGE each,
// so Redis never builds a reply larger than pageSize members), at most maxCountChecks ZCOUNTs,
// and every page, even an empty one, is charged at least one entry, so a call always ends.
// A complete first read of a million jobs is ~200 calls at the default 5,000 entries; a caller that
// wants it sooner passes a larger budget.
//
// Thread model. refresh() runs on a worker thread with its own redis::Client (calls are serialised
// by an internal mutex; the index is not tied to one thread). After each call that changed
// anything it publishes a new immutable JobIndexSnapshot under a mutex; snapshot() (any thread,
// e.g. the GUI thread) takes a shared_ptr to the current one in O(1). A snapshot is never modified,
// so queries on it need no lock and are unaffected by refreshes running at the same time; unchanged
// buckets and interned strings are shared between snapshots, not copied.
//
//     // worker thread, every second or so:
//     const JobIndexRefreshStats st = index.refresh(client);
//     // GUI thread:
//     const auto snap = index.snapshot();
//     const auto found = snap->query(JobFilter::parse("class=HardJob age>1h"), JobIndexSort::Time, true);
//     for (std::uint32_t row : found.rows) … snap->jid(row), snap->displayClass(row), snap->entry(row).time …
//     // the whole job, when one is opened (worker thread):
//     fetchIndexedJob(client, JobSetKind::Dead, snap->entry(row).score, snap->entry(row).payloadHash);

#include "redis/Client.h"
#include "redis/LoadBudget.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobIndexPools.h"
#include "sidekiq/search/JobIndexSnapshot.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace kiq::sidekiq {

struct JobIndexLimits {
    std::size_t maxEntries = 5000; // members read per refresh() call, all pages together
    std::size_t verifyEntries = 1000; // of those, at most this many for verification re-reads
    std::size_t maxCountChecks = 4000; // ZCOUNT commands per call
    std::size_t pageSize = 1000; // members per ZRANGE
    std::size_t bucketSize = 1000; // target members per bucket
};

struct JobIndexRefreshStats {
    std::size_t entriesRead = 0; // members received from Redis
    std::size_t entriesParsed = 0; // of those, parsed (the rest were recognised by their hash)
    std::size_t entriesVerified = 0; // of those, read by verification
    std::size_t countChecks = 0; // ZCOUNT commands sent
    std::size_t roundTrips = 0;
    std::size_t dirtyBuckets = 0; // known to differ from Redis after this call
    std::size_t buckets = 0;
    std::size_t indexed = 0; // entries in the published snapshot
    long long setSize = -1; // ZCARD at this call's count check; -1 without one
    bool complete = false; // every part of the set has been read at least once
    bool synced = false; // complete, and no bucket differed at this call's count check
                         // (or differs still after this call's re-reads)
    bool passCompleted = false; // the first complete read finished during this call
    bool verifyCycleCompleted = false; // a verification cycle reached the end of the set
    double seconds = 0; // wall time of the call
};

class JobIndex {
public:
    explicit JobIndex(JobSetKind kind, JobIndexLimits limits = {});
    ~JobIndex();
    JobIndex(const JobIndex&) = delete;
    JobIndex& operator=(const JobIndex&) = delete;

    JobSetKind kind() const { return m_kind; }

    // One bounded step (see above). Throws redis::Error on connection or server errors; the index
    // keeps what it had and the next call resumes.
    JobIndexRefreshStats refresh(redis::Client& client);
    // The same with another member budget for this call (e.g. a large one for the first build).
    // Budgets of 1 count as 2 (a page inside a tie group reads one member again); 0 reads nothing.
    JobIndexRefreshStats refresh(redis::Client& client, std::size_t maxEntries);

    // The state published by the last refresh (an empty, incomplete index before the first).
    std::shared_ptr<const JobIndexSnapshot> snapshot() const;

    // Completed verification cycles (tests and the status bar use it to know that every bucket was
    // re-read since some moment).
    std::uint64_t verifyCycles() const { return m_verifyCycles.load(); }

    // Reads paced by a load budget (redis/LoadBudget.h): pages sized by measured time and spread out
    // to the budget's share. Without one (the default), pages of limits.pageSize back to back. Waits
    // for a refresh() in progress: call it where refresh() runs.
    void setBudget(redis::LoadBudget budget);

    // Forgets everything (e.g. the connection now points at another deployment).
    void reset();

private:
    struct State;

    void publish(State& state);

    const JobSetKind m_kind;
    const JobIndexLimits m_limits;
    std::mutex m_refreshMutex; // serialises refresh() and reset()
    std::unique_ptr<State> m_state;
    std::unique_ptr<redis::LoadPacer> m_pacer; // null without a budget
    JobIndexPublisher m_published;
    std::atomic<std::uint64_t> m_verifyCycles {0};
};

// The member an index entry names, read from Redis now: ZRANGE BYSCORE score score (paged), matched
// by payload hash; parsed with the backtrace decoded. nullopt when it is no longer in the set.
std::optional<SortedEntry> fetchIndexedJob(
    redis::Client& client, JobSetKind kind, double score, std::uint64_t payloadHash);
// Each key's member read now (fetchIndexedJob), oldest score first; keys whose member has left are
// counted in `gone`.
std::vector<SortedEntry> fetchIndexedJobs(
    redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys, long long& gone);

} // namespace kiq::sidekiq
