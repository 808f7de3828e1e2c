#pragma once
// Who holds the server's connections: CLIENT LIST grouped by host and by what each client says it is,
// so "which app servers still run Sidekiq 6" and "who holds 4,000 connections" have an answer.
//
// A client identifies itself three ways (docs/sidekiq-data-model.md, "Connections"):
// - lib-name / lib-ver, set by CLIENT SETINFO (Redis >= 7.2). Libraries append their callers in
//   parentheses, "name_vVERSION" separated by ';': Sidekiq >= 8.1.5 passes redis-client the driver
//   info "sidekiq_v<version>" (lib/sidekiq/redis_client_adapter.rb), so its connections read
//   lib-name=redis-client(sidekiq_v8.1.7).
// - name, set by CLIENT SETNAME; Kiqdesk names its connections "kiqdesk", "kiqdesk-worker", "kiqdesk-cli"
//   and "kiqdesk-audit" (ConnectionOptions::isKiqdeskClientName, redis/ConnectionOptions.h).
// - neither: Redis older than 7.2, or a client that sends no SETINFO (redis-rb 4, so Sidekiq 6).
//   Those are counted as not identified, per host, rather than guessed.

#include "server/ServerInfoClients.h"

#include <map>
#include <string>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::server {

struct ClientIdentity {
    std::string library; // lib-name without its "(…)" suffix; "" when the client sent none
    std::string libraryVersion; // lib-ver
    std::string sidekiqVersion; // from "sidekiq_v<version>" in lib-name's suffix
    bool kiqdesk = false; // one of ours (CLIENT SETNAME kiqdesk or kiqdesk-*)

    bool identified() const { return kiqdesk || !library.empty(); }
};

ClientIdentity identifyClient(const ClientEntry& client);
// "10.0.0.5" from addr=10.0.0.5:51234, "::1" from addr=[::1]:51234; a Unix socket's path as is.
std::string clientHost(const ClientEntry& client);

// The connections of one host with one identity.
struct CensusGroup {
    std::string host;
    ClientIdentity identity;
    long long connections = 0;
    long long blocked = 0; // waiting in a blocking command (flags has 'b'): Sidekiq's fetchers in BRPOP
    long long oldestAgeSeconds = 0;
    std::vector<std::string> names; // the distinct client names, sorted, at most kNameSample
    long long distinctNames = 0;

    static constexpr std::size_t kNameSample = 5;
    std::string key() const; // unique per group: host, library, versions
};

struct ClientCensus {
    std::vector<CensusGroup> groups; // most connections first
    long long connections = 0;
    long long hosts = 0;
    long long notIdentified = 0;
    std::map<std::string, long long> bySidekiqVersion; // connections per version Sidekiq stated
};

ClientCensus takeClientCensus(const std::vector<ClientEntry>& clients);
// CLIENT LIST, taken as a census. Throws kiq::redis::Error (a user without +client|list: NOPERM).
ClientCensus readClientCensus(redis::Client& client);

} // namespace kiq::server
