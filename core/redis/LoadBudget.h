#pragma once
// How much of a Redis server one long operation (a bulk action, an index build, a sample of job data)
// may take, and the pacer that holds it to that. Redis runs one command at a time: while one of our
// calls runs, every other client waits behind it, so the budget bounds each call's time on the server
// and the share of each second we keep it busy.
//
// The pacer learns the cost per item of each kind of call (a page read, a chunk of writes) from round
// trips: a call's cost is its round trip less the idle round trip (the best PING time, so network
// distance is not mistaken for work). Calls are then sized to take about `callMs`, and after each one
// the pacer waits so our calls fill at most `share` of the wall time. Every quarter second it sends a
// PING between calls, at a random moment: when that waits over a millisecond longer than the idle
// round trip, someone else keeps the server busy, and the pacer halves its share (down to 1/16); a
// probe answered promptly doubles it again.
//
// A round trip also holds the time we spend receiving and parsing the reply, which is not the
// server's. Where INFO is allowed, each probe also reads the main thread's CPU time (INFO cpu): over
// the last quarter second, the server spent that much while our calls were charged so much, and the
// share is kept on the server's own figure (never less than half the round trips, never more than
// them: another client's work on the server makes us gentler, not bolder). Call sizes stay on round
// trips, the cautious bound on how long one call may hold the server.
//
//     redis::LoadPacer pacer(profile.loadBudget());
//     const auto probe = redis::LoadPacer::probeOf(client);
//     for (;;) {
//         const std::size_t n = pacer.size(LoadPacer::Read, 1000);
//         const auto reply = pacer.call(LoadPacer::Read, probe, [&] { return client.command(page(n)); },
//             [](const redis::Reply& r) { return r.elements.size(); });
//         …
//     }

#include "redis/Client.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>

namespace kiq::redis {

struct LoadBudget {
    double callMs = 1.0; // one call holds the server about this long at most
    double share = 1.0; // of each second, at most this much server time (0 < share <= 1)
    // Neither bound: the caller's own fixed chunks, pipelined back to back (the fastest, and the
    // heaviest on everyone else).
    bool unlimited = false;

    static constexpr double kDefaultCallMs = 1.0;
    static constexpr double kMinCallMs = 0.2;
    static constexpr double kMaxCallMs = 50;

    bool operator==(const LoadBudget&) const = default;

    static LoadBudget none();
    static LoadBudget ofShare(double share, double callMs = kDefaultCallMs);
    // "25% of Redis time, calls of 1 ms" / "unlimited", as the CLI announces a run.
    std::string describe() const;
};

// What an operation has cost so far.
struct LoadReport {
    double elapsedSeconds = 0; // wall time since the pacer started
    double redisSeconds = 0; // server time charged to our calls
    double baselineMs = 0; // the idle round trip
    double latencyMs = 0; // the last probe's round trip
    bool slowed = false; // backing off: the server answered the probe late
    long long calls = 0;

    double shareUsed() const { return elapsedSeconds > 0 ? redisSeconds / elapsedSeconds : 0; }
    // "slowed: server latency 4.2 ms" while backing off, else empty.
    std::string slowedNote() const;
};

class LoadPacer {
public:
    // Kinds of call, each with its own cost per item: pages of members read, jobs written, cheap
    // checks (ZCOUNT and the like) pipelined.
    enum Kind { Read, Write, Check, kKinds };

    explicit LoadPacer(LoadBudget budget);

    const LoadBudget& budget() const { return m_budget; }

    // Sends one command (PING, INFO cpu) on the connection the operation uses, so it reaches the node
    // the operation works on, and returns its reply.
    using Probe = std::function<Reply(const Command&)>;
    static Probe probeOf(Client& client);
    // The main thread's CPU seconds from an INFO cpu reply (the process's before Redis 6.2), or none.
    static std::optional<double> serverCpuSeconds(const Reply& info);

    // Measures the idle round trip (a few PINGs). Before the first call; pace() calls it if needed.
    void calibrate(const Probe& probe);
    // Items the next call of this kind should carry: about callMs of server time, at most `most`, at
    // most twice the last size (so a wrong guess is never a long call), and a small first call.
    std::size_t size(Kind kind, std::size_t most) const;
    // A call done: `items` carried, `roundTrip` its duration on our side.
    void charge(Kind kind, std::size_t items, std::chrono::steady_clock::duration roundTrip);
    // Before the next call: waits so the share holds, and probes the latency now and then.
    void pace(const Probe& probe);

    // One call under the budget: pace(), then `send`, charged by `itemsOf(what send returned)`.
    template <class Send, class ItemsOf>
    auto call(Kind kind, const Probe& probe, Send&& send, ItemsOf&& itemsOf) -> decltype(send())
    {
        pace(probe);
        const auto sent = std::chrono::steady_clock::now();
        auto reply = send();
        charge(kind, itemsOf(reply), std::chrono::steady_clock::now() - sent);
        return reply;
    }
    // The same for an operation whose pacer is optional: without one, `send` alone.
    template <class Send, class ItemsOf>
    static auto call(LoadPacer* pacer, Kind kind, const Probe& probe, Send&& send, ItemsOf&& itemsOf)
        -> decltype(send())
    {
        return pacer ? pacer->call(kind, probe, std::forward<Send>(send), std::forward<ItemsOf>(itemsOf)) : send();
    }

    LoadReport report() const;

    // For an operation whose pacer is optional (null: unlimited): a new pacer when the budget
    // changed; an unchanged one keeps what it has learnt.
    static void rebudget(std::unique_ptr<LoadPacer>& pacer, const LoadBudget& budget);

private:
    void sampleLatency(const Probe& probe);
    void sampleServerCpu(const Probe& probe);
    double effectiveShare() const;

    LoadBudget m_budget;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_lastStart; // when the last call was sent
    std::chrono::steady_clock::duration m_overslept {}; // how late the last wait ended
    std::chrono::steady_clock::time_point m_lastProbe;
    double m_lastCostMs = 0; // the last call's server time
    double m_roundTripMs = 0; // all calls' round trips less the idle one
    // Server time per round-trip time, from INFO cpu; the samples it was last measured from.
    double m_serverRatio = 1;
    bool m_serverCpuKnown = true; // false once INFO was refused or had no CPU figures
    double m_serverCpuAt = -1; // seconds, -1: not sampled yet
    double m_roundTripAt = 0;
    double m_baselineMs = -1; // -1: not calibrated
    double m_latencyMs = 0;
    double m_backoff = 1; // share divided by this while the server is busy with others
    double m_redisMs = 0;
    long long m_calls = 0;
    double m_msPerItem[kKinds] = {}; // 0: not measured yet
    std::size_t m_lastSize[kKinds] = {};
    std::minstd_rand m_random; // the probe's moment
};

} // namespace kiq::redis
