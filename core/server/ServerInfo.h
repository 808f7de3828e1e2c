#pragma once
// What the Redis page shows about one server: INFO (every section it returned, plus typed accessors
// for the fields the UI and CLI use), DBSIZE, the slow log and the connected clients.
//
// loadServerInfo() gets all of it in one pipelined round trip. Each part may be refused alone: a
// restricted ACL user (no +info, +slowlog or +client|list) is common on managed Redis, so failures are
// kept as text per part and the rest is still shown. loadServerCounters() is the light read for views
// that refresh every few seconds and need two numbers (CLIENT LIST alone is a line per connection).
//
// On Cluster the round trip goes to one primary (the client picks it); per-node views are a later
// feature built on Client::onAllPrimaries.

#include "server/ClientCensus.h"
#include "server/ServerInfoClients.h"
#include "server/ServerInfoSlowlog.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::server {

struct KeyspaceEntry {
    int db = 0;
    long long keys = 0;
    long long expires = 0;
    long long averageTtlMs = 0;
};

struct ServerInfo {
    // INFO, by section name in lower case ("server", "clients", "memory", "keyspace", ...), then field.
    using Section = std::map<std::string, std::string>;
    std::map<std::string, Section> sections;

    // The first field of that name in any section (INFO field names are unique across sections).
    std::optional<std::string> field(std::string_view name) const;
    std::optional<long long> integerField(std::string_view name) const;

    std::string redisVersion() const;
    std::string role() const; // "master" or "slave", as INFO says it
    std::optional<long long> usedMemory() const; // bytes
    std::string usedMemoryHuman() const; // as the server formats it, e.g. "1.02M"
    std::optional<long long> maxmemory() const; // bytes; 0 means no limit
    std::optional<long long> connectedClients() const;
    std::optional<long long> instantaneousOpsPerSec() const;
    std::optional<std::chrono::seconds> uptime() const;
    std::vector<KeyspaceEntry> keyspace() const; // by database number

    // The parts of the round trip. An empty *Error means the part loaded; a refused INFO leaves the
    // fields above empty (a least-privilege user may read Sidekiq's keys and nothing of the server).
    std::string infoError;
    std::optional<long long> dbSize; // keys in the selected database
    std::string dbSizeError;
    std::vector<SlowlogEntry> slowlog; // newest first, as SLOWLOG GET returns them
    std::string slowlogError;
    std::vector<ClientEntry> clients;
    ClientCensus census; // the clients grouped by host and identity, taken off the GUI thread
    std::string clientsError;

    std::chrono::microseconds roundTrip {0}; // the pipelined round trip, connecting excluded

    // Parses INFO's text (any sections). Lines that are not "field:value" are ignored.
    static ServerInfo parseInfo(std::string_view text);
};

// INFO, DBSIZE, SLOWLOG GET 50, CLIENT LIST as one pipeline. Throws kiq::redis::Error when the server
// cannot be reached; each part the server refuses fails alone (see the *Error fields).
ServerInfo loadServerInfo(kiq::redis::Client& client);
// INFO memory and INFO stats only (used memory, commands per second, maxmemory, evictions), for views
// that refresh every few seconds. A refused INFO is infoError, as above.
ServerInfo loadServerCounters(kiq::redis::Client& client);

} // namespace kiq::server
