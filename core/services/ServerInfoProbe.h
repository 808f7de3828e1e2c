#pragma once
// The quick "is it there?" check behind the connection dialog's Test button and the sidebar's status
// dot: connect (TCP, TLS, AUTH, SELECT), then PING and INFO server in one round trip.

#include <chrono>
#include <string>

namespace kiq::redis {
class Client;
}

namespace kiq::services {

struct ServerProbe {
    std::string redisVersion; // empty if INFO was refused (see infoError)
    std::string mode;         // redis_mode: "standalone", "sentinel" or "cluster"
    std::string infoError;    // why INFO server failed, when the user may PING but not INFO
    std::chrono::microseconds roundTrip{0}; // PING + INFO server, connecting excluded
};

// Throws kiq::redis::Error (with a readable message) if the server cannot be reached, refuses the
// credentials, or does not answer PING.
ServerProbe probeServer(kiq::redis::Client& client);

} // namespace kiq::services
