#pragma once
// One entry of the audit trail as it is stored: field/value pairs, all strings, the same in the Redis
// stream and in the local fallback file. `hash` is the SHA-256 of every other field in a canonical
// order, so an edited field, or one added afterwards, no longer matches it; `prev` is the hash of the
// entry before, which chains the entries: a deleted or inserted entry breaks the chain after it.

#include "redis/ConnectionOptions.h"
#include "write/WriteGate.h"

#include <QJsonObject>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiq::write {

struct AuditRecord {
    std::string id; // the stream entry's ID, or "local:<line>" for an entry of the local file
    std::vector<std::pair<std::string, std::string>> fields; // in the order stored

    std::string get(std::string_view name) const; // "" when absent
    void set(std::string_view name, std::string value); // replaces the field, or appends it
    double time() const; // epoch seconds, 0 when unreadable
    bool ok() const { return get("outcome") == "ok"; }

    // Every field but `hash`, length-prefixed, in the writer's field order (unknown fields after it, by
    // name): the bytes `hash` covers. A reader gets the same bytes whatever order it received them in.
    std::string canonicalBytes() const;
    std::string computeHash() const; // lower-case hex SHA-256 of canonicalBytes()
    bool hashMatches() const { return get("hash") == computeHash(); }

    QJsonObject toJson() const; // "id" and every field, as strings
    static std::optional<AuditRecord> fromJson(const QJsonObject& object); // nullopt when not one
    std::string toJsonLine() const; // compact, without the trailing newline
};

// Who writes: the OS account, the machine and the Redis ACL user of the connection ("default" if none).
struct AuditIdentity {
    std::string user;
    std::string host;
    std::string aclUser;

    static AuditIdentity of(const redis::ConnectionOptions& options);
};

// The entry for one write, without `prev` and `hash` (the chain sets them when appending).
AuditRecord makeAuditRecord(const AuditEntry& entry, const AuditIdentity& who);

} // namespace kiq::write
