#pragma once
// A loopback TCP listener that never says anything, for timeout and "connection closed" tests:
// NeverAnswer accepts and keeps every connection open without writing a byte; CloseImmediately
// accepts and closes each connection at once.

#include <atomic>
#include <thread>
#include <vector>

namespace kiq::test {

class SilentServer {
public:
    enum class Mode { NeverAnswer, CloseImmediately };

    // Listens on a free 127.0.0.1 port at once (connections succeed from the constructor's return on),
    // accepting on a background thread. Throws std::runtime_error if it cannot listen.
    explicit SilentServer(Mode mode = Mode::NeverAnswer);
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
    int m_port = 0;
    int m_listenFd = -1;
    int m_wakeFds[2] = {-1, -1}; // self-pipe: the destructor writes to wake poll()
    std::atomic<int> m_accepted{0};
    std::atomic<long long> m_bytes{0};
    std::vector<int> m_clients; // touched only by the accept thread, closed after join
    std::thread m_thread;
};

} // namespace kiq::test
