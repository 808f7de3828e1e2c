#include "server/ServerInfo.h"

#include "redis/Client.h"
#include "redis/Errors.h"
#include "util/ParseNumber.h"
#include "util/TextLines.h"

#include <algorithm>
#include <cctype>

namespace kiq::server {

namespace {
constexpr int kSlowlogEntries = 50;

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// "keys=1,expires=0,avg_ttl=0" -> the entry for `db`.
KeyspaceEntry parseKeyspaceValue(int db, std::string_view value)
{
    KeyspaceEntry e;
    e.db = db;
    while (!value.empty()) {
        const auto comma = value.find(',');
        const std::string_view pair = value.substr(0, comma);
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        const auto name = pair.substr(0, eq);
        const long long number = util::parseInteger(pair.substr(eq + 1)).value_or(0);
        if (name == "keys")
            e.keys = number;
        else if (name == "expires")
            e.expires = number;
        else if (name == "avg_ttl")
            e.averageTtlMs = number;
    }
    return e;
}

// The text for a failed optional part: the client's readable wording of the server's reply.
std::string partError(const kiq::redis::Reply& reply, const char* what)
{
    return kiq::redis::ReplyError(reply.str, what).what();
}
} // namespace

std::optional<std::string> ServerInfo::field(std::string_view name) const
{
    for (const auto& [sectionName, section] : sections) {
        auto it = section.find(std::string(name));
        if (it != section.end()) return it->second;
    }
    return std::nullopt;
}

std::optional<long long> ServerInfo::integerField(std::string_view name) const
{
    auto value = field(name);
    return value ? util::parseInteger(*value) : std::nullopt;
}

std::string ServerInfo::redisVersion() const
{
    return field("redis_version").value_or(std::string());
}
std::string ServerInfo::role() const
{
    return field("role").value_or(std::string());
}
std::optional<long long> ServerInfo::usedMemory() const
{
    return integerField("used_memory");
}
std::string ServerInfo::usedMemoryHuman() const
{
    return field("used_memory_human").value_or(std::string());
}
std::optional<long long> ServerInfo::maxmemory() const
{
    return integerField("maxmemory");
}
std::optional<long long> ServerInfo::connectedClients() const
{
    return integerField("connected_clients");
}
std::optional<long long> ServerInfo::instantaneousOpsPerSec() const
{
    return integerField("instantaneous_ops_per_sec");
}

std::optional<std::chrono::seconds> ServerInfo::uptime() const
{
    auto s = integerField("uptime_in_seconds");
    return s ? std::optional(std::chrono::seconds(*s)) : std::nullopt;
}

std::vector<KeyspaceEntry> ServerInfo::keyspace() const
{
    std::vector<KeyspaceEntry> out;
    auto it = sections.find("keyspace");
    if (it == sections.end()) return out;
    for (const auto& [name, value] : it->second) {
        if (name.rfind("db", 0) != 0) continue;
        if (auto db = util::parseInteger(std::string_view(name).substr(2)))
            out.push_back(parseKeyspaceValue(int(*db), value));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.db < b.db; });
    return out;
}

ServerInfo ServerInfo::parseInfo(std::string_view text)
{
    ServerInfo info;
    Section* current = &info.sections[""]; // fields before any "# Header" (not seen from Redis itself)
    while (!text.empty()) {
        std::string_view line = util::nextLine(text);
        if (line.empty()) continue;
        if (line.front() == '#') {
            line.remove_prefix(1);
            while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
            current = &info.sections[lower(line)];
            continue;
        }
        if (const auto field = util::infoField(line))
            (*current)[std::string(field->first)] = std::string(field->second);
    }
    if (info.sections[""].empty()) info.sections.erase("");
    return info;
}

ServerInfo loadServerInfo(kiq::redis::Client& client)
{
    using kiq::redis::Command;
    // Connect first so the measured time is the round trip, not the TCP/TLS/AUTH handshake.
    client.connect();
    const auto started = std::chrono::steady_clock::now();
    const auto replies = client.pipeline({
        Command("INFO"),
        Command("DBSIZE"),
        Command("SLOWLOG").arg("GET").arg(kSlowlogEntries),
        Command("CLIENT").arg("LIST"),
    });
    const auto elapsed = std::chrono::steady_clock::now() - started;

    ServerInfo info;
    if (replies[0].isError())
        info.infoError = partError(replies[0], "INFO");
    else
        info = ServerInfo::parseInfo(replies[0].asString());
    info.roundTrip = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);

    if (replies[1].isError())
        info.dbSizeError = partError(replies[1], "DBSIZE");
    else
        info.dbSize = replies[1].asInteger();

    if (replies[2].isError())
        info.slowlogError = partError(replies[2], "SLOWLOG GET");
    else
        info.slowlog = parseSlowlog(replies[2]);

    if (replies[3].isError())
        info.clientsError = partError(replies[3], "CLIENT LIST");
    else {
        info.clients = parseClientList(replies[3].asString());
        info.census = takeClientCensus(info.clients);
    }
    return info;
}

ServerInfo loadServerCounters(kiq::redis::Client& client)
{
    using kiq::redis::Command;
    // Two sections by name: Redis before 7 takes one section per INFO.
    const auto replies = client.pipeline({Command("INFO").arg("memory"), Command("INFO").arg("stats")});
    ServerInfo info;
    for (const auto& reply : replies) {
        if (reply.isError()) {
            info.infoError = partError(reply, "INFO");
            continue;
        }
        for (auto& [name, section] : ServerInfo::parseInfo(reply.asString()).sections)
            info.sections[name] = std::move(section);
    }
    return info;
}

} // namespace kiq::server
