#pragma once
// Reading the audit trail: the stream (`kiqdesk:audit`, AuditTrail) or a local fallback file, whole
// (oldest first, for verifying and exporting) or filtered (newest first, for the timeline).

#include "write/AuditRecord.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::write {

struct AuditFilter {
    std::string user; // the OS user or the ACL user, exactly; empty: anyone
    std::string action; // exactly; empty: any
    std::optional<double> since; // epoch seconds, inclusive
    std::optional<double> until;
    std::size_t limit = 0; // 0: no limit

    bool matches(const AuditRecord& record) const;
};

// Every entry of the stream, oldest first, read in pages.
std::vector<AuditRecord> readAuditStream(redis::Client& client);
// The newest entries that match, newest first; reads only as far back as it needs (the stream IDs
// are the server's clock, so `since`/`until` bound the range read as well as filtering it).
std::vector<AuditRecord> listAuditStream(redis::Client& client, const AuditFilter& filter);

// Every entry of a local audit file, oldest first, with IDs "local:<line>"; a line that is not an
// entry (cut short, edited into invalid JSON) comes back as an entry without fields, so the chain
// check reports it. A missing file has no entries. Throws std::runtime_error when it cannot be read.
std::vector<AuditRecord> readAuditFile(const std::string& path);
// The newest entries that match, newest first, from entries read oldest first.
std::vector<AuditRecord> filterAudit(const std::vector<AuditRecord>& oldestFirst, const AuditFilter& filter);

// Parses "30m", "2h", "7d", "90s" (ago), or an ISO date/time ("2026-12-02", "2026-12-02T14:00"), to
// epoch seconds; nullopt for anything else.
std::optional<double> parseAuditTime(const std::string& text, double now);

} // namespace kiq::write
