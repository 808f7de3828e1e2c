#pragma once
// The one place every write to a deployment passes through. It refuses writes while the deployment
// is read-only (production profiles, and profiles marked read-only, open that way until writes are
// armed with a reason for a while), and it hands every write, done or failed, to the audit sinks. Later
// features (the audit stream, the undo journal for deletes) hang off the same sinks, so no write path
// needs to change for them.
//
// Arming has a time box: the gate disarms itself when it runs out. It checks the clock at every
// writable() and perform(), so a write after the box is refused even if no timer fired.
//
// Thread-safe: the GUI thread arms it while worker threads perform writes.

#include "redis/Errors.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kiq::write {

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

struct AuditEntry {
    std::string deployment;
    double time = 0; // epoch seconds
    WriteIntent intent;
    std::string reason; // why writes were armed
    bool ok = false;
    long long affected = 0;
    std::string error;
    // The raw payloads removed by a delete, for the undo journal. Empty for other actions.
    std::vector<std::string> removedPayloads;
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
    std::vector<std::string> removedPayloads;
    long long skipped = 0; // asked for but not acted on: gone already, or not actionable
};

// The account running this process (not $USER: the environment is whatever the caller set).
std::string osUser();

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
    void disarm(); // back to read-only, at any time
    std::optional<Arming> arming() const; // nullopt when not armed (or the box ran out)
    // Time left in the box; nullopt when not armed or armed until disarmed.
    std::optional<std::chrono::milliseconds> remaining() const;

    void addAuditSink(AuditSink sink);

    // Audits an act that changes nothing but must leave a trace (showing a job's arguments unredacted).
    // Never refused: reading is allowed on a read-only deployment.
    void record(const WriteIntent& intent);

    // Runs `op` if writes are allowed, and audits the outcome. Throws WriteRefused when read-only;
    // rethrows whatever `op` throws after auditing the failure.
    WriteOutcome perform(const WriteIntent& intent, const std::function<WriteOutcome()>& op);

private:
    std::chrono::steady_clock::time_point now() const;
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
};

} // namespace kiq::write
