#pragma once
// Jobs taken out to a file and brought back (issue 22, item 5): JSON lines, one job per line, in the
// order they run (a queue's oldest first, a set's by score):
//
//     {"kiqdesk":"jobs/1","from":"dead","score":1796385600.25,"payload":"{\"class\":\"HardJob\",…}"}
//
// `payload` is the job's exact bytes as a JSON string; bytes that are not UTF-8 go in
// `payload_base64` instead, so every export is byte-exact. An export redacted by the profile's
// rules says so ("redacted":true): its arguments are masked, which makes it a record to read, and
// import refuses it. Reading reports each bad line by number and keeps the good ones.
//
// Import goes through the write gate (audited; it only adds): into a queue (LPUSH in file order, so
// the first line runs first; the payload's "queue" names the new queue, as a move does) or into a
// set (ZADD NX at the job's score, or now for a job from a queue: a job already there is skipped,
// never overwritten).

#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobIndex.h"
#include "sidekiq/search/QueueIndex.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redaction {
class Redactor;
}
namespace kiq::write {
class WriteGate;
}

namespace kiq::sidekiq {

struct TransferJob {
    std::string from; // "dead", "retry", "scheduled" or "queue:NAME"
    std::optional<double> score; // a set's member score
    std::string payload; // exact bytes (or redacted text when `redacted`)
    bool redacted = false;
};

// One line, newline included. `redactor` (may be null or inactive): the payload as it shows it.
std::string transferLine(TransferJob job, const redaction::Redactor* redactor = nullptr);

struct TransferRead {
    std::vector<TransferJob> jobs;
    std::vector<std::string> errors; // "line 3: not JSON", …
    long long redactedLines = 0;
};
TransferRead readTransfer(std::string_view text);

// Indexed jobs (a page's selection) read now and written as lines, oldest first; a job that has
// left meanwhile is counted in `gone`. `redactor` as transferLine.
struct ExportedJobs {
    std::string text;
    long long count = 0;
    long long gone = 0;
    std::vector<std::string> sampleJids; // for the audit trail of an unredacted export
};
ExportedJobs exportSetJobs(redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys,
    const redaction::Redactor* redactor);
ExportedJobs exportQueueJobs(redis::Client& client, const std::string& queue, const std::vector<QueueJobRef>& refs,
    const redaction::Redactor* redactor);

// Where an import goes: a set, or else the queue named.
struct TransferTarget {
    std::optional<JobSetKind> set;
    std::string queue;
    std::string name() const; // "dead", "queue:default"
    static std::optional<TransferTarget> parse(std::string_view name); // "dead", "retry", "scheduled", "queue:NAME"
};

// Refuses (WriteRefused, before anything is sent) a redacted job. Result: affected = added;
// skipped = already in the set, or a payload that is not a job object (import into a queue).
ActionResult importJobs(
    redis::Client& client, write::WriteGate& gate, const TransferTarget& target, const std::vector<TransferJob>& jobs);

} // namespace kiq::sidekiq
