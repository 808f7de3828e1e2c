#pragma once
// A worker pool the app runs in its own process (the Local workers panel, the sandbox's demo pool),
// driven without blocking the caller: start(), quiet() and stop() only post a request to the pool's
// control thread (made by the first start()), which runs the blocking Launcher calls, one at a time. status() and log()
// are thread-safe snapshots for a viewer to poll.
//
// One LocalPool per Redis target in the process: forTarget() hands out the pool already made for the
// same target (ConnectionOptions::describe()), so the sandbox's pool and the sandbox deployment's
// panel are one pool, and two views of one Redis never start two pools unawares.
//
// Lifecycle: each start() runs a new Launcher (a Launcher runs once); counts and jobs in flight are
// those of the current or last run, the log spans runs. A TERM from Sidekiq's API (the Busy page's
// Stop) stops the pool like stop(). When the last owner lets go, the pool stops in the background and
// the control thread ends afterwards; stopAll() waits for every pool, such background stops included
// (the app calls it when quitting, before the sandbox's Redis goes away).
//
//     auto pool = LocalPool::forTarget(connection);
//     pool->start(spec.build());   // returns at once; status().state: Starting, then Running or Failed
//     pool->stop();                // returns at once; Stopping, then Stopped

#include "redis/ConnectionOptions.h"
#include "worker/PoolLog.h"
#include "worker/PoolSpec.h"
#include "worker/PoolState.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiq::worker {

struct LocalPoolStatus {
    enum class State { Stopped, Starting, Running, Quiet, Stopping, Failed };
    State state = State::Stopped;
    std::string error; // why the last start failed (Failed)
    std::string target; // ConnectionOptions::describe(), no password
    std::string note; // who started the current or last run, as given to start()
    std::optional<std::chrono::system_clock::time_point> startedAt;
    std::vector<std::string> queues; // the run's -q specs: "name" (strict) or "name,weight"
    bool strictOrder = true;
    std::optional<WorkerOptions> options; // the current or last run's settings
    PoolSnapshot pool; // identity, counts since start, busy, concurrency, jobs in flight

    // Start is possible (nothing running or on its way).
    bool idle() const { return state == State::Stopped || state == State::Failed; }
};

class LocalPool {
public:
    static constexpr std::size_t kLogCapacity = 2000;

    // The pool for this Redis target: the existing one if another owner holds it, else a new one.
    static std::shared_ptr<LocalPool> forTarget(const redis::ConnectionOptions& connection);
    // Stops every pool of the process; running jobs get `jobTimeout` (then they are pushed back).
    // Waits until all have stopped, at most jobTimeout plus the hard-stop grace. False if some had not.
    static bool stopAll(std::chrono::milliseconds jobTimeout);

    ~LocalPool(); // stops in the background, never waits
    LocalPool(const LocalPool&) = delete;
    LocalPool& operator=(const LocalPool&) = delete;

    // False (and nothing happens) unless idle(). `note` is shown with the status ("started by …").
    // `connection`, for this target (same describe()), replaces the one the pool was made with from this
    // run on: its password or client key may have been corrected since (an edited connection).
    bool start(PoolSetup setup, std::string note = {}, std::optional<redis::ConnectionOptions> connection = {});
    void quiet();
    void stop();

    LocalPoolStatus status() const;
    const PoolLog& log() const;
    redis::ConnectionOptions connection() const; // the current or next run's

    struct Engine; // the control thread's state; outlives this object while a stop is under way

private:
    explicit LocalPool(redis::ConnectionOptions connection);
    std::shared_ptr<Engine> m_engine;
};

} // namespace kiq::worker
