// Our worker pool against real Sidekiq 6.4.1 draining the same queue of the same redis-server in the
// same run: no-op jobs per second at several concurrencies, enqueue-to-start latency when idle, peak
// RSS and CPU seconds. Both run as their own process; Sidekiq logs at WARN.
//
//   worker_throughput [--port P] [--jobs N] [--concurrency 5,10,25] [--latency-samples N] [--no-sidekiq]
//   worker_throughput --soak ROUNDS [--jobs N] [--basic-fetch]
//
// --soak: pushes N jobs, then ROUNDS times starts a pool and kills it with SIGKILL after a random
// 100-400 ms, finally lets one pool finish, and reports how many jobs never ran (crash-safe fetch:
// must be 0; --basic-fetch shows what Sidekiq's BRPOP fetch loses).
// Without --port it starts a private redis-server on a free loopback port.

#include "harness/Process.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/Launcher.h"
#include "worker/ProcessInfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

using namespace kiq;
using Clock = std::chrono::steady_clock;

namespace {

double wallNow()
{
    return sidekiq::Timestamp::now().seconds();
}

std::string selfExe()
{
    char buf[4096] = {};
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, std::size_t(n)) : std::string();
}

std::string firstArgText(const worker::JobContext& ctx)
{
    const std::string_view args = ctx.argsJson();
    const auto spans = sidekiq::json::arrayElements(args);
    if (!spans || spans->empty()) return {};
    std::string t((*spans)[0].in(args));
    if (!t.empty() && t.front() == '"') t = t.substr(1, t.size() - 2);
    return t;
}

// ---- child: one pool in its own process ----------------------------------------------------------

int runChild(int port, int concurrency, long long expect, bool basicFetch, const std::string& queue)
{
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    redis::ConnectionOptions connection;
    connection.endpoint = {"127.0.0.1", port};
    worker::WorkerOptions options;
    options.queues = worker::QueueList::parse({queue});
    options.concurrency = concurrency;
    options.crashSafe = !basicFetch;
    options.logLevel = worker::LogLevel::Warn;
    options.shutdownTimeout = std::chrono::seconds(5);

    std::atomic<long long> done {0};
    std::atomic<double> firstStart {0}, lastEnd {0};
    worker::HandlerRegistry handlers;
    handlers.add("NoopJob", [&](const worker::JobContext&) {
        double zero = 0;
        if (firstStart.load(std::memory_order_relaxed) == 0) firstStart.compare_exchange_strong(zero, wallNow());
        if (done.fetch_add(1, std::memory_order_relaxed) + 1 == expect) lastEnd = wallNow();
    });
    handlers.add("LatencyJob", [](const worker::JobContext& ctx) {
        const double pushed = std::stod(firstArgText(ctx));
        ctx.redis.command(redis::Command("RPUSH").key("latency").arg(wallNow() - pushed));
    });
    handlers.add("SoakJob", [](const worker::JobContext& ctx) {
        ctx.redis.pipeline(
            {redis::Command("SADD").key("ran").arg(firstArgText(ctx)), redis::Command("INCR").key("runs")});
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    });

    worker::Launcher pool(connection, options, std::move(handlers));
    pool.start();
    std::thread([&pool, stopSignals] {
        int sig = 0;
        sigwait(&stopSignals, &sig);
        pool.requestStop();
    }).detach();
    if (expect > 0) {
        while (done.load() < expect && !pool.stopRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        rusage ru {};
        getrusage(RUSAGE_SELF, &ru);
        const double cpu
            = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        std::printf(
            "RESULT %lld %.6f %.6f %.3f %ld\n", done.load(), firstStart.load(), lastEnd.load(), cpu, ru.ru_maxrss);
        std::fflush(stdout);
        pool.stop();
        return 0;
    }
    pool.waitForStopRequest();
    pool.stop();
    return 0;
}

// ---- parent ----------------------------------------------------------------------------------------

struct Run {
    double jobsPerSecond = 0;
    double cpuSeconds = 0;
    long long peakRssKb = 0;
};

class Bench {
public:
    explicit Bench(int port)
        : m_port(port)
    {
        redis::ConnectionOptions o;
        o.endpoint = {"127.0.0.1", port};
        m_client = std::make_unique<redis::Client>(o);
        m_out = std::make_unique<QTemporaryDir>();
        // Sidekiq with tests/ruby/jobs.rb, logging at WARN, plus a latency probe.
        m_boot = m_out->filePath("bench_boot.rb");
        QFile f(m_boot);
        f.open(QIODevice::WriteOnly);
        f.write(QStringLiteral(
            "require '%1'\nSidekiq.logger.level = Logger::WARN\n"
            "class LatencyJob\n  include Sidekiq::Worker\n"
            "  def perform(t)\n    Sidekiq.redis { |r| r.rpush('latency', Time.now.to_f - t.to_f) }\n  end\nend\n")
                    .arg(test::sidekiqJobsFile())
                    .toUtf8());
    }

    long long integer(const redis::Command& c) { return m_client->command(c).throwIfError().asInteger(); }
    long long llen(const std::string& key) { return integer(redis::Command("LLEN").key(key)); }

    void pushJobs(const std::string& className, long long n, const std::string& queue, bool tokens = false)
    {
        for (long long i = 0; i < n; i += 1000) {
            redis::Command lpush("LPUSH");
            lpush.key("queue:" + queue);
            for (long long k = i; k < std::min(n, i + 1000); ++k)
                lpush.arg(sidekiq::JobBuilder(className, tokens ? "[\"t" + std::to_string(k) + "\"]" : "[]")
                              .setQueue(queue)
                              .build()
                              .json);
            m_client->pipeline({redis::Command("SADD").key("queues").arg(queue), lpush});
        }
    }

    pid_t spawnOurs(int concurrency, long long expect, bool basic, const std::string& queue, const QString& log)
    {
        return test::spawnProcess(QString::fromStdString(selfExe()),
            {"--child", "--port", QString::number(m_port), "--concurrency", QString::number(concurrency), "--expect",
                QString::number(expect), "--queue", QString::fromStdString(queue),
                basic ? "--basic-fetch" : "--crash-safe"},
            log);
    }

    pid_t spawnSidekiq(int concurrency, const std::string& queue, const QString& log)
    {
        return test::spawnProcess("env",
            {"REDIS_URL=redis://127.0.0.1:" + QString::number(m_port) + "/0", "sidekiq", "-r", m_boot, "-c",
                QString::number(concurrency), "-q", QString::fromStdString(queue), "-t", "5"},
            log);
    }

    Run ours(int concurrency, long long jobs, bool basic)
    {
        m_client->command(redis::Command("FLUSHALL"));
        pushJobs("NoopJob", jobs, "bench");
        const QString log
            = m_out->filePath(QStringLiteral("ours-%1-%2.log").arg(concurrency).arg(basic ? "basic" : "safe"));
        QFile::remove(log); // spawnProcess appends
        const pid_t pid = spawnOurs(concurrency, jobs, basic, "bench", log);
        while (test::processRunning(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        QFile f(log);
        f.open(QIODevice::ReadOnly);
        const QString text = QString::fromUtf8(f.readAll());
        const auto at = text.indexOf("RESULT ");
        Run r;
        if (at < 0) {
            std::fprintf(stderr, "our pool printed no result:\n%s\n", qPrintable(text.right(2000)));
            return r;
        }
        std::istringstream in(text.mid(at + 7).section('\n', 0, 0).toStdString());
        long long done = 0;
        double first = 0, last = 0;
        in >> done >> first >> last >> r.cpuSeconds >> r.peakRssKb;
        r.jobsPerSecond = done / std::max(1e-9, last - first);
        return r;
    }

    Run sidekiq(int concurrency, long long jobs)
    {
        m_client->command(redis::Command("FLUSHALL"));
        pushJobs("NoopJob", jobs, "bench");
        const QString log = m_out->filePath(QStringLiteral("sidekiq-%1.log").arg(concurrency));
        const pid_t pid = spawnSidekiq(concurrency, "bench", log);
        // From the first job taken (Ruby's boot excluded) until the queue is empty.
        Clock::time_point start;
        for (;;) {
            if (llen("queue:bench") < jobs) {
                start = Clock::now();
                break;
            }
            if (!test::processRunning(pid)) {
                std::fprintf(stderr, "sidekiq exited:\n%s\n", qPrintable(logTail(log)));
                return {};
            }
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
        // Polling every 2 ms: often enough for a run of seconds, rare enough not to slow Redis or Ruby.
        while (llen("queue:bench") > 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        Run r;
        r.jobsPerSecond = jobs / seconds;
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // the last jobs finish
        r.cpuSeconds = cpuSecondsOf(pid);
        r.peakRssKb = statusKb(pid, "VmHWM");
        test::stopProcess(pid, 10000);
        return r;
    }

    // p50/p99 of enqueue-to-start in ms, one job at a time into an idle pool.
    std::pair<double, double> latency(bool oursNotSidekiq, int samples)
    {
        m_client->command(redis::Command("FLUSHALL"));
        const QString log = m_out->filePath(oursNotSidekiq ? "ours-latency.log" : "sidekiq-latency.log");
        const pid_t pid = oursNotSidekiq ? spawnOurs(10, 0, false, "lat", log) : spawnSidekiq(10, "lat", log);
        // Warm up until one job round-trips (Sidekiq boots for a second or two).
        auto once = [&](long long expected) {
            const auto job = sidekiq::JobBuilder("LatencyJob", "[" + sidekiq::formatRubyFloat(wallNow()) + "]")
                                 .setQueue("lat")
                                 .build()
                                 .json;
            m_client->command(redis::Command("LPUSH").key("queue:lat").arg(job));
            const auto deadline = Clock::now() + std::chrono::seconds(30);
            while (llen("latency") < expected && Clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::microseconds(200));
        };
        once(1);
        m_client->command(redis::Command("DEL").key("latency"));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        for (int i = 1; i <= samples; ++i) {
            once(i);
            std::this_thread::sleep_for(std::chrono::milliseconds(5)); // idle between jobs
        }
        std::vector<double> ms;
        for (const auto& v : m_client->command(redis::Command("LRANGE").key("latency").arg(0).arg(-1)).asStringList())
            ms.push_back(std::stod(v) * 1000.0);
        test::stopProcess(pid, 10000);
        if (ms.empty()) return {0, 0};
        std::sort(ms.begin(), ms.end());
        auto pct = [&](double p) { return ms[std::min(ms.size() - 1, std::size_t(p * double(ms.size() - 1) + 0.5))]; };
        return {pct(0.50), pct(0.99)};
    }

    void soak(int rounds, long long jobs, bool basic)
    {
        m_client->command(redis::Command("FLUSHALL"));
        pushJobs("SoakJob", jobs, "soak", true);
        std::mt19937 rng(std::random_device {}());
        std::uniform_int_distribution<int> ms(100, 400);
        long long heldAtKills = 0;
        const auto start = Clock::now();
        for (int round = 0; round < rounds; ++round) {
            const pid_t pid
                = spawnOurs(10, 0, basic, "soak", m_out->filePath(QStringLiteral("soak-%1.log").arg(round)));
            std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
            ::kill(pid, SIGKILL);
            while (test::processRunning(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            for (const auto& key : m_client->command(redis::Command("KEYS").arg("*:inprogress:*")).asStringList())
                heldAtKills += llen(key);
            if (llen("queue:soak") == 0) {
                std::printf("  queue drained after %d rounds\n", round + 1);
                break;
            }
        }
        const pid_t last = spawnOurs(10, 0, basic, "soak", m_out->filePath("soak-final.log"));
        // Done when the queue and every in-progress list are empty and stay so.
        auto pending = [&] {
            long long n = llen("queue:soak");
            for (const auto& key : m_client->command(redis::Command("KEYS").arg("*:inprogress:*")).asStringList())
                n += llen(key);
            return n;
        };
        while (pending() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        test::stopProcess(last, 10000);
        const long long ran = integer(redis::Command("SCARD").key("ran"));
        const long long runs
            = std::stoll(m_client->command(redis::Command("GET").key("runs")).asOptionalString().value_or("0"));
        std::printf("soak (%s fetch): %d kill -9 rounds, %lld jobs: %lld never ran (lost), %lld ran twice, %lld were "
                    "in progress at the kills, %.1f s\n",
            basic ? "basic" : "crash-safe", rounds, jobs, jobs - ran, runs - ran, heldAtKills,
            std::chrono::duration<double>(Clock::now() - start).count());
    }

    static QString logTail(const QString& path)
    {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return QString::fromUtf8(f.readAll()).right(3000);
    }
    static long long statusKb(pid_t pid, const char* field)
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind(std::string(field) + ":", 0) == 0) return std::atoll(line.c_str() + std::strlen(field) + 1);
        return 0;
    }
    static double cpuSecondsOf(pid_t pid)
    {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string stat;
        std::getline(in, stat);
        std::istringstream rest(stat.substr(stat.rfind(')') + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stoull(field);
            if (i == 15) stime = std::stoull(field);
        }
        return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
    }

private:
    int m_port;
    std::unique_ptr<redis::Client> m_client;
    std::unique_ptr<QTemporaryDir> m_out;
    QString m_boot;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto value = [&](const QString& flag, const QString& fallback) {
        const auto i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    if (args.contains("--child"))
        return runChild(value("--port", "6379").toInt(), value("--concurrency", "10").toInt(),
            value("--expect", "0").toLongLong(), args.contains("--basic-fetch"),
            value("--queue", "default").toStdString());

    std::unique_ptr<test::RedisServer> server;
    int port = value("--port", "0").toInt();
    if (port == 0) {
        server = std::make_unique<test::RedisServer>(
            test::RedisServer::Options {}); // no persistence (the harness passes --save "")
        port = server->port();
    }
    Bench bench(port);
    const long long jobs = value("--jobs", args.contains("--soak") ? "20000" : "100000").toLongLong();

    if (args.contains("--soak")) {
        bench.soak(value("--soak", "5").toInt(), jobs, args.contains("--basic-fetch"));
        return 0;
    }

    const bool withSidekiq = !args.contains("--no-sidekiq");
    std::printf("%lld no-op jobs on one queue, redis-server on 127.0.0.1:%d, %u cores\n", jobs, port,
        std::thread::hardware_concurrency());
    std::printf("%-34s %12s %9s %10s %10s\n", "", "jobs/s", "CPU s", "peak RSS", "vs sidekiq");
    for (const QString& c : value("--concurrency", "5,10,25").split(',')) {
        const int concurrency = c.toInt();
        const Run safe = bench.ours(concurrency, jobs, false);
        const Run basic = bench.ours(concurrency, jobs, true);
        const Run theirs = withSidekiq ? bench.sidekiq(concurrency, jobs) : Run {};
        auto row = [&](const char* name, const Run& r) {
            std::printf("-c %-3d %-27s %12.0f %9.2f %7lld MB %9s\n", concurrency, name, r.jobsPerSecond, r.cpuSeconds,
                r.peakRssKb / 1024,
                theirs.jobsPerSecond > 0
                    ? (QString::number(r.jobsPerSecond / theirs.jobsPerSecond, 'f', 1) + "x").toUtf8().constData()
                    : "");
        };
        row("kiqdesk (crash-safe fetch)", safe);
        row("kiqdesk (basic fetch)", basic);
        if (withSidekiq) row("sidekiq 6.4.1 (WARN logging)", theirs);
        std::fflush(stdout);
    }
    const int samples = value("--latency-samples", "200").toInt();
    const auto [p50, p99] = bench.latency(true, samples);
    std::printf("enqueue-to-start latency, idle, -c 10, %d jobs: kiqdesk p50 %.2f ms p99 %.2f ms", samples, p50, p99);
    if (withSidekiq) {
        const auto [s50, s99] = bench.latency(false, samples);
        std::printf("; sidekiq p50 %.2f ms p99 %.2f ms", s50, s99);
    }
    std::printf("\n");
    return 0;
}
