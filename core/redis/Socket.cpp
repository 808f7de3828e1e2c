#include "Socket.h"

#include "Errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiq::redis {

namespace {
int remainingMs(Deadline deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return left > 1'000'000 ? 1'000'000 : int(left);
}

struct AddrInfoDeleter {
    void operator()(addrinfo* a) const { freeaddrinfo(a); }
};
} // namespace

Socket::Socket(const Endpoint& endpoint, Deadline deadline) : m_endpoint(endpoint)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(endpoint.port);
    if (int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw IoError(ErrorKind::Dns, "cannot resolve host '" + endpoint.host + "': " + gai_strerror(rc));
    std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);

    std::string lastError = "no address";
    ErrorKind lastKind = ErrorKind::Refused;
    for (addrinfo* a = list.get(); a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            lastError = std::strerror(errno);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int ready;
            do {
                ready = ::poll(&p, 1, remainingMs(deadline));
            } while (ready < 0 && errno == EINTR);
            if (ready == 0) {
                ::close(fd);
                throw TimeoutError("connecting to " + endpoint.toString() + " timed out");
            }
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err ? -1 : 0;
            errno = err;
        }
        if (rc == 0) {
            m_fd = fd;
            return;
        }
        lastKind = errno == ECONNREFUSED ? ErrorKind::Refused : ErrorKind::ConnectionLost;
        lastError = std::strerror(errno);
        ::close(fd);
    }
    if (lastKind == ErrorKind::Refused)
        throw IoError(ErrorKind::Refused, "connection refused by " + endpoint.toString() + " (is the server running on that port?)");
    throw IoError(lastKind, "cannot connect to " + endpoint.toString() + ": " + lastError);
}

Socket::~Socket()
{
    if (m_fd >= 0) ::close(m_fd);
}

void Socket::wait(short events, Deadline deadline, const char* what) const
{
    pollfd p{m_fd, events, 0};
    for (;;) {
        int ready = ::poll(&p, 1, remainingMs(deadline));
        if (ready > 0) return;
        if (ready == 0)
            throw TimeoutError(std::string("timed out ") + what + " " + m_endpoint.toString());
        if (errno != EINTR)
            throw IoError(ErrorKind::ConnectionLost, std::string("poll failed: ") + std::strerror(errno));
    }
}

bool Socket::idleReadable() const
{
    pollfd p{m_fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
}

void Socket::waitReadable(Deadline deadline, const char* what) const { wait(POLLIN, deadline, what); }
void Socket::waitWritable(Deadline deadline, const char* what) const { wait(POLLOUT, deadline, what); }

} // namespace kiq::redis
