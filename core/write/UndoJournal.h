#pragma once
// The undo journal: the jobs a delete, a kill or a queue clear removed, kept in a local SQLite file
// (QtSql, 0600, AppLocalDataLocation/undo.sqlite) so they can be put back byte-exact where they came
// from. It is a RemovalJournal of the write gate: a write keeps its jobs here *before* removing them and
// settles afterwards which it did remove, so a crash in between loses no job (an item still pending is
// restored only if it is no longer there).
//
// One record per action (one write, or all pages of one bulk run) with its items. Records are kept
// 7 days by default, pruned when the journal opens and at every keep; past the size cap the oldest
// records are dropped (never the one being written) and takeWarning() says so, for the UI and the CLI.
//
// Threads: QSqlDatabase connections belong to the thread that opened them, while writes run on many
// threads (each deployment's client thread, bulk runs, the CLI's main thread). The journal therefore
// owns one thread with the one connection; every call hands its work to that thread and waits for it.
// Calls block on the disk (all but the constructor): never make them on the GUI thread.

#include "redis/Client.h"
#include "write/WriteGate.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiq::write {

// Where a connection's jobs live (scheme, address, database, namespace), not who connects, and no secret:
// the same for the GUI and the CLI on one server. Journal records, and bulk cursors, are tied to it.
std::string serverOf(const redis::ConnectionOptions& connection);

struct UndoAction {
    std::int64_t id = 0;
    double time = 0; // epoch seconds, when its first job was kept
    std::string deployment; // the gate's name ("Billing")
    std::string server; // serverOf(): a restore goes only there
    std::string action; // "delete", "kill", "clear-queue"
    std::string target; // "dead", "queue:default"
    std::string detail;
    std::string reason; // why writes were armed, if they were
    std::string osUser;
    long long count = 0; // jobs it removed
    long long restorable = 0; // of those, not restored yet
    std::optional<double> restoredAt; // the last restore
};

struct UndoItem {
    std::int64_t id = 0;
    bool settled = false; // false: kept, but the write did not say whether it removed it (it failed or crashed)
    RemovedItem item;
};

class UndoJournal final : public RemovalJournal {
public:
    static constexpr double kDefaultKeepSeconds = 7 * 24 * 3600.0;
    static constexpr long long kDefaultMaxBytes = 512LL * 1024 * 1024;

    struct Options {
        QString file; // empty: defaultFile()
        double keepSeconds = kDefaultKeepSeconds;
        long long maxBytes = kDefaultMaxBytes; // payload bytes over all records
        std::function<double()> clock; // epoch seconds, for tests; empty: the system clock
    };

    // Returns at once; the file is opened on the journal's thread. A file that cannot be opened leaves
    // the journal closed: keep() then throws, so no write removes a job it could not keep.
    UndoJournal(); // the default file and limits
    explicit UndoJournal(Options options);
    ~UndoJournal() override;
    UndoJournal(const UndoJournal&) = delete;
    UndoJournal& operator=(const UndoJournal&) = delete;

    static QString defaultFile();
    QString file() const;
    bool isOpen() const;
    std::string error() const;

    std::vector<std::int64_t> keep(const AuditEntry& action, const std::string& server, const std::string& group,
        const std::vector<RemovedItem>& items) override;
    void settle(const std::vector<std::int64_t>& removed, const std::vector<std::int64_t>& notRemoved) override;

    // Newest first; only those of `server` when given.
    std::vector<UndoAction> actions(const std::string& server = {}) const;
    std::optional<UndoAction> action(std::int64_t id) const;
    // Up to `limit` items of the action not restored yet, by id after `afterId` (ascending) or before
    // `beforeId` (descending, when `descending`).
    std::vector<UndoItem> items(std::int64_t action, std::int64_t from, int limit, bool descending) const;
    // Restored (or found back already): a later restore skips them.
    void markRestored(std::int64_t action, const std::vector<std::int64_t>& items);
    void prune(); // drops records older than the keep time

    // Said once when the size cap forced older records out; empty otherwise.
    std::string takeWarning();
    // The record the last write on the calling thread kept jobs in, once: what an "Undo" right after a
    // delete restores. Take it before the write too, so an older write's record is not mistaken for it.
    std::optional<std::int64_t> takeLastAction();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    std::mutex m_lastMutex;
    std::map<std::thread::id, std::int64_t> m_last;
};

struct RestoreResult {
    long long restored = 0;
    long long skipped = 0; // back already (or its set is gone with it)
};

// Puts the not yet restored jobs of journal record `id` back byte-exact where they came from: sorted
// sets with their old score (a killed job also leaves the dead set), lists at the end they left, in
// their old order. A job that is there already is skipped (ZSCORE, or for lists the list as it stands
// when the restore starts). Runs through the gate as "restore", so a read-only deployment refuses it
// until armed and it is audited. Throws redis::UsageError for an unknown id or another server.
RestoreResult restoreAction(redis::Client& client, WriteGate& gate, UndoJournal& journal, std::int64_t id);

} // namespace kiq::write
