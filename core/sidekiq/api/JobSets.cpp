#include "sidekiq/api/JobSets.h"

#include "redis/Errors.h"
#include "sidekiq/model/Keys.h"

#include <cctype>
#include <charconv>

namespace kiq::sidekiq {

using redis::Command;

std::string_view setKey(JobSetKind kind)
{
    switch (kind) {
    case JobSetKind::Scheduled:
        return keys::kSchedule;
    case JobSetKind::Retry:
        return keys::kRetry;
    case JobSetKind::Dead:
        return keys::kDead;
    }
    return keys::kDead;
}

const char* setName(JobSetKind kind)
{
    switch (kind) {
    case JobSetKind::Scheduled:
        return "scheduled";
    case JobSetKind::Retry:
        return "retry";
    case JobSetKind::Dead:
        return "dead";
    }
    return "dead";
}

std::optional<JobSetKind> parseSetName(std::string_view name)
{
    if (name == "scheduled" || name == "schedule") return JobSetKind::Scheduled;
    if (name == "retry" || name == "retries") return JobSetKind::Retry;
    if (name == "dead" || name == "morgue") return JobSetKind::Dead;
    return std::nullopt;
}

double parseScore(std::string_view text)
{
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        throw redis::ProtocolError("unexpected sorted-set score '" + std::string(text) + "'");
    return value;
}

std::vector<SortedEntry> parseWithScores(const redis::Reply& reply)
{
    const auto& items = reply.throwIfError().asArray();
    std::vector<SortedEntry> out;
    out.reserve(items.size() / 2);
    JobParseOptions options;
    options.decodeBacktrace = false; // pages and scans: decoded only for the job that is shown
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        out.push_back({parseScore(items[i + 1].asString()), JobRecord::parse(items[i].asString(), options)});
    return out;
}

long long setSize(redis::Client& client, JobSetKind kind)
{
    return client.command(Command("ZCARD").key(setKey(kind))).asInteger();
}

long long countInRange(redis::Client& client, JobSetKind kind, double minScore, double maxScore)
{
    return client.command(Command("ZCOUNT").key(setKey(kind)).arg(minScore).arg(maxScore)).asInteger();
}

std::vector<SortedEntry> pageByRank(
    redis::Client& client, JobSetKind kind, long long offset, long long count, bool descending)
{
    if (count <= 0) return {};
    Command c("ZRANGE");
    c.key(setKey(kind)).arg(offset).arg(offset + count - 1);
    if (descending) c.arg(std::string_view("REV"));
    c.arg(std::string_view("WITHSCORES"));
    return parseWithScores(client.command(c));
}

std::vector<SortedEntry> pageByScore(redis::Client& client, JobSetKind kind, double minScore, double maxScore,
    long long offset, long long count, bool descending)
{
    Command c("ZRANGE");
    c.key(setKey(kind));
    // With REV the range is given from high to low.
    if (descending)
        c.arg(maxScore).arg(minScore);
    else
        c.arg(minScore).arg(maxScore);
    c.arg(std::string_view("BYSCORE"));
    if (descending) c.arg(std::string_view("REV"));
    c.arg(std::string_view("LIMIT")).arg(offset).arg(count).arg(std::string_view("WITHSCORES"));
    return parseWithScores(client.command(c));
}

std::optional<SortedEntry> findByJid(redis::Client& client, JobSetKind kind, const std::string& jid)
{
    // A JID is hex; anything else cannot be one and would be a glob pattern in MATCH.
    for (char ch : jid)
        if (!std::isxdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    std::string cursor = "0";
    do {
        auto reply = client.command(Command("ZSCAN")
                                        .key(setKey(kind))
                                        .arg(cursor)
                                        .arg(std::string_view("MATCH"))
                                        .arg("*" + jid + "*")
                                        .arg(std::string_view("COUNT"))
                                        .arg(1000));
        const auto& parts = reply.throwIfError().asArray();
        if (parts.size() != 2) throw redis::ProtocolError("unexpected ZSCAN reply");
        cursor = parts[0].asString();
        for (auto& entry : parseWithScores(parts[1]))
            if (entry.job.jid == jid) return entry;
    } while (cursor != "0");
    return std::nullopt;
}

} // namespace kiq::sidekiq
