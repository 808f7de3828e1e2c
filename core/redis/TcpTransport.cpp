#include "redis/TcpTransport.h"

#include "redis/Errors.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace kiq::redis {

std::size_t TcpTransport::readSome(char* buffer, std::size_t size, Deadline deadline)
{
    for (;;) {
        ssize_t n = ::recv(m_socket.fd(), buffer, size, 0);
        if (n > 0) return std::size_t(n);
        if (n == 0) throw IoError(ErrorKind::ConnectionLost, "connection closed by server " + peerDescription());
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_socket.waitReadable(deadline, "waiting for a reply from");
            continue;
        }
        if (errno == EINTR) continue;
        throw IoError(
            ErrorKind::ConnectionLost, "connection to " + peerDescription() + " lost: " + std::strerror(errno));
    }
}

void TcpTransport::writeAll(const char* data, std::size_t size, Deadline deadline)
{
    while (size > 0) {
        ssize_t n = ::send(m_socket.fd(), data, size, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= std::size_t(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_socket.waitWritable(deadline, "sending to");
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        throw IoError(ErrorKind::ConnectionLost,
            "connection to " + peerDescription() + " lost while sending: " + std::strerror(errno));
    }
}

} // namespace kiq::redis
