#include "harness/Ports.h"

#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiq::test {

bool portIsFree(int port)
{
    if (port <= 0 || port > 65535) return false;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    // No SO_REUSEADDR: a port with connections still in TIME_WAIT counts as busy, which is the
    // conservative answer.
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd, 1) == 0;
    ::close(fd);
    return ok;
}

int freePort(int bump)
{
    constexpr int first = 20000, last = 32767;
    static std::mutex mutex;
    static std::set<int> handedOut; // ports given to this process's servers, which may not be bound yet
    static std::mt19937 rng {std::random_device {}()};

    std::lock_guard lock(mutex);
    std::uniform_int_distribution<int> dist(first, last);
    for (int attempt = 0; attempt < 2000; ++attempt) {
        const int port = dist(rng);
        if (bump > 0 && port + bump > 65535) continue;
        if (handedOut.count(port) || (bump > 0 && handedOut.count(port + bump))) continue;
        if (!portIsFree(port) || (bump > 0 && !portIsFree(port + bump))) continue;
        handedOut.insert(port);
        if (bump > 0) handedOut.insert(port + bump);
        return port;
    }
    throw std::runtime_error("freePort: no free loopback port found");
}

} // namespace kiq::test
