#pragma once
// The one place every write to a deployment passes through. It refuses writes while the deployment
// is read-only (production profiles, and profiles marked read-only, open that way until writes are
// armed with a reason for a while), and it hands every write, done or failed, to the audit sinks. A write
// that removes jobs first hands them to the removal journals (the undo journal) through its WriteScope.
//
// Arming has a time box: the gate disarms itself when it runs out. It checks the clock at every
// writable() and perform(), so a write after the box is refused even if no timer fired.
//
// Thread-safe: the GUI thread arms it while worker threads perform writes.

#include "redis/Errors.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kiq::write {

std::string osUser(); // the account this process runs as (what audit entries and the undo journal name)

struct WriteIntent {
    std::string action; // "retry", "delete", "kill", "enqueue", "move", "clear-queue", "quiet", ...
    std::string target; // "dead", "queue:default", a process identity, ...
    long long requested = 0; // how many items the caller asked for
    std::string detail; // e.g. the filter of a bulk action, or the destination queue
    // The JIDs of a few of the jobs involved (at most kSampleJids), for the audit trail; never payloads
    // or arguments, which may hold secrets.
    std::vector<std::string> sampleJids;
};

constexpr std::size_t kSampleJids = 10;

// A job a write removed, and where from: enough to put it back byte-exact (the undo journal).
struct RemovedItem {
    enum class From { SortedSet, ListLeft, ListRight }; // a list's end, where it goes back
    std::string key; // as the write names it (Command::key, without the namespace prefix)
    From from = From::SortedSet;
    double score = 0; // SortedSet: its score there
    std::string payload; // the exact bytes
    std::string movedTo; // a kill: the dead set it went to, where an undo removes the copy
};

struct AuditEntry {
    std::string deployment;
    double time = 0; // epoch seconds
    WriteIntent intent;
    std::string reason; // why writes were armed
    bool ok = false;
    long long affected = 0;
    std::string error;
    // The jobs a delete or kill removed, with where from. A queue clear reports only its count (a million
    // payloads do not pass through memory twice); its jobs are in the removal journals.
    std::vector<RemovedItem> removed;
    std::string armedBy; // the OS user who armed writes; empty when the deployment is writable anyway
    long long skipped = 0; // asked for but not acted on: gone already, or not actionable
};

// Thrown when a write is attempted on a read-only deployment.
class WriteRefused : public redis::Error {
public:
    explicit WriteRefused(const std::string& message)
        : redis::Error(redis::ErrorKind::Usage, message)
    {
    }
};

// What a write reports back through the gate.
struct WriteOutcome {
    long long affected = 0;
    std::vector<RemovedItem> removed;
    long long skipped = 0; // asked for but not acted on: gone already, or not actionable
};

// Where jobs go before a write removes them: the undo journal (write/UndoJournal.h). Called on the
// thread of the write.
class RemovalJournal {
public:
    virtual ~RemovalJournal() = default;
    // `items` are about to be removed from `server` by the write `action` describes (its outcome not known
    // yet); the kept items of one `group` form one record. Returns an id per item, for settle(). Throws when
    // it cannot keep them: the write then removes nothing.
    virtual std::vector<std::int64_t> keep(const AuditEntry& action, const std::string& server,
        const std::string& group, const std::vector<RemovedItem>& items)
        = 0;
    // After the removal: the kept items it did remove, and those it did not (someone else took them
    // meanwhile), which must never come back on undo.
    virtual void settle(const std::vector<std::int64_t>& removed, const std::vector<std::int64_t>& notRemoved) = 0;
};

class WriteGate;

// Handed to a write that removes jobs (the second perform() below). It keeps the jobs in every removal
// journal before removing them, so a crash in between loses none, then settles which it removed.
class WriteScope {
public:
    // Before removing `items` from `server` (where the jobs live, e.g. BulkExecutor::deploymentOf).
    // Returns a ticket for settle(); throws if a journal cannot keep them.
    std::size_t keep(const std::string& server, std::vector<RemovedItem> items);
    // After: removed[i] says whether the ticket's item i was removed. Returns the removed ones.
    std::vector<RemovedItem> settle(std::size_t ticket, const std::vector<bool>& removed);
    // The writes of one long operation (a bulk run, by its id) form one journal record.
    void setOperation(const std::string& id) { m_group = "operation " + id; }

private:
    friend class WriteGate;
    WriteScope(WriteGate& gate, const WriteIntent& intent);

    struct Batch {
        std::vector<RemovedItem> items;
        std::vector<std::shared_ptr<RemovalJournal>> journals; // those that kept it
        std::vector<std::vector<std::int64_t>> ids; // per journal
    };
    WriteGate& m_gate;
    const WriteIntent& m_intent;
    std::string m_group;
    std::vector<Batch> m_batches;
};

// Who armed writes, why and when: what the header shows and what audit entries carry.
struct Arming {
    std::string reason;
    std::string who; // the OS user
    double armedAt = 0; // epoch seconds
    std::chrono::milliseconds duration {0}; // WriteGate::kUntilDisarmed: no time box
};

class WriteGate {
public:
    using AuditSink = std::function<void(const AuditEntry&)>;
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    static constexpr std::chrono::milliseconds kDefaultArmDuration = std::chrono::minutes(15);
    // For one CLI invocation: armed until the process ends.
    static constexpr std::chrono::milliseconds kUntilDisarmed = std::chrono::milliseconds::max();

    // `clock` is for tests (the time box without sleeping); empty means steady_clock::now.
    explicit WriteGate(std::string deployment, bool readOnly = false, Clock clock = {});

    const std::string& deployment() const { return m_deployment; }
    // How refusals name the deployment ("Billing (Production)") and how they say to arm ("arm writes
    // with a reason first", or the CLI's "pass --arm \"reason\""). Default: the deployment's name.
    void setRefusalText(std::string label, std::string howToArm);
    std::string refusalMessage() const; // "Billing (Production) is read-only: arm writes with a reason first"

    bool readOnly() const; // the profile's rule, armed or not
    // Changes the rule (a profile edit). Any arming ends: it was given for the old rule.
    void setReadOnly(bool readOnly);
    bool writable() const; // not read-only, or armed and within the time box

    // Allows writes for `duration`, recording why and who. An empty reason or a non-positive duration
    // is refused: arming is a deliberate act. Arming a writable deployment only records the reason.
    void arm(const std::string& reason, std::chrono::milliseconds duration = kDefaultArmDuration);
    void disarm(); // ends an arming at any time: a read-only deployment is read-only again
    std::optional<Arming> arming() const; // nullopt when not armed (or the box ran out)
    // Time left in the box; nullopt when not armed or armed until disarmed.
    std::optional<std::chrono::milliseconds> remaining() const;

    void addAuditSink(AuditSink sink);
    void addRemovalJournal(std::shared_ptr<RemovalJournal> journal);

    // Audits an act that changes nothing but must leave a trace (showing a job's arguments unredacted).
    // Never refused: reading is allowed on a read-only deployment.
    void record(const WriteIntent& intent);

    // Runs `op` if writes are allowed, and audits the outcome. Throws WriteRefused when read-only;
    // rethrows whatever `op` throws after auditing the failure.
    WriteOutcome perform(const WriteIntent& intent, const std::function<WriteOutcome()>& op);
    // The same for a write that removes jobs: it keeps them through the scope before removing them.
    WriteOutcome perform(const WriteIntent& intent, const std::function<WriteOutcome(WriteScope&)>& op);

private:
    friend class WriteScope;
    std::chrono::steady_clock::time_point now() const;
    AuditEntry stamped(AuditEntry entry) const; // the deployment, reason and time filled in
    void expireLocked() const; // ends an arming whose box ran out; m_mutex held
    void audit(AuditEntry entry);

    mutable std::mutex m_mutex;
    std::string m_deployment;
    std::string m_label;
    std::string m_howToArm;
    bool m_readOnly;
    Clock m_clock;
    mutable std::optional<Arming> m_arming;
    mutable std::chrono::steady_clock::time_point m_armedUntil;
    std::vector<AuditSink> m_sinks;
    std::vector<std::shared_ptr<RemovalJournal>> m_journals;
};

} // namespace kiq::write
