#pragma once
// Plain TCP transport.

#include "redis/Socket.h"
#include "redis/Transport.h"

namespace kiq::redis {

class TcpTransport final : public Transport {
public:
    TcpTransport(const Endpoint& endpoint, Deadline deadline)
        : m_socket(endpoint, deadline)
    {
    }
    std::size_t readSome(char* buffer, std::size_t size, Deadline deadline) override;
    void writeAll(const char* data, std::size_t size, Deadline deadline) override;
    bool peerClosed() const override { return m_socket.idleReadable(); }
    std::string peerDescription() const override { return m_socket.endpoint().toString(); }

private:
    Socket m_socket;
};

} // namespace kiq::redis
