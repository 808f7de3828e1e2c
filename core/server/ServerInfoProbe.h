#pragma once
// The quick "is it there?" check behind the connection dialog's Test button and the sidebar's status
// dot: connect (TCP, TLS, AUTH, SELECT), then PING and INFO server in one round trip.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kiq::redis {
class Client;
struct ConnectionOptions;
} // namespace kiq::redis

namespace kiq::server {

struct ServerProbe {
    std::string redisVersion; // empty if INFO was refused (see infoError)
    std::string mode; // redis_mode: "standalone", "sentinel" or "cluster"
    std::string infoError; // why INFO server failed, when the user may PING but not INFO
    std::chrono::microseconds roundTrip {0}; // PING + INFO server, connecting excluded
    // Facts about this connection the user should see beside its status, in plain words: running as
    // `default` without a password, a Cluster namespace that breaks job actions (see below).
    std::vector<std::string> notes;
};

// On Redis Cluster (by configuration, or a node that says redis_mode:cluster), Sidekiq's keys of one
// namespace spread over slots unless the namespace holds a {hash tag}, and every multi-key action
// then fails with CROSSSLOT. Says which views and actions work; nullopt when nothing is wrong.
std::optional<std::string> clusterNamespaceWarning(const kiq::redis::ConnectionOptions& options, bool clusterMode);

// Throws kiq::redis::Error (with a readable message) if the server cannot be reached, refuses the
// credentials, or does not answer PING.
ServerProbe probeServer(kiq::redis::Client& client);

} // namespace kiq::server
