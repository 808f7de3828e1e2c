#pragma once
// What the job index keeps per member of a sorted set: metadata only, 64 bytes plus a few texts
// (jid, the start of `args`, the error message up to 1 KB) in the bucket's text block. The error
// class is interned whole (errors pool).
// The payload itself stays in Redis; (score, payloadHash) names the member exactly, so it can be
// fetched on demand (fetchIndexedJob) and recognised on re-reads without parsing it again.
//
// Buckets are the unit of freshness: each covers a score range lo <= score < hi (the last one
// includes +inf) and holds every member Redis had in that range when it was last read.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

inline constexpr std::uint32_t kJobIndexNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::size_t kJobIndexArgsPrefix = 64; // bytes of `args` JSON kept for args~ / text~
// Bytes of error_message kept for error~: whole for ordinary messages, so error~ is exact for them.
// Costs the message's length per entry (tst_jobindex prints bytes per entry for a realistic mix).
inline constexpr std::size_t kJobIndexMessagePrefix = 1024;
inline constexpr std::size_t kJobIndexJidMax = 64; // longer jids are cut (and compare as "maybe")

struct JobIndexEntry {
    enum Flag : std::uint8_t {
        ParseError = 1, // JobRecord::parse reported a problem; the entry is kept anyway
        HasArgs = 2, // `args` is an array
        ArgsCut = 4, // `args` is longer than the prefix kept
        HasMessage = 8, // error_message present
        MessageCut = 16, // the message is longer than the prefix kept
        JidCut = 32, // the jid is longer than kJobIndexJidMax
    };

    double score = 0;
    double time = std::numeric_limits<double>::quiet_NaN(); // jobTime(): retried_at, failed_at, enqueued_at, created_at
    std::uint64_t payloadHash = 0; // jobIndexPayloadHash(raw member)
    std::uint32_t classId = 0; // `class` (JobIndexSnapshot::classes)
    std::uint32_t displayClassId = 0; // display class (same pool)
    std::uint32_t queueId = 0;
    std::uint32_t errorClassId = kJobIndexNone; // raw error_class (errors pool); none when absent
    std::uint32_t groupId = 0; // failure fingerprint (groups table)
    std::uint32_t payloadBytes = 0;
    std::uint32_t textOffset = 0; // jid, args prefix, message prefix in bucket text
    std::int32_t retryCount = -1; // -1 when absent
    std::uint16_t messagePrefixLength = 0;
    std::uint8_t jidLength = 0;
    std::uint8_t argsPrefixLength = 0;
    std::uint8_t flags = 0;

    bool has(Flag f) const { return (flags & f) != 0; }
    bool hasTime() const { return !std::isnan(time); }
};
static_assert(sizeof(JobIndexEntry) == 64, "keep the index entry at one cache line");
static_assert(kJobIndexMessagePrefix <= UINT16_MAX && kJobIndexArgsPrefix <= UINT8_MAX && kJobIndexJidMax <= UINT8_MAX);

struct JobIndexBucket {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity(); // exclusive, except +inf which is included
    std::vector<JobIndexEntry> entries; // in Redis order: by score, then member bytes
    std::string text;

    bool contains(double score) const
    {
        return score >= lo && (score < hi || hi == std::numeric_limits<double>::infinity());
    }
    std::string_view jid(const JobIndexEntry& e) const { return {text.data() + e.textOffset, e.jidLength}; }
    std::string_view argsPrefix(const JobIndexEntry& e) const
    {
        return {text.data() + e.textOffset + e.jidLength, e.argsPrefixLength};
    }
    std::string_view messagePrefix(const JobIndexEntry& e) const
    {
        return {text.data() + e.textOffset + e.jidLength + e.argsPrefixLength, e.messagePrefixLength};
    }
    std::size_t memoryBytes() const
    {
        return sizeof(*this) + entries.capacity() * sizeof(JobIndexEntry) + text.capacity();
    }
};

// One member of the set, named as the index names it (score, payloadHash), so it stays the same member
// across snapshots; fetchIndexedJob reads it back. In a queue's index the score is the member's
// ticket (QueueIndex.h) and fetchQueueJob reads it back.
struct IndexedJobKey {
    double score = 0;
    std::uint64_t payloadHash = 0;
    bool operator==(const IndexedJobKey&) const = default;
};

// A failure fingerprint (FailureFingerprint) as the index interns it.
struct JobIndexGroupKey {
    std::uint64_t hash = 0;
    std::uint32_t errorClassId = 0; // normalised error class (errors pool)
    std::uint32_t messageId = 0; // normalised message (messages pool)
    std::uint32_t displayClassId = 0; // classes pool
};

// 64-bit hash of a member's bytes. Not cryptographic; stable within a process run (it names
// members across refreshes and in fetchIndexedJob, never on disk).
std::uint64_t jobIndexPayloadHash(std::string_view bytes);

} // namespace kiq::sidekiq
