#pragma once
// The one place every write to a deployment passes through. It refuses writes while the deployment
// is read-only (production profiles open that way until writes are armed with a reason), and it
// hands every write, done or failed, to the audit sinks. Later features (the audit log file, the undo
// journal for deletes) hang off the same sinks, so no write path needs to change for them.
//
// Thread-safe: the GUI thread arms it while worker threads perform writes.

#include "redis/Errors.h"

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace kiq::write {

struct WriteIntent {
    std::string action; // "retry", "delete", "kill", "enqueue", "move", "clear-queue", "quiet", ...
    std::string target; // "dead", "queue:default", a process identity, ...
    long long requested = 0; // how many items the caller asked for
    std::string detail; // e.g. the filter of a bulk action, or the destination queue
};

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
};

class WriteGate {
public:
    using AuditSink = std::function<void(const AuditEntry&)>;

    explicit WriteGate(std::string deployment, bool readOnly = false);

    const std::string& deployment() const { return m_deployment; }
    bool writable() const;
    // Allows writes, recording why. An empty reason is refused: arming is a deliberate act.
    void arm(const std::string& reason);
    void disarm(); // back to read-only
    void addAuditSink(AuditSink sink);

    // Runs `op` if writes are allowed, and audits the outcome. Throws WriteRefused when read-only;
    // rethrows whatever `op` throws after auditing the failure.
    WriteOutcome perform(const WriteIntent& intent, const std::function<WriteOutcome()>& op);

private:
    void audit(AuditEntry entry);

    mutable std::mutex m_mutex;
    std::string m_deployment;
    bool m_readOnly;
    std::string m_reason;
    std::vector<AuditSink> m_sinks;
};

} // namespace kiq::write
