#pragma once
// A Sidekiq-compatible worker pool: owns the processors, the scheduled poller and the heartbeat
// (launcher.rb + manager.rb). Shares a Redis with real Sidekiq 6.4.1 processes: same queues, same
// retry/dead/schedule sets, same heartbeat and stats; Sidekiq's API and Web UI list it as a process.
//
// Lifecycle:
//   start()        connects, checks the server (Redis 6.2+, not Cluster), writes the first heartbeat
//                  (which registers the in-progress lists), runs one orphan-recovery pass, then starts
//                  the heartbeat, the poller and `concurrency` processors.
//   quiet()        stops fetching (TSTP): running jobs finish, fetched-but-unstarted jobs go back to
//                  their queues; the heartbeat keeps beating with quiet=true.
//   stop(timeout)  quiet, then waits up to `timeout` for running jobs. Jobs still running after that
//                  are pushed back to the right end of their queues (they were still in the in-progress
//                  lists, so nothing is lost), their handlers are told to give up (JobContext::hardStop,
//                  external commands are killed) and get 3 more seconds; a thread still inside a handler
//                  after that is detached and writes nothing more. Then the last stats flush, SREM
//                  processes, UNLINK of the work hashes, removal of the registry entry.
//   ~Launcher()    stop() with the configured timeout if still running.
// The log sink is called from the pool's threads, including a detached one that outlives the Launcher:
// it must be thread-safe and must not refer to objects that die with the Launcher's owner.
// A TERM signal from Sidekiq's API (Process#stop!) does not stop the pool by itself: it sets
// stopRequested() and calls onStopRequested, and the owner calls stop() (from its own thread).
//
//     HandlerRegistry handlers;
//     handlers.add("EchoJob", [](const JobContext& ctx) { ... });
//     Launcher pool(connectionOptions, options, std::move(handlers));
//     pool.start();
//     pool.waitForStopRequest();   // TERM via the API, or your own signal handling
//     pool.stop();

#include "redis/ConnectionOptions.h"
#include "worker/HandlerRegistry.h"
#include "worker/Log.h"
#include "worker/OrphanRecovery.h"
#include "worker/PoolContext.h"
#include "worker/PoolState.h"
#include "worker/WorkerOptions.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::worker {

class Heartbeat;
class Processor;
class ScheduledPoller;

class Launcher {
public:
    // `sink` receives the pool's log lines at options.logLevel and above (default: stderr).
    Launcher(redis::ConnectionOptions connection, WorkerOptions options, HandlerRegistry handlers, LogSink sink = {});
    ~Launcher();
    Launcher(const Launcher&) = delete;
    Launcher& operator=(const Launcher&) = delete;

    // Throws redis::Error (cannot reach Redis) or redis::UsageError (unsupported server, or this
    // Launcher already ran: create a new one to start again).
    void start();
    void quiet();
    void stop();
    void stop(std::chrono::milliseconds timeout);

    const std::string& identity() const;
    bool running() const;
    bool quieted() const;
    PoolSnapshot snapshot() const;
    const RecoveryReport& startupRecovery() const { return m_startupRecovery; }

    // TERM from the API: the owner should call stop().
    bool stopRequested() const;
    bool waitForStopRequest(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    void requestStop(); // the same, from the owner's own signal handling
    void setOnStopRequested(std::function<void()> callback);

    // What every thread is doing (TTIN), one line each.
    std::vector<std::string> threadDump() const;

private:
    void onSignal(const std::string& signal, redis::Client& client);
    void quietWith(redis::Client* client); // client: wakes idle threads (CLIENT UNBLOCK)
    static void unblock(redis::Client& client, const std::vector<std::shared_ptr<Processor>>& processors);

    std::shared_ptr<PoolContext> m_ctx;
    std::unique_ptr<redis::Client> m_client; // the launcher's own: start-up, requeue at stop, clear
    std::unique_ptr<Heartbeat> m_heartbeat;
    std::unique_ptr<ScheduledPoller> m_poller;
    std::vector<std::shared_ptr<Processor>> m_processors;
    RecoveryReport m_startupRecovery;

    mutable std::mutex m_mutex;
    std::condition_variable m_stopCv;
    bool m_running = false;
    bool m_started = false; // a Launcher runs once
    bool m_stopRequested = false;
    std::function<void()> m_onStopRequested;
    std::mutex m_lifecycleMutex; // start/quiet/stop
};

} // namespace kiq::worker
