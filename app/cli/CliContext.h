#pragma once
// What every subcommand shares: the connection flags (or a saved profile), the output mode, one lazily
// opened client and the write gate every write of the CLI passes through. A URL or host given on the
// command line is writable (the command is the deliberate act); a profile that opens read-only (a
// production one, or one marked so) refuses writes unless --arm "reason" arms this invocation.

#include "ConnectionFlags.h"
#include "deployment/ConnectionProfile.h"
#include "redaction/Redaction.h"
#include "redis/Client.h"
#include "write/AuditTrail.h"
#include "write/UndoJournal.h"
#include "write/WriteGate.h"

#include <QJsonValue>

#include <memory>
#include <optional>
#include <string>

namespace kiq::cli {

struct CliContext {
    util::EnvSecrets secrets; // taken from the environment first thing in main()
    ConnectionFlags flags;
    bool json = false;
    std::string profileName; // --profile: a connection saved by the desktop app
    std::string armReason; // --arm: writes allowed on a read-only profile, for this invocation
    bool noRedact = false; // --no-redact: job arguments shown as they are (audited)

    const redis::ConnectionOptions& options(); // built once from the flags or the profile
    const deployment::ConnectionProfile* profile(); // --profile's, or null
    // The ACL user this invocation connected as ("default" when none), for "not permitted" errors.
    std::string userName() const { return m_options && !m_options->user.empty() ? m_options->user : "default"; }
    redis::Client& client();
    // Every write of this invocation passes it: it is appended to the deployment's audit trail (see
    // write/AuditTrail.h), and its removals are kept in the undo journal first.
    write::WriteGate& gate();
    // Where this deployment's audit entries go when its stream refuses them.
    std::string auditLocalFile();
    write::UndoJournal& undoJournal(); // the desktop app's file, opened on first use
    // After the command: how to undo what it removed, and the journal's size-cap warning (stderr).
    void reportUndo() const;
    // Throws write::WriteRefused before a write command asks, previews or connects for nothing.
    void requireWritable();
    // How job arguments are shown: the profile's rules (the defaults without a profile), or nothing
    // hidden with --no-redact, which the first call records in the audit trail.
    // Filters (--filter) match the text as it is shown, so they take it too.
    std::shared_ptr<const redaction::Redactor> redactor();
    // Prints a JSON document on stdout (compact when piped would be nice; indented is easier to read).
    void printJson(const QJsonValue& value) const;

private:
    void resolve(); // the profile (if any) and the gate, once
    // The profile's secrets from their sources (credentials/SecretResolver.h) over `built`.
    redis::ConnectionOptions profileSecrets(const redis::ConnectionOptions& built, bool onlyHelpers);

    bool m_resolved = false;
    std::optional<deployment::ConnectionProfile> m_profile;
    std::unique_ptr<write::WriteGate> m_gate;
    std::optional<redis::ConnectionOptions> m_options;
    std::shared_ptr<write::UndoJournal> m_journal;
    bool m_journalRegistered = false;
    std::unique_ptr<redis::Client> m_client;
    std::unique_ptr<write::AuditTrail> m_trail;
    std::shared_ptr<const redaction::Redactor> m_redactor;
};

// Shared formatting for tables and times.
std::string formatAge(double seconds); // "3m 20s", "2h 5m", "4d 1h"
std::string formatElapsed(double seconds); // a measured time: "500.0 ms", "5.00 s"
std::string formatTime(double epochSeconds); // local "YYYY-MM-DD HH:MM:SS"
std::string truncate(const std::string& text, std::size_t width);
std::string countOf(long long n, const char* one, const char* many); // "1 job", "5 jobs"
// Asks on the terminal before a write: y/N for up to 10 items, the count typed for more. True at once with
// `yes`; false when stdin is not a terminal (the question and the refusal go to stderr).
bool confirm(const std::string& question, long long count, bool yes);

} // namespace kiq::cli
