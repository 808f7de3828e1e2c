#include "redis/LoadBudget.h"

#include "util/ParseNumber.h"
#include "util/TextLines.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace kiq::redis {

namespace {
using Clock = std::chrono::steady_clock;

constexpr std::size_t kFirstSize = 16; // before anything is measured
constexpr auto kProbeEvery = std::chrono::milliseconds(250);
constexpr double kBusyMs = 1.0; // a probe this much above the idle round trip: someone else is busy
constexpr double kMaxBackoff = 16;
// Below this much charged round-trip time since the last sample, the CPU figures are mostly noise.
constexpr double kMinSampleMs = 20;
constexpr double kMinServerRatio = 0.5;
constexpr std::chrono::microseconds kMaxOversleep(500); // more is the scheduler's pause, not slack

double msOf(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}
} // namespace

LoadBudget LoadBudget::none()
{
    LoadBudget b;
    b.unlimited = true;
    return b;
}

LoadBudget LoadBudget::ofShare(double share, double callMs)
{
    LoadBudget b;
    b.share = std::clamp(share, 0.01, 1.0);
    b.callMs = std::clamp(callMs, kMinCallMs, kMaxCallMs);
    return b;
}

std::string LoadBudget::describe() const
{
    if (unlimited) return "unlimited";
    char text[96];
    std::snprintf(text, sizeof text, "%.0f%% of Redis time, calls of %g ms", share * 100, callMs);
    return text;
}

std::string LoadReport::slowedNote() const
{
    if (!slowed) return {};
    char text[64];
    std::snprintf(text, sizeof text, "slowed: server latency %.1f ms", latencyMs);
    return text;
}

LoadPacer::LoadPacer(LoadBudget budget)
    : m_budget(budget)
    , m_started(Clock::now())
    , m_lastStart(m_started)
    , m_lastProbe(m_started)
    , m_random(static_cast<std::uint32_t>(m_started.time_since_epoch().count()))
{
}

LoadPacer::Probe LoadPacer::probeOf(Client& client)
{
    // On Cluster a command without a key may reach another node than the one the operation works on,
    // whose CPU figures would not be the ones it spends: there only the PING goes out.
    const bool cluster = client.options().topology == Topology::Cluster;
    return [&client, cluster](const Command& c) {
        if (cluster && c.name() != "PING") return Reply::error("ERR not sent: a keyless probe on Cluster");
        return client.command(c);
    };
}

std::optional<double> LoadPacer::serverCpuSeconds(const Reply& info)
{
    if (info.isError() || info.isNil()) return std::nullopt;
    const auto seconds = [&info](std::string_view name) -> std::optional<double> {
        const auto value = util::infoValue(info.str, name);
        return value ? util::parseDouble(*value) : std::nullopt;
    };
    auto sys = seconds("used_cpu_sys_main_thread"), user = seconds("used_cpu_user_main_thread");
    if (!sys || !user) {
        sys = seconds("used_cpu_sys");
        user = seconds("used_cpu_user");
    }
    if (!sys || !user) return std::nullopt;
    return *sys + *user;
}

void LoadPacer::calibrate(const Probe& probe)
{
    double best = -1;
    for (int i = 0; i < 5; ++i) {
        const auto start = Clock::now();
        probe(Command("PING")).throwIfError();
        const double ms = msOf(Clock::now() - start);
        best = best < 0 ? ms : std::min(best, ms);
    }
    m_baselineMs = m_baselineMs < 0 ? best : std::min(m_baselineMs, best);
    m_latencyMs = best;
    sampleServerCpu(probe);
    m_lastProbe = Clock::now();
}

std::size_t LoadPacer::size(Kind kind, std::size_t most) const
{
    most = std::max<std::size_t>(most, 1);
    if (m_budget.unlimited) return most;
    if (m_msPerItem[kind] <= 0) return std::min(most, kFirstSize);
    const double fits = std::max(1.0, std::floor(m_budget.callMs / m_msPerItem[kind]));
    const std::size_t grown = std::max<std::size_t>(2 * m_lastSize[kind], kFirstSize);
    return std::min({most, grown, static_cast<std::size_t>(std::min(fits, 1e9))});
}

void LoadPacer::charge(Kind kind, std::size_t items, Clock::duration roundTrip)
{
    // Never below a few microseconds: even an empty reply cost the server something.
    const double cost = std::max(msOf(roundTrip) - std::max(m_baselineMs, 0.0), 0.005);
    m_roundTripMs += cost;
    m_lastCostMs = cost * m_serverRatio;
    m_redisMs += m_lastCostMs;
    ++m_calls;
    m_lastStart = Clock::now() - roundTrip;
    const double perItem = cost / double(std::max<std::size_t>(items, 1));
    double& estimate = m_msPerItem[kind];
    // A dearer call counts at once (gentle first), a cheaper one only gradually (a lucky call is no
    // reason to send twice as much).
    estimate = estimate <= 0 || perItem > estimate ? perItem : 0.7 * estimate + 0.3 * perItem;
    m_lastSize[kind] = items;
}

double LoadPacer::effectiveShare() const
{
    return m_budget.share / m_backoff;
}

void LoadPacer::pace(const Probe& probe)
{
    if (m_budget.unlimited) return;
    if (m_baselineMs < 0) calibrate(probe);
    if (Clock::now() - m_lastProbe >= kProbeEvery) {
        sampleLatency(probe);
        sampleServerCpu(probe);
    }
    // The server was ours for m_lastCostMs of the last call; the next one starts a period of
    // m_lastCostMs / share after it did. From the call's start, not its end: the round trip is longer
    // than the server's part of it, and waiting after it would leave the share partly unused.
    const double share = effectiveShare();
    if (share >= 1) return;
    // A sleep ends a little late (timer slack, the wake-up): the last one's lateness comes off this
    // one, or hundreds of short waits would leave a few percent of the share unused.
    const auto due = m_lastStart - m_overslept
        + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(m_lastCostMs / share));
    m_overslept = {};
    if (Clock::now() >= due) return;
    std::this_thread::sleep_until(due);
    m_overslept = std::min<Clock::duration>(Clock::now() - due, kMaxOversleep);
}

void LoadPacer::sampleLatency(const Probe& probe)
{
    // At a random moment, as an app's command arrives: right after our own call the probe would
    // keep meeting the server in the same phase of someone else's rhythm (free, say, every time).
    std::this_thread::sleep_for(std::chrono::microseconds(m_random() % 2000));
    const auto start = Clock::now();
    probe(Command("PING")).throwIfError();
    m_lastProbe = Clock::now();
    m_latencyMs = msOf(m_lastProbe - start);
    m_baselineMs = std::min(m_baselineMs, m_latencyMs);
    const double excess = m_latencyMs - m_baselineMs;
    if (excess > kBusyMs)
        m_backoff = std::min(kMaxBackoff, m_backoff * 2);
    else if (excess < kBusyMs / 2)
        m_backoff = std::max(1.0, m_backoff / 2);
}

void LoadPacer::sampleServerCpu(const Probe& probe)
{
    if (!m_serverCpuKnown) return;
    const double charged = m_roundTripMs - m_roundTripAt;
    if (m_serverCpuAt >= 0 && charged < kMinSampleMs) return; // too little since the last sample
    const auto cpu = serverCpuSeconds(probe(Command("INFO").arg(std::string_view("cpu"))));
    if (!cpu) {
        m_serverCpuKnown = false; // refused (ACL) or not reported: round trips alone
        return;
    }
    if (m_serverCpuAt >= 0) m_serverRatio = std::clamp((*cpu - m_serverCpuAt) * 1000 / charged, kMinServerRatio, 1.0);
    m_serverCpuAt = *cpu;
    m_roundTripAt = m_roundTripMs;
}

void LoadPacer::rebudget(std::unique_ptr<LoadPacer>& pacer, const LoadBudget& budget)
{
    if (pacer ? pacer->budget() == budget : budget.unlimited) return;
    pacer = budget.unlimited ? nullptr : std::make_unique<LoadPacer>(budget);
}

LoadReport LoadPacer::report() const
{
    LoadReport r;
    r.elapsedSeconds = std::chrono::duration<double>(Clock::now() - m_started).count();
    r.redisSeconds = m_redisMs / 1000;
    r.baselineMs = std::max(m_baselineMs, 0.0);
    r.latencyMs = m_latencyMs;
    r.slowed = m_backoff > 1;
    r.calls = m_calls;
    return r;
}

} // namespace kiq::redis
