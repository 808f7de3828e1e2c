#pragma once
// One immutable state of a JobIndex: what the index knew about its sorted set after one refresh.
// Queries never touch Redis and never lock: a snapshot shares its buckets with older and newer
// snapshots (structural sharing), and nothing it can see is ever written again. Take one with
// JobIndex::snapshot() on any thread and keep it as long as a view needs stable row numbers.
//
// Rows are numbered 0..size()-1 in score order (ties in Redis's member order). Row numbers belong
// to one snapshot; to follow an entry across snapshots keep (score, payloadHash) and call find().
//
// Filters use the JobFilter language with the fields the index has (see JobIndexFilter.h for what
// is exact and what is "maybe"). Cost: one pass over the entries per query, plus a linear-time
// (radix) sort for orders other than score: a few tens of milliseconds for a million entries.

#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobFilter.h"
#include "sidekiq/search/JobIndexEntry.h"
#include "sidekiq/search/JobIndexStrings.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

enum class JobIndexSort { Score, Class, Queue, Error, Time, RetryCount };
enum class JobIndexField { Class, Queue, Error };

// Failures grouped by FailureFingerprint: same error class, same normalised message, same class.
struct JobIndexGroup {
    std::uint64_t fingerprint = 0; // FailureFingerprint::hash, as group=<hex> takes it
    std::string errorClass; // normalised, as in the fingerprint
    std::string normalizedMessage;
    std::string displayClass;
    long long count = 0;
    double firstSeen = 0; // earliest job time (failure time; the score when the job has none)
    double lastSeen = 0;
    std::uint32_t newestRow = 0; // the row with the latest time, to show as an example
};

struct JobIndexCount {
    std::string value; // "" for entries without the field (no error class, say)
    long long count = 0;
};

struct JobIndexQueryResult {
    // Entries that match, in the order asked for.
    std::vector<std::uint32_t> rows;
    // Entries the index cannot decide because a ~ term may match past the prefixes it keeps
    // (args, error message). Same order. Confirm them with fetchIndexedJob + JobFilter::matches.
    std::vector<std::uint32_t> maybe;
};

class JobIndexSnapshot {
public:
    // What JobIndex hands over when it publishes.
    struct Parts {
        JobSetKind kind = JobSetKind::Dead;
        std::vector<std::shared_ptr<const JobIndexBucket>> buckets; // ordered, covering -inf..+inf
        JobIndexStringView classes, queues, errors, messages;
        JobIndexTableView<JobIndexGroupKey> groups;
        // A queue's index (QueueIndex): the score is a ticket in list order, not a time; the entry's
        // time is when the job was enqueued.
        bool listOrder = false;
        bool complete = false;
        bool synced = false;
        std::uint64_t generation = 0;
        double refreshedAt = 0; // epoch seconds
        std::size_t poolBytes = 0; // interned strings and lookup maps, estimated
    };
    explicit JobIndexSnapshot(Parts parts);

    JobSetKind kind() const { return m_parts.kind; }
    bool listOrder() const { return m_parts.listOrder; }
    std::size_t size() const { return m_starts.back(); }
    // Every part of the set has been read at least once (until then the index is a prefix of it).
    bool complete() const { return m_parts.complete; }
    // Complete, and no bucket was found to differ from Redis at the last check.
    bool synced() const { return m_parts.synced; }
    std::uint64_t generation() const { return m_parts.generation; }
    double refreshedAt() const { return m_parts.refreshedAt; }
    std::size_t memoryBytes() const; // entries, texts and pools, estimated

    const JobIndexEntry& entry(std::uint32_t row) const;
    std::string_view jid(std::uint32_t row) const;
    std::string_view argsPrefix(std::uint32_t row) const; // start of the `args` JSON text
    std::string_view messagePrefix(std::uint32_t row) const; // start of error_message
    const std::string& className(std::uint32_t row) const;
    const std::string& displayClass(std::uint32_t row) const;
    const std::string& queue(std::uint32_t row) const;
    std::optional<std::string_view> errorClass(std::uint32_t row) const;
    const std::string& normalizedMessage(std::uint32_t row) const;
    std::uint64_t fingerprint(std::uint32_t row) const;

    // The row holding the member with this score and payload hash, if the snapshot has it.
    std::optional<std::uint32_t> find(double score, std::uint64_t payloadHash) const;

    // `now` is epoch seconds for age terms; NaN means the current time.
    JobIndexQueryResult query(const JobFilter& filter, JobIndexSort sort = JobIndexSort::Score, bool descending = true,
        double now = kNow) const;
    // Groups of the definite matches, largest first.
    std::vector<JobIndexGroup> groups(const JobFilter& filter, double now = kNow) const;
    // Definite matches counted by one field, largest first.
    std::vector<JobIndexCount> countBy(JobIndexField field, const JobFilter& filter, double now = kNow) const;

    // For JobIndexFilter and friends.
    const std::vector<std::shared_ptr<const JobIndexBucket>>& buckets() const { return m_parts.buckets; }
    const JobIndexStringView& classes() const { return m_parts.classes; }
    const JobIndexStringView& queues() const { return m_parts.queues; }
    const JobIndexStringView& errors() const { return m_parts.errors; }
    const JobIndexStringView& messages() const { return m_parts.messages; }
    const JobIndexTableView<JobIndexGroupKey>& groupKeys() const { return m_parts.groups; }

    static constexpr double kNow = std::numeric_limits<double>::quiet_NaN();

private:
    struct Located {
        const JobIndexBucket* bucket;
        const JobIndexEntry* entry;
    };
    Located locate(std::uint32_t row) const;
    // Definite and maybe matches, ascending by row.
    JobIndexQueryResult match(const JobFilter& filter, double now, bool wantMaybe) const;
    void order(std::vector<std::uint32_t>& rows, JobIndexSort sort, bool descending) const;

    Parts m_parts;
    std::vector<std::uint32_t> m_starts; // first row of each bucket, then size()
};

} // namespace kiq::sidekiq
