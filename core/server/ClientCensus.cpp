#include "server/ClientCensus.h"

#include "redis/Client.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace kiq::server {

namespace {
constexpr std::string_view kSidekiqUpstream = "sidekiq_v";

// "redis-client(sidekiq_v8.1.7;rails_v7.2)" → the Sidekiq version among the callers, if any.
std::string sidekiqVersionIn(std::string_view suffix)
{
    while (!suffix.empty()) {
        const auto end = suffix.find(';');
        const std::string_view part = suffix.substr(0, end);
        if (part.starts_with(kSidekiqUpstream)) return std::string(part.substr(kSidekiqUpstream.size()));
        suffix = end == std::string_view::npos ? std::string_view() : suffix.substr(end + 1);
    }
    return {};
}
} // namespace

ClientIdentity identifyClient(const ClientEntry& client)
{
    ClientIdentity id;
    const std::string libName = client.field("lib-name");
    const auto open = libName.find('(');
    id.library = libName.substr(0, open);
    if (open != std::string::npos) {
        const auto close = libName.rfind(')');
        const auto length = close == std::string::npos || close < open ? std::string::npos : close - open - 1;
        id.sidekiqVersion = sidekiqVersionIn(std::string_view(libName).substr(open + 1, length));
    }
    id.libraryVersion = client.field("lib-ver");
    // The app, its worker pool, the CLI and the audit trail, by the names they give their connections.
    id.kiqdesk = redis::ConnectionOptions::isKiqdeskClientName(client.name());
    return id;
}

std::string clientHost(const ClientEntry& client)
{
    const std::string addr = client.address();
    if (addr.starts_with('/')) return addr.substr(0, addr.rfind(':'));
    std::string host = addr.substr(0, addr.rfind(':'));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return host;
}

std::string CensusGroup::key() const
{
    // '\n' cannot occur in CLIENT LIST fields (one client per line), so the parts cannot run together.
    return host + '\n' + identity.library + '\n' + identity.libraryVersion + '\n' + identity.sidekiqVersion + '\n'
        + (identity.kiqdesk ? "k" : "");
}

ClientCensus takeClientCensus(const std::vector<ClientEntry>& clients)
{
    ClientCensus census;
    std::map<std::string, CensusGroup> groups;
    std::map<std::string, std::set<std::string>> names;
    std::set<std::string> hosts;
    for (const ClientEntry& client : clients) {
        CensusGroup probe;
        probe.host = clientHost(client);
        probe.identity = identifyClient(client);
        const std::string key = probe.key();
        CensusGroup& group = groups.try_emplace(key, std::move(probe)).first->second;
        ++group.connections;
        if (client.flags().find('b') != std::string::npos) ++group.blocked;
        group.oldestAgeSeconds = std::max(group.oldestAgeSeconds, client.ageSeconds());
        if (!client.name().empty()) names[key].insert(client.name());

        hosts.insert(group.host);
        ++census.connections;
        if (!group.identity.identified()) ++census.notIdentified;
        if (!group.identity.sidekiqVersion.empty()) ++census.bySidekiqVersion[group.identity.sidekiqVersion];
    }
    census.hosts = static_cast<long long>(hosts.size());
    for (auto& [key, group] : groups) {
        const auto& distinct = names[key];
        group.distinctNames = static_cast<long long>(distinct.size());
        for (const auto& name : distinct) {
            if (group.names.size() == CensusGroup::kNameSample) break;
            group.names.push_back(name);
        }
        census.groups.push_back(std::move(group));
    }
    std::stable_sort(census.groups.begin(), census.groups.end(),
        [](const CensusGroup& a, const CensusGroup& b) { return a.connections > b.connections; });
    return census;
}

ClientCensus readClientCensus(redis::Client& client)
{
    return takeClientCensus(
        parseClientList(client.command(redis::Command("CLIENT").arg("LIST")).throwIfError().asString()));
}

} // namespace kiq::server
