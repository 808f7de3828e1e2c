#pragma once
// A loopback TCP listener that never says anything useful, for timeout, "connection closed" and
// hostile-server tests: NeverAnswer accepts and keeps every connection open without writing a byte;
// CloseImmediately accepts and closes each connection at once; AnswerOnce writes the given bytes the
// first time a connection sends something (whatever it asked), then stays silent.

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace kiq::test {

class SilentServer {
public:
    enum class Mode { NeverAnswer, CloseImmediately, AnswerOnce };

    // Listens on a free 127.0.0.1 port at once (connections succeed from the constructor's return on),
    // accepting on a background thread. Throws std::runtime_error if it cannot listen.
    explicit SilentServer(Mode mode = Mode::NeverAnswer, std::string answer = {});
    ~SilentServer(); // stops the thread and closes every socket
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;

    int port() const { return m_port; }
    Mode mode() const { return m_mode; }
    int acceptedCount() const { return m_accepted.load(); } // connections accepted so far
    // Bytes received from clients so far (NeverAnswer mode reads and discards them, so a client's
    // writes never block on a full buffer).
    long long bytesReceived() const { return m_bytes.load(); }

private:
    void run();

    Mode m_mode;
    std::string m_answer;
    int m_port = 0;
    int m_listenFd = -1;
    int m_wakeFds[2] = {-1, -1}; // self-pipe: the destructor writes to wake poll()
    std::atomic<int> m_accepted {0};
    std::atomic<long long> m_bytes {0};
    std::vector<int> m_clients; // touched only by the accept thread, closed after join
    std::set<int> m_answered; // AnswerOnce: connections already answered (accept thread only)
    std::thread m_thread;
};

} // namespace kiq::test
