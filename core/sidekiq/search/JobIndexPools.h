#pragma once
// What every local job index shares when it reads members from Redis: the interned strings and
// failure groups, and the step from a member's bytes to a JobIndexEntry. JobIndex (sorted sets) and
// QueueIndex (lists) each own one, so the entries of both read, filter, sort and group the same way.
//
// Writer side only: the refresh thread that owns the index calls it; publishInto() hands immutable
// views to a snapshot, which JobIndexPublisher makes current.

#include "sidekiq/search/JobIndexEntry.h"
#include "sidekiq/search/JobIndexSnapshot.h"
#include "sidekiq/search/JobIndexStrings.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kiq::sidekiq {

struct FailureFingerprint;

// Entries with their texts, being collected (a page read, a bucket under construction).
struct JobIndexEntryList {
    std::vector<JobIndexEntry> entries;
    std::string text;

    void add(JobIndexEntry e, std::string_view jid, std::string_view args, std::string_view message);
    void addFrom(const JobIndexEntry& e, const std::string& sourceText);
    // A bucket of these entries covering [lo, hi), its memory trimmed (buckets live long).
    std::shared_ptr<const JobIndexBucket> toBucket(double lo, double hi) &&;
};

class JobIndexPools {
public:
    // Which time an entry keeps: a set's jobTime(), or when a queued job was enqueued (a queue's
    // "Enqueued" column and age terms: how long it has waited).
    enum class Time { Job, Enqueued };

    // Parses one member and adds its entry to `out`.
    void parseInto(JobIndexEntryList& out, double score, std::string raw, std::uint64_t hash, Time time = Time::Job);
    // Interned strings and groups as of now, into a snapshot's parts.
    void publishInto(JobIndexSnapshot::Parts& parts);

private:
    std::uint32_t groupFor(const FailureFingerprint& f);

    JobIndexStrings m_classes, m_queues, m_errors, m_messages;
    JobIndexTable<JobIndexGroupKey> m_groups;
    std::unordered_map<std::uint64_t, std::uint32_t> m_groupIds;
};

// The snapshot an index published last: the refresh thread publishes, any thread takes it in O(1).
class JobIndexPublisher {
public:
    // Numbers and stamps `parts` (generation, refreshedAt) and makes them the current snapshot.
    void publish(JobIndexSnapshot::Parts parts);
    std::shared_ptr<const JobIndexSnapshot> current() const;

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const JobIndexSnapshot> m_current;
    std::uint64_t m_generation = 0;
};

} // namespace kiq::sidekiq
