#pragma once
// Jobs whose class has no handler, when the pool hands them back instead of failing them
// (WorkerOptions::failUnknownClasses off, the default): the pool may be one of several process kinds
// sharing the queues (the real Sidekiq still runs `HardJob`), so such a job goes back to its queue
// byte for byte, with no retry used and no error written.
//
// Shared by the pool's threads. A hand-back goes to the far (left) end, so the other jobs come first;
// once a queue gives a job that was already handed back with no handled job in between, it holds only
// unhandled jobs: it is not fetched from for a back-off period (5 s, doubling to 60 s; reset by a
// handled job), so the pool never loops on it.

#include "worker/PoolSpec.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::worker {

// Jobs waiting in a queue whose class a pool built from `setup` has no handler for.
struct UnhandledSample {
    std::string queue;
    std::string className;
    long long count = 0; // among the sampled jobs
};
// Before a start: the newest `perQueue` jobs of each of the setup's queues (one LRANGE each), with the
// handlers the Launcher would have (built-ins and the demo fallback included). Blocking: the panel runs
// it on its AsyncClient's thread. Sorted by queue, then class.
std::vector<UnhandledSample> sampleUnhandledClasses(
    redis::Client& client, const PoolSetup& setup, long long perQueue = 1000);

class UnhandledClasses {
public:
    using Clock = std::chrono::steady_clock;

    struct Note {
        bool firstOfClass = false; // log the class once
        std::chrono::milliseconds backOff {0}; // > 0: the queue is not fetched from for this long
        std::string counts; // "HardJob ×3, OtherJob ×1": jobs handed back so far
    };
    // A job of `className` from `queue` was handed back.
    Note handedBack(
        const std::string& queue, const std::string& className, const std::string& raw, Clock::time_point now);
    // A job with a handler came from `queue`: it is not (only) unhandled jobs.
    void handled(const std::string& queue);
    // Queues backed off at `now`.
    std::vector<std::string> backedOff(Clock::time_point now) const;
    // Each class handed back so far, with its number of hand-backs, by class name.
    std::vector<std::pair<std::string, long long>> counts() const;

private:
    struct QueueState {
        std::set<std::size_t> seen; // hashes of the jobs handed back since the last handled job
        int level = 0; // back-offs in a row
        Clock::time_point until {};
    };
    mutable std::mutex m_mutex;
    std::atomic<bool> m_any {false}; // keeps handled() off the mutex until a job was handed back
    std::map<std::string, QueueState> m_queues;
    std::map<std::string, long long> m_classes;
};

} // namespace kiq::worker
