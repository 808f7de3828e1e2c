#pragma once
// A byte stream to one server: plain TCP or TLS. The connection above never sees a socket or an SSL*.
// All calls take an absolute deadline and throw TimeoutError when it passes, so no call can hang.

#include "redis/ConnectionOptions.h"

#include <chrono>
#include <cstddef>
#include <memory>

namespace kiq::redis {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class Transport {
public:
    virtual ~Transport() = default;
    // Reads at least one byte; throws IoError on EOF ("connection closed by server") or failure.
    virtual std::size_t readSome(char* buffer, std::size_t size, Deadline deadline) = 0;
    virtual void writeAll(const char* data, std::size_t size, Deadline deadline) = 0;
    // True if bytes are already buffered and a read would not block (TLS keeps its own buffer).
    virtual bool hasBufferedData() const { return false; }
    // For an idle connection: true if the server has closed it (or sent something unsolicited), so
    // the caller can reconnect before sending instead of losing a command to a dead socket.
    virtual bool peerClosed() const = 0;
    virtual std::string peerDescription() const = 0;
};

// Resolves, connects (non-blocking connect with deadline), and wraps in TLS when options.tls.enabled.
std::unique_ptr<Transport> openTransport(const Endpoint& endpoint, const TlsOptions& tls, Deadline deadline);

} // namespace kiq::redis
