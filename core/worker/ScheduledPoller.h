#pragma once
// Moves due jobs from `retry` and `schedule` to their queues: Sidekiq's Scheduled::Poller + Enq
// (scheduled.rb), safe beside real Sidekiq pollers on the same Redis.
//
// Lifecycle: start() → initial wait → loop { enqueue due jobs; random wait } → stop().
//   initial wait   10 s + rand(5 s); only rand(5 s) when pollIntervalAverage is set (6.4.1), and
//                  here at most the average itself, so a short test interval polls soon.
//   interval       average = pollIntervalAverage, or SCARD processes × averageScheduledPollInterval
//                  (5 s); with < 10 processes uniform in [avg/2, 1.5 avg), else in [0, avg). 6.4.1
//                  computes the process-count average once; this recomputes it each time (as 6.5.4+).
//   one pass       per set: ZRANGEBYSCORE <set> -inf <now> LIMIT 0 100, then one Lua call that, for
//                  each job, ZREMs it and only if that removed it LPUSHes the job with a fresh
//                  enqueued_at to queue:<its queue> and SADDs the queue name: Client.push's writes,
//                  done atomically with the pop. ZREM arbitrates against Sidekiq's own
//                  LUA_ZPOPBYSCORE, so a job is enqueued once; a crash between the two steps cannot
//                  lose it (Sidekiq's pop-then-push can). Repeats while a full page was due.
//   unreadable     a due entry that is not a JSON object (Sidekiq's Client.push would raise and drop
//                  it) goes to `dead` unchanged.
//   wrong types    key types are checked before the first write (LuaTypeGuard.h): a job whose queue
//                  (or `queues`) is not a list (a set) goes to `dead` unchanged and the error is
//                  logged; if `dead` is not a sorted set either, it stays where it is (logged at each
//                  pass; later pages are read past it). A set that is not a sorted set is skipped
//                  (logged): the other one is still polled.
// enqueued_at is written in the unit the job uses (float seconds for 6/7 jobs, ms for 8.x jobs).
//
// Own thread (std::jthread) and own redis::Client.

#include "worker/PoolContext.h"

#include <memory>
#include <thread>

namespace kiq::redis {
class Client;
}

namespace kiq::worker {

struct PollResult {
    long long enqueued = 0;
    long long toDead = 0; // unreadable, or their queue key has the wrong type
    long long kept = 0; // left in place: their queue key and `dead` both have the wrong type
};

class ScheduledPoller {
public:
    explicit ScheduledPoller(std::shared_ptr<PoolContext> context);
    ~ScheduledPoller();

    void start();
    void requestStop(); // wakes the thread; returns at once
    void stop(); // requestStop(), then joins the thread

    // One pass over retry and schedule with `client` (used by the thread; public for tests).
    static PollResult enqueueDue(redis::Client& client, const PoolContext& context, double nowSeconds);
    // The next wait, per the rules above.
    std::chrono::milliseconds randomPollInterval(redis::Client& client);

private:
    void run(std::stop_token stop);

    std::shared_ptr<PoolContext> m_ctx;
    std::jthread m_thread;
    std::mt19937_64 m_rng;
};

} // namespace kiq::worker
