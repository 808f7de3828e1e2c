#pragma once
// The sorted sets `schedule`, `retry` and `dead` (score = float epoch seconds; member = the job's
// raw JSON). Live views, paged by rank or by score in either direction.

#include "redis/Client.h"
#include "sidekiq/model/JobRecord.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

enum class JobSetKind { Scheduled, Retry, Dead };

std::string_view setKey(JobSetKind kind);
const char* setName(JobSetKind kind); // "scheduled", "retry", "dead"
std::optional<JobSetKind> parseSetName(std::string_view name);

struct SortedEntry {
    double score = 0;
    JobRecord job;
};

long long setSize(redis::Client& client, JobSetKind kind);
long long countInRange(redis::Client& client, JobSetKind kind, double minScore, double maxScore);
// By rank: `offset` entries skipped from the low end (or the high end when descending).
std::vector<SortedEntry> pageByRank(
    redis::Client& client, JobSetKind kind, long long offset, long long count, bool descending);
// By score range [minScore, maxScore], with LIMIT offset count.
std::vector<SortedEntry> pageByScore(redis::Client& client, JobSetKind kind, double minScore, double maxScore,
    long long offset, long long count, bool descending);
// ZSCAN with a MATCH on the JID text, then an exact check on the parsed JID. O(n) on the server in
// the worst case; the local index answers the same question without touching Redis.
std::optional<SortedEntry> findByJid(redis::Client& client, JobSetKind kind, const std::string& jid);

// Parses a WITHSCORES reply (member, score, member, score …).
// A sorted-set score as Redis writes it: %.17g, or "inf" / "-inf" (which Ruby's to_f would make 0).
// Throws redis::ProtocolError for anything else.
double parseScore(std::string_view text);
// Backtraces are left encoded (JobRecord::decodeBacktrace() for the job that is shown).
std::vector<SortedEntry> parseWithScores(const redis::Reply& reply);

} // namespace kiq::sidekiq
