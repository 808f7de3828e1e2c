#pragma once
// A long operation paced for a shared Redis must not hold that Redis through its own CPU work either.
// When Redis runs on the same host (the sandbox, or kiqdesk-cli run on the Redis machine during an
// incident), parsing a page of jobs for a millisecond or two keeps a core the server needs: measured
// on a 2-core machine, another client's PING waited behind our parsing until our next call (p99
// 2.1 ms); with the operation's thread at nice 10 the scheduler runs the server first (p99 0.7 ms) and
// the operation is no slower on an idle machine.
//
//     const util::BackgroundPriority lowered(!budget.unlimited); // the calling thread at nice 10
//     runPagedWork();

namespace kiq::util {

class BackgroundPriority {
public:
    static constexpr int kNice = 10;

    // With `lower`, lowers the calling thread to kNice for the object's lifetime (no change if it
    // already runs that low). An unprivileged thread may not raise its priority again (RLIMIT_NICE is
    // 0 by default): there the priority is lowered only if keeping it is allowed, since a shared
    // thread (the app's connection threads) must not stay slow for every later task.
    explicit BackgroundPriority(bool lower);
    ~BackgroundPriority();
    BackgroundPriority(const BackgroundPriority&) = delete;
    BackgroundPriority& operator=(const BackgroundPriority&) = delete;

    // For a thread that only ever does background work (an index's own connection, a pool thread
    // sorting an index): lowers it to kNice for good. False if the system refused.
    static bool lowerForGood();
    // For a one-shot process (kiqdesk-cli): its threads end with its command, so they may stay
    // lowered where they cannot be restored.
    static void allowKeeping();

    bool lowered() const { return m_lowered; }
    // The calling thread's nice value.
    static int currentNice();

private:
    int m_before = 0;
    bool m_lowered = false;
    bool m_restore = false;
};

} // namespace kiq::util
