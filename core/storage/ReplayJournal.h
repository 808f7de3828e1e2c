#pragma once
// The replays made on this machine and how their copies ended (issue 23), so the inspector of an original
// failure and of its copy can show the outcome side by side. The source of a replay is never written, and
// a run's outcome is only known to the pool that ran it, so both live here: AppLocalDataLocation/
// replays.jsonl, shared by the app and kiqdesk-cli. One JSON line per event, appended (O_APPEND, one
// write per line, so the app, the CLI and a pool may append at once):
//
//     {"replay":{"source":"Billing","jid":"0a0d…","target":"Laptop","copy":"6326…","queue":"replays","at":1796426692.4}}
//     {"outcome":{"copy":"6326…","ok":false,"error_class":"ArgumentError","error_message":"…","at":1796426693.1}}
//
// Nothing secret goes in: the copies' arguments are not written, and an error message is written as the
// default redaction rules show it (redaction/Redaction.h). Lines that cannot be read are skipped.

#include "sidekiq/actions/Replay.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::storage {

struct ReplayEntry {
    std::string source; // the deployment's name
    std::string originalJid;
    std::string target;
    std::string jid; // the copy's
    std::string queue;
    double at = 0; // epoch seconds
    enum class Outcome { Unknown, Succeeded, Failed };
    Outcome outcome = Outcome::Unknown; // Unknown: not run by a Kiqdesk pool on this machine (yet)
    std::string errorClass, errorMessage;
    double finishedAt = 0;
};

class ReplayJournal {
public:
    explicit ReplayJournal(std::string path = defaultPath());
    static std::string defaultPath();
    const std::string& path() const { return m_path; }

    // Each copy written (ok()) by a replay from `source` into `target`. Throws std::runtime_error when the
    // file cannot be written (the replay itself is done: callers report it as a warning).
    void recordReplays(const std::string& source, const std::string& target,
        const std::vector<kiq::sidekiq::ReplayCopy>& copies, double at) const;
    // A copy's run ended (ok, or failed with that error). Throws as recordReplays.
    void recordOutcome(const std::string& jid, bool ok, const std::string& errorClass, const std::string& errorMessage,
        double at) const;

    // The copies made of `originalJid` of `source`, oldest first; and the copy `jid`, if made here.
    std::vector<ReplayEntry> replaysOf(const std::string& source, const std::string& originalJid) const;
    std::optional<ReplayEntry> copy(const std::string& jid) const;

private:
    std::vector<ReplayEntry> read(
        const std::string& source, const std::string& originalJid, const std::string& copyJid) const;
    void append(const std::string& line) const;

    std::string m_path;
};

} // namespace kiq::storage
