#pragma once
// A production failure taken home (issue 23): copies of jobs from any deployment (a production one is
// only read) pushed into a queue of a development or staging deployment, where a local pool runs them.
// The source is never written.
//
// A copy starts from the job as the source profile's redaction shows it (masked arguments stay masked:
// the caller may replace the arguments of every copy), then:
//   - a new jid; created_at and enqueued_at now, in the unit of the original's created_at;
//   - no retry history: retry_count, failed_at, retried_at, error_class, error_message, error_backtrace
//     and error_details removed; "retry":0 and no "dead":false, so it runs once and a failure lands in
//     the target's Dead set with the new error (docs/sidekiq-data-model.md §4), where it can be read;
//   - no "bid": the Pro batch it belonged to lives on the source;
//   - "queue" the target queue;
//   - "replayed_from": {"deployment","set","jid","error_class","error_message"}, the link back (the message
//     as redacted).
//
//     const ReplayCopy copy = replayCopy(raw, {"Billing", "dead"}, redactor, {"replays", {}}, Timestamp::now());
//     checkReplay({targetEnvironment, sameServer, copies.size(), confirmed});   // throws ReplayRefused
//     replayJobs(targetClient, targetGate, {"Billing", "dead"}, copies);
// or, for jobs read on the source (readReplaySource) and written from the target's client thread, replayInto.

#include "deployment/ConnectionProfile.h"
#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/model/Timestamp.h"
#include "sidekiq/search/JobIndex.h"
#include "write/WriteGate.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redaction {
class Redactor;
}
namespace kiq::storage {
class ReplayJournal;
}

namespace kiq::sidekiq {

struct ReplaySource {
    std::string deployment; // its name, as replayed_from keeps it
    std::string set; // where the jobs were: "dead", "retry", "scheduled" or "queue:NAME"
};

struct ReplayEdit {
    std::string queue; // the target queue; empty: each job's own
    std::optional<std::string> args; // replaces every copy's arguments: a JSON array
};

struct ReplayCopy {
    std::string originalJid;
    std::string jid; // the copy's, new
    std::string queue;
    std::string payload; // exactly what will be written
    std::string error; // why this job cannot be copied ("not a job object: …"); payload is then empty
    bool ok() const { return error.empty(); }
};

// What a copy's "replayed_from" says (nullopt for a job that is no replay, or a field that is not an object):
// for the Local workers' marker and the inspector.
struct ReplayedFrom {
    std::string deployment, set, jid, errorClass, errorMessage;
};
std::optional<ReplayedFrom> replayedFrom(std::string_view payload);

// Why edited arguments cannot be used ("the arguments must be a JSON array"), or empty when they can.
std::string checkReplayArgs(std::string_view args);

ReplayCopy replayCopy(std::string_view original, const ReplaySource& source, const redaction::Redactor& redactor,
    const ReplayEdit& edit, Timestamp now);

// Above this many jobs a replay needs the count confirmed (the dialog's field, the CLI's --count).
inline constexpr std::size_t kReplayConfirmAbove = 20;

struct ReplayPlan {
    deployment::Environment target = deployment::Environment::Development;
    bool sameServer = false; // the target's Redis is the source's (ServerIdentity::sameServerAs)
    std::size_t count = 0; // copies to write
    std::optional<std::size_t> confirmedCount; // what the user confirmed, when asked
};

class ReplayRefused : public write::WriteRefused {
public:
    using write::WriteRefused::WriteRefused;
};

// Throws ReplayRefused with the reason: a target not tagged development or staging (production never),
// the source's own Redis, nothing to replay, or more than kReplayConfirmAbove jobs without that count
// confirmed.
void checkReplay(const ReplayPlan& plan);

// Which Redis server a client reaches: its INFO run_id (nullopt when INFO is refused) and first address.
struct ServerIdentity {
    std::optional<std::string> runId;
    redis::Endpoint address;
    // The same run_id; when either has none, the same address.
    bool sameServerAs(const ServerIdentity& other) const;
};
ServerIdentity serverIdentity(redis::Client& client); // reads only

// What a replay reads on the source for a page's selection: the payloads as stored, oldest first (a job
// that left meanwhile is counted in `gone`), and the server's identity.
struct ReplaySourceJobs {
    std::vector<std::string> payloads;
    long long gone = 0;
    ServerIdentity server;
};
ReplaySourceJobs readReplaySource(redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys);

// Pushes the copies (those that are ok()) through the target's gate, audited as "replay": LPUSH in the
// order given, so the first runs first, and each queue added to `queues`. affected = copies pushed;
// skipped = those that could not be made.
ActionResult replayJobs(
    redis::Client& target, write::WriteGate& gate, const ReplaySource& source, const std::vector<ReplayCopy>& copies);

// The target's whole step, run on its client: the copies made from `originals` (as read on the source),
// checkReplay with this server's identity against the source's, then replayJobs; the written copies are
// noted in `journal` (storage/ReplayJournal.h) when given. Throws ReplayRefused.
struct ReplayTarget {
    deployment::Environment environment = deployment::Environment::Development;
    std::string name; // the target deployment's, for the journal
    ServerIdentity sourceServer;
    std::optional<std::size_t> confirmedCount;
};
struct ReplayRun {
    std::vector<ReplayCopy> copies;
    ActionResult result;
    std::string journalProblem; // the copies were written, but the journal could not note them
};
ReplayRun replayInto(redis::Client& target, write::WriteGate& gate, const ReplayTarget& plan,
    const ReplaySource& source, const std::vector<std::string>& originals, const redaction::Redactor& redactor,
    const ReplayEdit& edit, const storage::ReplayJournal* journal = nullptr);

} // namespace kiq::sidekiq
