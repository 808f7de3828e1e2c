// How gentle we are on a shared Redis: while a long operation runs, a second client (the probe) sends
// PING about every millisecond to the same redis-server and records each round trip, as an app
// server sharing that Redis would feel it. In one run on one private server: a retry-all of the dead
// set with the production budget (25% of Redis time, calls of 1 ms), the development budget (100%),
// no budget, and Sidekiq 6.4.1's own DeadSet#retry_all; then a job index build of the dead set with
// the production budget and without. Each row: duration, the probe's p50/p99/max, and the speed
// against Sidekiq's.
//
//   load_budget [--jobs 100000] [--index-jobs 1000000]

#include "BenchData.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/search/JobIndex.h"

#include <QCoreApplication>

#include <atomic>
#include <thread>

using namespace kiq;
using namespace kiq::sidekiq;
using namespace kiq::bench;

namespace {

// PINGs every ~1 ms on a connection of its own while an operation runs.
class Probe {
public:
    explicit Probe(const redis::ConnectionOptions& options)
        : m_client(options)
    {
        m_client.connect();
    }

    template <typename Fn> void during(Fn&& operation)
    {
        m_samples.clear();
        std::atomic<bool> stop {false};
        std::thread pinger([&] {
            while (!stop.load()) {
                const auto start = Clock::now();
                m_client.command(Command("PING")).throwIfError();
                m_samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
                std::this_thread::sleep_until(start + std::chrono::milliseconds(1));
            }
        });
        operation();
        stop = true;
        pinger.join();
        std::sort(m_samples.begin(), m_samples.end());
    }

    double percentile(double q) const
    {
        if (m_samples.empty()) return 0;
        return m_samples[std::min(m_samples.size() - 1, std::size_t(q * double(m_samples.size())))];
    }
    double max() const { return m_samples.empty() ? 0 : m_samples.back(); }
    std::size_t count() const { return m_samples.size(); }

private:
    redis::Client m_client;
    std::vector<double> m_samples;
};

void header()
{
    std::printf("  %-40s %10s %9s %9s %9s %12s   %s\n", "operation", "time", "p50", "p99", "max", "vs sidekiq", "goal");
}

void line(const char* what, double seconds, const Probe& probe, const std::string& ratio, const char* goal)
{
    char p50[16], p99[16], mx[16];
    std::snprintf(p50, sizeof p50, "%.2f ms", probe.percentile(0.5));
    std::snprintf(p99, sizeof p99, "%.2f ms", probe.percentile(0.99));
    std::snprintf(mx, sizeof mx, "%.2f ms", probe.max());
    std::printf("  %-40s %10s %9s %9s %9s %12s   %s\n", what, ms(seconds).c_str(), p50, p99, mx, ratio.c_str(), goal);
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int jobs = 100000, indexJobs = 1000000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--jobs") jobs = args[i + 1].toInt();
        if (args[i] == "--index-jobs") indexJobs = args[i + 1].toInt();
    }

    BenchServer bench;
    const test::RedisServer& server = bench.server;
    redis::Client& client = bench.client;
    const int port = server.port();
    Probe probe(bench.options());
    const PayloadFactory factory;
    const QString version = test::runSidekiqRuby(port, "puts Sidekiq::VERSION");
    std::printf("Load on a shared Redis: a probe client PINGs every ~1 ms while each operation runs; one\n"
                "redis-server %s on loopback, Sidekiq %s, %d dead jobs of ~%zu bytes.\n\n",
        qPrintable(server.info("server", "redis_version")), qPrintable(version), jobs, factory.make(1).size());
    header();

    probe.during([] { std::this_thread::sleep_for(std::chrono::seconds(1)); });
    line("nothing running (the probe alone)", 1.0, probe, "", "");

    const auto flushAndSeed = [&](int n) {
        client.command(Command::raw({"FLUSHALL"})).throwIfError();
        seedDead(client, factory, 0, n);
    };

    // Sidekiq first: its time is what the other rows are measured against.
    flushAndSeed(jobs);
    double ruby = 0;
    const double rubyCpu = redisCpuSeconds(server);
    probe.during([&] {
        ruby = rubySeconds(port,
            "t = Process.clock_gettime(Process::CLOCK_MONOTONIC)\n"
            "Sidekiq::DeadSet.new.retry_all\n"
            "puts Process.clock_gettime(Process::CLOCK_MONOTONIC) - t\n");
    });
    const bool rubyOk = setSize(client, JobSetKind::Dead) == 0 && enqueuedTotal(client) == jobs;
    line("Sidekiq DeadSet#retry_all", ruby, probe, "1.0x", "");
    const double rubyUsed = redisCpuSeconds(server) - rubyCpu;
    std::printf("  %-40s redis-server CPU %.2f s, %.1f us per job\n", "", rubyUsed, rubyUsed / jobs * 1e6);

    write::WriteGate gate("bench");
    struct Run {
        const char* what;
        redis::LoadBudget budget;
        const char* goal;
    };
    const Run runs[] = {
        {"retry all, production budget (25%)", redis::LoadBudget::ofShare(0.25), ">= 15x, p99 <= 1.5 ms, max <= 5 ms"},
        {"retry all, development budget (100%)", redis::LoadBudget::ofShare(1.0), ""},
        {"retry all, unlimited", redis::LoadBudget::none(), ">= 30x"},
    };
    bool oursOk = true;
    for (const Run& run : runs) {
        flushAndSeed(jobs);
        BulkExecutor executor(client, gate,
            BulkExecutor::create(client.options(), {JobSetKind::Dead, "", JobAction::Retry, {}, 0}), nullptr);
        executor.setBudget(run.budget);
        double seconds = 0;
        BulkProgress last;
        const double cpu = redisCpuSeconds(server);
        probe.during([&] {
            const auto start = Clock::now();
            last = executor.run().progress;
            seconds = secondsSince(start);
        });
        oursOk = oursOk && last.affected == jobs && setSize(client, JobSetKind::Dead) == 0
            && enqueuedTotal(client) == jobs;
        line(run.what, seconds, probe, times(ruby / seconds), run.goal);
        if (!run.budget.unlimited)
            std::printf("  %-40s charged %.2f s of Redis time in %lld calls (%.0f%% of the run)%s%s\n", "",
                last.load.redisSeconds, last.load.calls, 100 * last.load.shareUsed(), last.load.slowed ? ", " : "",
                last.load.slowedNote().c_str());
        const double used = redisCpuSeconds(server) - cpu;
        std::printf("  %-40s redis-server CPU %.2f s, %.1f us per job\n", "", used, used / jobs * 1e6);
    }
    if (!oursOk || !rubyOk) std::printf("  !! retry-all check failed (ours %d, sidekiq %d)\n", oursOk, rubyOk);

    if (indexJobs > 0) {
        flushAndSeed(indexJobs);
        std::printf("\n  job index build of %d dead jobs (refresh calls of 50,000 entries, back to back)\n", indexJobs);
        for (const bool budgeted : {true, false}) {
            JobIndex index(JobSetKind::Dead);
            if (budgeted) index.setBudget(redis::LoadBudget::ofShare(0.25));
            double seconds = 0;
            probe.during([&] {
                const auto start = Clock::now();
                // As the job pages build it: large budgets per call, one call after another.
                while (!index.refresh(client, 50000).complete) { }
                seconds = secondsSince(start);
            });
            line(budgeted ? "index build, production budget (25%)" : "index build, unlimited", seconds, probe, "",
                budgeted ? "p99 <= 1.5 ms" : "");
            if (index.snapshot()->size() != std::size_t(indexJobs))
                std::printf("  !! index holds %zu of %d\n", index.snapshot()->size(), indexJobs);
        }
    }
    return 0;
}
