#pragma once
// What a running pool is doing, for the heartbeat (busy count, the work hash, stats to flush) and for
// the app's worker panel (snapshot()). Counters are injected into the processors rather than being
// process globals (unlike processor.rb's PROCESSED/FAILURE), so two pools in one process stay apart.
//
// Thread-safe. Each processor owns one slot; begin/end lock only that slot, so processors do not
// contend with each other. snapshot() and work() lock the slots one at a time: a live view, which may
// be a few microseconds out of date between slots.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiq::worker {

struct InFlightJob {
    int processor = 0;
    std::string threadId; // the work-hash field for this processor (base-36, like Sidekiq's tid)
    std::string jid;
    std::string className;
    std::string queue;
    std::chrono::system_clock::time_point startedAt;
    std::string payload; // the raw job string (Sidekiq's work entry stores it double-encoded)
};

struct PoolSnapshot {
    std::string identity;
    bool running = false;
    bool quiet = false;
    long long processed = 0; // executions since start, failures included (Sidekiq's stat:processed)
    long long failed = 0;
    int busy = 0;
    int concurrency = 0;
    std::vector<InFlightJob> inFlight; // ordered by processor
    // Classes without a handler whose jobs went back to their queue, with how many hand-backs so far.
    std::vector<std::pair<std::string, long long>> handedBack;
};

class PoolState {
public:
    explicit PoolState(int processors);

    void begin(int processor, InFlightJob job);
    void end(int processor, bool failed);

    // Jobs in progress now (the heartbeat's work hash and busy count).
    std::vector<InFlightJob> inFlight() const;
    int busy() const { return m_busy.load(std::memory_order_relaxed); }

    long long processed() const { return m_processed.load(std::memory_order_relaxed); }
    long long failed() const { return m_failed.load(std::memory_order_relaxed); }

    // Counts not yet written to stat:*: taken by the heartbeat; given back if the write failed.
    struct Unflushed {
        long long processed = 0;
        long long failed = 0;
    };
    Unflushed takeUnflushed();
    void restoreUnflushed(Unflushed counts);

private:
    struct Slot {
        mutable std::mutex mutex;
        std::optional<InFlightJob> job;
    };
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::atomic<int> m_busy {0};
    std::atomic<long long> m_processed {0}, m_failed {0};
    std::atomic<long long> m_unflushedProcessed {0}, m_unflushedFailed {0};
};

} // namespace kiq::worker
