#pragma once
// A connected, non-blocking TCP socket with deadline-bounded waits. Shared by the plain and TLS
// transports so both report refused/DNS/timeout failures the same way.

#include "redis/ConnectionOptions.h"
#include "redis/Transport.h"

#include <string>
#include <vector>

namespace kiq::redis {

// The addresses `endpoint.host` resolves to, numeric ("127.0.0.1", "::1"), as a connect would try them.
// Throws IoError (Dns) or TimeoutError like Socket; the connection doctor shows the lookup as its own step.
std::vector<std::string> resolveAddresses(const Endpoint& endpoint, Deadline deadline);

class Socket {
public:
    Socket(const Endpoint& endpoint, Deadline deadline); // resolves and connects; throws IoError
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    int fd() const { return m_fd; }
    const Endpoint& endpoint() const { return m_endpoint; }
    // Waits until the socket is readable (or writable); throws TimeoutError at the deadline.
    void waitReadable(Deadline deadline, const char* what) const;
    void waitWritable(Deadline deadline, const char* what) const;
    // Non-blocking check of an idle socket: readable means EOF, reset or unsolicited bytes.
    bool idleReadable() const;

private:
    void wait(short events, Deadline deadline, const char* what) const;

    int m_fd = -1;
    Endpoint m_endpoint;
};

} // namespace kiq::redis
