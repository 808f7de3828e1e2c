#include "harness/SilentServer.h"

#include "harness/Ports.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiq::test {

namespace {
// Blocking is fine: the answers are small and the client is reading.
void writeAll(int fd, const std::string& bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += std::size_t(n);
    }
}
} // namespace

SilentServer::SilentServer(Mode mode, std::string answer)
    : m_mode(mode)
    , m_answer(std::move(answer))
{
    if (::pipe2(m_wakeFds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("SilentServer: pipe2: ") + std::strerror(errno));
    for (int attempt = 0; attempt < 20 && m_listenFd < 0; ++attempt) {
        const int port = freePort();
        // CLOEXEC so the listener never leaks into a redis-server forked meanwhile.
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) break;
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd, 64) == 0) {
            m_listenFd = fd;
            m_port = port;
        } else {
            ::close(fd); // taken between freePort() and bind(): try another
        }
    }
    if (m_listenFd < 0) {
        ::close(m_wakeFds[0]);
        ::close(m_wakeFds[1]);
        throw std::runtime_error("SilentServer: cannot listen on a loopback port");
    }
    m_thread = std::thread([this] { run(); });
}

SilentServer::~SilentServer()
{
    const char byte = 0;
    [[maybe_unused]] auto n = ::write(m_wakeFds[1], &byte, 1);
    m_thread.join();
    for (int fd : m_clients) ::close(fd);
    ::close(m_listenFd);
    ::close(m_wakeFds[0]);
    ::close(m_wakeFds[1]);
}

void SilentServer::run()
{
    for (;;) {
        std::vector<pollfd> fds {{m_wakeFds[0], POLLIN, 0}, {m_listenFd, POLLIN, 0}};
        for (int fd : m_clients) fds.push_back({fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[0].revents) return; // woken by the destructor
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                ++m_accepted;
                if (m_mode == Mode::CloseImmediately)
                    ::close(client);
                else
                    m_clients.push_back(client);
            }
        }
        // Drain what clients send; forget those that hung up (only AnswerOnce ever writes).
        for (size_t i = 2; i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            char buf[4096];
            const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                m_bytes += n;
                if (m_mode == Mode::AnswerOnce && m_answered.insert(fds[i].fd).second) writeAll(fds[i].fd, m_answer);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                ::close(fds[i].fd);
                m_answered.erase(fds[i].fd);
                std::erase(m_clients, fds[i].fd);
            }
        }
    }
}

} // namespace kiq::test
