#include "harness/TcpProxy.h"

#include "harness/Ports.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiq::test {

namespace {
sockaddr_in loopback(int port)
{
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

bool sendAll(int fd, const char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}
} // namespace

TcpProxy::TcpProxy(int targetPort)
    : m_targetPort(targetPort)
{
    if (::pipe2(m_wakeFds, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::runtime_error(std::string("TcpProxy: pipe2: ") + std::strerror(errno));
    for (int attempt = 0; attempt < 20 && m_listenFd < 0; ++attempt) {
        const int port = freePort();
        // CLOEXEC so the listener never leaks into a redis-server forked meanwhile.
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) break;
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        const sockaddr_in addr = loopback(port);
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd, 64) == 0) {
            m_listenFd = fd;
            m_port = port;
        } else {
            ::close(fd); // taken between freePort() and bind(): try another
        }
    }
    if (m_listenFd < 0) {
        ::close(m_wakeFds[0]);
        ::close(m_wakeFds[1]);
        throw std::runtime_error("TcpProxy: cannot listen on a loopback port");
    }
    m_thread = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    wake();
    m_thread.join();
    for (const Pair& p : m_pairs) {
        ::close(p.client);
        ::close(p.server);
    }
    ::close(m_listenFd);
    ::close(m_wakeFds[0]);
    ::close(m_wakeFds[1]);
}

void TcpProxy::wake()
{
    const char byte = 0;
    [[maybe_unused]] auto n = ::write(m_wakeFds[1], &byte, 1);
}

void TcpProxy::passThrough()
{
    {
        std::lock_guard lock(m_mutex);
        m_mode = Mode::PassThrough;
    }
    wake();
}

void TcpProxy::stall()
{
    {
        std::lock_guard lock(m_mutex);
        m_mode = Mode::Stall;
    }
    wake();
}

void TcpProxy::cutReplyAfter(long long bytes)
{
    {
        std::lock_guard lock(m_mutex);
        m_mode = Mode::Cut;
        m_cutBudget = std::max(0LL, bytes);
    }
    wake();
}

bool TcpProxy::forward(int from, int to, bool toClient)
{
    char buffer[64 * 1024];
    long long budget = -1; // bytes left before a cut; -1: no cut pending
    if (toClient) {
        std::lock_guard lock(m_mutex);
        if (m_mode == Mode::Cut) budget = m_cutBudget;
    }
    const std::size_t limit = budget < 0 ? sizeof buffer : std::size_t(std::min<long long>(budget, sizeof buffer));
    if (limit > 0) {
        ssize_t n;
        do {
            n = ::recv(from, buffer, limit, 0);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) return false;
        if (!sendAll(to, buffer, std::size_t(n))) return false;
        if (toClient) m_toClients += n;
        if (budget > 0) budget -= n;
    }
    if (budget < 0) return true;
    std::lock_guard lock(m_mutex);
    if (m_mode != Mode::Cut) return true; // changed meanwhile by the test
    if (budget > 0) {
        m_cutBudget = budget;
        return true;
    }
    m_mode = Mode::PassThrough;
    ++m_cuts;
    return false;
}

void TcpProxy::run()
{
    for (;;) {
        Mode mode;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) return;
            mode = m_mode;
        }
        std::vector<pollfd> fds {{m_wakeFds[0], POLLIN, 0}, {m_listenFd, POLLIN, 0}};
        // Stalled: the pairs are not polled, so nothing is read or forwarded.
        if (mode != Mode::Stall)
            for (const Pair& p : m_pairs) {
                fds.push_back({p.client, POLLIN, 0});
                fds.push_back({p.server, POLLIN, 0});
            }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[0].revents) {
            char drain[64];
            while (::read(m_wakeFds[0], drain, sizeof drain) > 0) { }
        }
        const std::size_t polled = mode == Mode::Stall ? 0 : m_pairs.size(); // fds[2..] belong to these
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                ++m_accepted;
                const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                const sockaddr_in addr = loopback(m_targetPort);
                if (server >= 0 && ::connect(server, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
                    const int one = 1;
                    ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    m_pairs.push_back({client, server});
                } else {
                    // The server is down: the client sees its connection closed, as through a real hop.
                    if (server >= 0) ::close(server);
                    ::close(client);
                }
            }
        }
        if (mode == Mode::Stall) continue;
        std::vector<Pair> alive(m_pairs.begin() + std::ptrdiff_t(polled), m_pairs.end()); // just accepted
        for (std::size_t i = 0; i < polled; ++i) {
            const Pair p = m_pairs[i];
            const short clientEvents = fds[2 + 2 * i].revents;
            const short serverEvents = fds[3 + 2 * i].revents;
            bool open = true;
            if (clientEvents & (POLLIN | POLLHUP | POLLERR)) open = forward(p.client, p.server, false);
            if (open && (serverEvents & (POLLIN | POLLHUP | POLLERR))) open = forward(p.server, p.client, true);
            if (open) {
                alive.push_back(p);
            } else {
                ::close(p.client);
                ::close(p.server);
            }
        }
        m_pairs = std::move(alive);
    }
}

} // namespace kiq::test
