#pragma once
// A loopback TCP proxy between a client under test and a real server, for fault injection. It runs
// on a thread of its own, so the client's thread sees only what a network would do to it:
//
//   pass-through  bytes flow both ways (the initial mode);
//   stall         nothing is forwarded in either direction, connections stay open (a hung server
//                 or a dead network path that TCP has not noticed yet);
//   cut           the next server bytes are forwarded up to N, then that connection is closed on
//                 both sides (a server or link dying in the middle of a reply). One-shot: the proxy
//                 is back in pass-through afterwards, so the client's reconnect gets through.
//
// Bytes a stalled client sent stay queued in the proxy and are forwarded when it passes through
// again, unless the client closed that connection first: a real network behaves the same way.

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace kiq::test {

class TcpProxy {
public:
    // Listens on a free 127.0.0.1 port at once; each accepted connection is connected to
    // 127.0.0.1:targetPort. Throws std::runtime_error if it cannot listen.
    explicit TcpProxy(int targetPort);
    ~TcpProxy(); // stops the thread and closes every socket
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    int port() const { return m_port; }

    void passThrough();
    void stall();
    // Forward at most `bytes` more bytes from the server on the next connection that gets any, then
    // close that connection (client and server side) and return to pass-through.
    void cutReplyAfter(long long bytes);

    int acceptedCount() const { return m_accepted.load(); }
    int cutCount() const { return m_cuts.load(); } // connections cut so far
    long long bytesToClients() const { return m_toClients.load(); }

private:
    enum class Mode { PassThrough, Stall, Cut };
    struct Pair {
        int client = -1;
        int server = -1;
    };

    void run();
    void wake();
    // Moves what is readable on `from` to `to`; false when the connection must be closed.
    bool forward(int from, int to, bool toClient);

    int m_targetPort;
    int m_port = 0;
    int m_listenFd = -1;
    int m_wakeFds[2] = {-1, -1}; // self-pipe: mode changes and the destructor wake poll()
    std::mutex m_mutex; // guards m_mode and m_cutBudget
    Mode m_mode = Mode::PassThrough;
    long long m_cutBudget = 0;
    bool m_stopping = false;
    std::atomic<int> m_accepted {0};
    std::atomic<int> m_cuts {0};
    std::atomic<long long> m_toClients {0};
    std::vector<Pair> m_pairs; // touched only by the proxy thread
    std::thread m_thread;
};

} // namespace kiq::test
