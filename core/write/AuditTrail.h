#pragma once
// The shared audit trail of a deployment: every write the gate reports becomes one entry of a capped
// Redis stream next to the data (`kiqdesk:audit` under the deployment's key prefix), so the entries of
// every operator, desktop app and CLI form one timeline and one hash chain (AuditRecord).
//
// Appending is atomic across writers: a script XADDs the entry only if the stream's newest entry is
// still the one the client chained to, else it answers with that entry's hash and the client chains
// again. One key, so it works on Cluster; it needs EVAL and XADD on that key.
//
// When the stream cannot be written (NOPERM, OOM, the server unreachable) the entry goes to a local
// append-only file of the same format (JSONL, 0600, its own chain) and problem() says so; the write
// that was audited stands either way. Nothing is dropped silently: if the file fails too, problem()
// says that.
//
// Thread-safe: the gate calls append() on whatever thread ran the write. It blocks on the network
// (its own connection), so never call it on the GUI thread.

#include "redis/ConnectionOptions.h"
#include "write/AuditRecord.h"
#include "write/WriteGate.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace kiq::redis {
class Client;
}

namespace kiq::write {

class AuditTrail {
public:
    static constexpr const char* kStreamKey = "kiqdesk:audit";
    // XADD MAXLEN ~ this, unless the profile says otherwise (ConnectionProfile::auditMaxLen).
    static constexpr long long kDefaultMaxLen = 100000;
    using ProblemListener = std::function<void(const std::string& problem)>;

    // `localFile`: where entries go when the stream refuses them (defaultLocalFile(deployment) for the app).
    AuditTrail(redis::ConnectionOptions options, std::string localFile, long long maxLen = kDefaultMaxLen);
    ~AuditTrail();
    AuditTrail(const AuditTrail&) = delete;
    AuditTrail& operator=(const AuditTrail&) = delete;

    // New connection options (a profile edit, a password typed): the next entry connects with them.
    void setOptions(redis::ConnectionOptions options);
    // A new cap (the profile's auditMaxLen edited): the next entry trims to it.
    void setMaxLen(long long maxLen) { m_maxLen = maxLen; }
    // Called with the new problem() whenever it changes, on the appending thread. Once this returns
    // (with an empty listener, say, before its receiver goes), the old listener is not running and
    // will not be called again.
    void setProblemListener(ProblemListener listener);

    // Appends the entry for one write; never throws (the write happened, auditing it must not undo that).
    // Returns the stream entry's ID, "local:<line>", or "" when neither took it (problem() says why).
    std::string append(const AuditEntry& entry);

    // Empty while entries reach the stream; otherwise what the UI and CLI show, e.g. "audit stream not
    // writable (NOPERM …): entries kept in /home/me/.local/share/kiqdesk/audit/Billing.jsonl".
    std::string problem() const;
    const std::string& localFile() const { return m_localFile; }

    // <AppLocalDataLocation>/audit/<deployment, file-safe>.jsonl
    static std::string defaultLocalFile(const std::string& deployment);
    // Appends to the local file under an exclusive lock (the app and the CLI may share it), chained to
    // its last line. Returns "local:<line>". Throws redis::Error when the file cannot be written.
    static std::string appendToFile(const std::string& path, AuditRecord& record);

private:
    std::string appendToStream(AuditRecord& record); // m_appendMutex held

    // Appending holds this for a round trip or more; the state below has its own lock, so the GUI
    // thread can read problem() and set options without waiting for the network.
    std::mutex m_appendMutex;
    std::unique_ptr<redis::Client> m_client;
    redis::ConnectionOptions m_options;
    AuditIdentity m_identity;
    std::string m_head; // the newest entry's hash as last seen: the first guess for `prev`

    mutable std::mutex m_stateMutex;
    std::optional<redis::ConnectionOptions> m_newOptions; // taken by the next append
    std::string m_problem;

    std::mutex m_listenerMutex; // held while the listener runs
    ProblemListener m_listener;

    const std::string m_localFile;
    std::atomic<long long> m_maxLen;
};

} // namespace kiq::write
