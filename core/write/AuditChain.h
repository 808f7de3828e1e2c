#pragma once
// Checks an audit trail's hash chain (AuditRecord): every entry's hash must match its content and its
// `prev` the hash of the entry before. An edited or forged entry fails the first test; a deleted or
// inserted one breaks the second at the entry after it. The oldest entry's `prev` names an entry that
// MAXLEN trimmed away, which is no break: the chain just starts there.
//
// A deleted newest entry leaves no entry after it to break: for the stream, Redis's own record of
// the newest XDEL'd ID (XINFO STREAM's max-deleted-entry-id; MAXLEN trimming leaves it alone) catches
// that case and any other XDEL.

#include "write/AuditRecord.h"

#include <string>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::write {

struct ChainBreak {
    std::string id; // the entry where the chain breaks (for an XDEL: the first one after the hole, or the last)
    std::string what; // "edited: its hash does not match its content", ...
};

struct ChainReport {
    std::size_t entries = 0;
    std::string firstId; // where the chain starts
    bool trimmedBefore = false; // older entries were trimmed (the first entry's prev is not empty)
    std::vector<ChainBreak> breaks; // in order; the first one is breaks.front()
    std::vector<std::string> notes; // what could not be checked

    bool intact() const { return breaks.empty(); }
    // "412 entries, chain intact from 1764683000000-0 (older entries trimmed)" or the breaks, one a line.
    std::string summary() const;
};

// `newestDeletedId`: the stream's max-deleted-entry-id ("" or "0-0" when nothing was XDEL'd, or unknown).
ChainReport verifyChain(const std::vector<AuditRecord>& oldestFirst, const std::string& newestDeletedId = {});

// The whole stream, read and checked (with its max-deleted-entry-id when XINFO is allowed).
ChainReport verifyAuditStream(redis::Client& client);

} // namespace kiq::write
