#include "redis/Socket.h"

#include "redis/Errors.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>

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
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

// One name lookup, shared by the waiting caller and the thread that runs it; whoever is last frees it.
struct Lookup {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    int rc = 0;
    addrinfo* result = nullptr;
    ~Lookup()
    {
        if (result) freeaddrinfo(result);
    }
};

// getaddrinfo has no timeout of its own (the resolver may wait 5 s per attempt and server), so a name
// is looked up on a helper thread and waited for only until the connect deadline. A lookup that is
// given up on finishes alone and frees its result. IP literals are converted here, without a thread.
AddrInfoList resolve(const Endpoint& endpoint, Deadline deadline)
{
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const std::string port = std::to_string(endpoint.port);
    addrinfo numeric = hints;
    numeric.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    if (getaddrinfo(endpoint.host.c_str(), port.c_str(), &numeric, &found) == 0) return AddrInfoList(found);

    auto lookup = std::make_shared<Lookup>();
    try {
        std::thread([lookup, host = endpoint.host, port, hints] {
            addrinfo* result = nullptr;
            const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &result);
            std::lock_guard lock(lookup->mutex);
            lookup->rc = rc;
            lookup->result = result;
            lookup->done = true;
            lookup->finished.notify_all();
        }).detach();
    } catch (const std::system_error& e) {
        throw IoError(
            ErrorKind::Dns, "cannot resolve host '" + endpoint.host + "': no thread for the lookup (" + e.what() + ")");
    }
    std::unique_lock lock(lookup->mutex);
    if (!lookup->finished.wait_until(lock, deadline, [&] { return lookup->done; }))
        throw TimeoutError(
            "resolving host '" + endpoint.host + "' timed out (DNS gave no answer within the connect timeout)");
    if (lookup->rc != 0)
        throw IoError(ErrorKind::Dns, "cannot resolve host '" + endpoint.host + "': " + gai_strerror(lookup->rc));
    return AddrInfoList(std::exchange(lookup->result, nullptr));
}
} // namespace

std::vector<std::string> resolveAddresses(const Endpoint& endpoint, Deadline deadline)
{
    std::vector<std::string> out;
    const AddrInfoList list = resolve(endpoint, deadline);
    for (addrinfo* a = list.get(); a; a = a->ai_next) {
        char host[NI_MAXHOST];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) continue;
        if (std::find(out.begin(), out.end(), host) == out.end()) out.emplace_back(host);
    }
    return out;
}

Socket::Socket(const Endpoint& endpoint, Deadline deadline)
    : m_endpoint(endpoint)
{
    const AddrInfoList list = resolve(endpoint, deadline);

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
            pollfd p {fd, POLLOUT, 0};
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
        throw IoError(ErrorKind::Refused,
            "connection refused by " + endpoint.toString() + " (is the server running on that port?)");
    throw IoError(lastKind, "cannot connect to " + endpoint.toString() + ": " + lastError);
}

Socket::~Socket()
{
    if (m_fd >= 0) ::close(m_fd);
}

void Socket::wait(short events, Deadline deadline, const char* what) const
{
    pollfd p {m_fd, events, 0};
    for (;;) {
        int ready = ::poll(&p, 1, remainingMs(deadline));
        if (ready > 0) return;
        if (ready == 0) throw TimeoutError(std::string("timed out ") + what + " " + m_endpoint.toString());
        if (errno != EINTR)
            throw IoError(ErrorKind::ConnectionLost, std::string("poll failed: ") + std::strerror(errno));
    }
}

bool Socket::idleReadable() const
{
    pollfd p {m_fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
}

void Socket::waitReadable(Deadline deadline, const char* what) const
{
    wait(POLLIN, deadline, what);
}
void Socket::waitWritable(Deadline deadline, const char* what) const
{
    wait(POLLOUT, deadline, what);
}

} // namespace kiq::redis
