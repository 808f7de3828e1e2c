#include "write/AuditChain.h"

#include "redis/Client.h"
#include "write/AuditReader.h"
#include "write/AuditTrail.h"

#include <cstdio>

namespace kiq::write {

namespace {
// Stream IDs "ms-seq" as numbers, for ordering; {0, 0} for anything else.
std::pair<unsigned long long, unsigned long long> parseId(const std::string& id)
{
    unsigned long long ms = 0, seq = 0;
    if (std::sscanf(id.c_str(), "%llu-%llu", &ms, &seq) != 2) return {0, 0};
    return {ms, seq};
}
} // namespace

std::string ChainReport::summary() const
{
    std::string out = std::to_string(entries) + (entries == 1 ? " entry" : " entries");
    if (entries == 0) return out + ", nothing to verify";
    if (breaks.empty())
        out += ", chain intact";
    else
        out += ", chain broken at " + std::to_string(breaks.size()) + (breaks.size() == 1 ? " place" : " places");
    out += "; chain starts at " + firstId + (trimmedBefore ? " (older entries trimmed)" : "");
    for (const auto& b : breaks) out += "\n  " + b.id + ": " + b.what;
    for (const auto& n : notes) out += "\n  note: " + n;
    return out;
}

ChainReport verifyChain(const std::vector<AuditRecord>& oldestFirst, const std::string& newestDeletedId)
{
    ChainReport report;
    report.entries = oldestFirst.size();
    if (oldestFirst.empty()) return report;
    report.firstId = oldestFirst.front().id;
    report.trimmedBefore = !oldestFirst.front().get("prev").empty();
    for (std::size_t i = 0; i < oldestFirst.size(); ++i) {
        const AuditRecord& r = oldestFirst[i];
        if (r.fields.empty()) {
            report.breaks.push_back({r.id, "not an audit entry (unreadable)"});
            continue;
        }
        std::string what;
        if (!r.hashMatches()) what = "edited or forged: its hash does not match its content";
        if (i > 0 && r.get("prev") != oldestFirst[i - 1].get("hash"))
            what += std::string(what.empty() ? "" : "; ") + "the entry before it (after " + oldestFirst[i - 1].id
                + ") is missing, or this one was inserted: its prev does not match";
        if (!what.empty()) report.breaks.push_back({r.id, what});
    }
    // An XDEL the chain cannot show (the newest entry, or one before the first) still leaves its ID.
    const auto deleted = parseId(newestDeletedId);
    if (deleted != std::pair<unsigned long long, unsigned long long> {0, 0}) {
        std::size_t after = 0;
        while (after < oldestFirst.size() && parseId(oldestFirst[after].id) < deleted) ++after;
        const std::string where = after < oldestFirst.size() ? oldestFirst[after].id : oldestFirst.back().id;
        bool located = false;
        for (const auto& b : report.breaks) located = located || b.id == where;
        if (!located || after == oldestFirst.size())
            report.breaks.push_back({where,
                "entry " + newestDeletedId + " was deleted (XDEL)"
                    + (after == oldestFirst.size() ? ": it was newer than every entry left"
                            : after == 0           ? ": it was older than every entry left"
                                                   : "")});
    }
    return report;
}

ChainReport verifyAuditStream(redis::Client& client)
{
    const auto records = readAuditStream(client);
    std::string deleted;
    std::vector<std::string> notes;
    if (!records.empty()) {
        const redis::Reply info = client.command(redis::Command("XINFO").arg("STREAM").key(AuditTrail::kStreamKey));
        if (info.isError()) {
            notes.push_back("XDEL of the newest entry not checked (XINFO STREAM: " + info.str + ")");
        } else {
            const auto& parts = info.asArray();
            bool found = false;
            for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
                if (parts[i].type == redis::Reply::Type::String && parts[i].str == "max-deleted-entry-id") {
                    deleted = parts[i + 1].asString();
                    found = true;
                }
            }
            if (!found) notes.push_back("XDEL of the newest entry not checked (Redis before 7.0)");
        }
    }
    ChainReport report = verifyChain(records, deleted);
    report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    return report;
}

} // namespace kiq::write
