// Admin operations, ours against Sidekiq 6.4.1's own Ruby API on the same private redis-server in
// the same run: retry-all of the dead set, filter by class, stats with every queue's latency. Ruby
// times are taken inside Ruby (Process.clock_gettime around the call), so interpreter start-up does
// not count. Both sides get the same data, seeded again before each side.
// Then the job index at scale: build time, memory and query times for --index-jobs dead jobs.
//
//   admin_ops [--jobs 100000] [--queues 20] [--index-jobs 1000000] [--rounds 5]

#include "BenchData.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/search/JobIndex.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace kiq;
using namespace kiq::sidekiq;
using namespace kiq::bench;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int jobs = 100000, queues = 20, indexJobs = 1000000, rounds = 5;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--jobs") jobs = args[i + 1].toInt();
        if (args[i] == "--queues") queues = args[i + 1].toInt();
        if (args[i] == "--index-jobs") indexJobs = args[i + 1].toInt();
        if (args[i] == "--rounds") rounds = std::max(1, args[i + 1].toInt());
    }

    BenchServer bench;
    const test::RedisServer& server = bench.server;
    redis::Client& client = bench.client;
    const int port = server.port();
    const QString version = test::runSidekiqRuby(port, "puts Sidekiq::VERSION");
    const PayloadFactory factory;
    const auto flushAndSeed = [&] {
        client.command(Command::raw({"FLUSHALL"})).throwIfError();
        seedDead(client, factory, 0, jobs);
    };
    std::printf("Kiqdesk vs Sidekiq %s Ruby API (times measured inside Ruby), one redis-server %s on loopback,\n",
        qPrintable(version), qPrintable(server.info("server", "redis_version")));
    std::printf("%d dead jobs of ~%zu bytes, 10%% of class %s; medians of %d rounds where repeated.\n\n", jobs,
        factory.make(1).size(), kTargetClass, rounds);
    std::printf("  %-44s %12s %12s %9s   %s\n", "operation", "kiqdesk", "sidekiq", "ratio", "goal");

    // --- retry all -------------------------------------------------------------------------------
    flushAndSeed();
    write::WriteGate gate("bench");
    double cpu = redisCpuSeconds(server);
    auto start = Clock::now();
    BulkExecutor executor(
        client, gate, BulkExecutor::create(client.options(), {JobSetKind::Dead, "", JobAction::Retry, {}, 0}), nullptr);
    executor.setBudget(redis::LoadBudget::none()); // the fastest it can: bench/load_budget weighs the budgets
    const auto& op = executor.run();
    const double oursRetry = secondsSince(start);
    const double oursRetryCpu = redisCpuSeconds(server) - cpu;
    const bool oursRetryOk
        = op.progress.affected == jobs && setSize(client, JobSetKind::Dead) == 0 && enqueuedTotal(client) == jobs;

    flushAndSeed();
    cpu = redisCpuSeconds(server);
    const double rubyRetry = rubySeconds(port,
        "t = Process.clock_gettime(Process::CLOCK_MONOTONIC)\n"
        "Sidekiq::DeadSet.new.retry_all\n"
        "puts Process.clock_gettime(Process::CLOCK_MONOTONIC) - t\n");
    const double rubyRetryCpu = redisCpuSeconds(server) - cpu;
    const bool rubyRetryOk = setSize(client, JobSetKind::Dead) == 0 && enqueuedTotal(client) == jobs;
    row("retry all (dead -> queues)", ms(oursRetry), ms(rubyRetry), times(rubyRetry / oursRetry), ">= 20x");
    row("  of which Redis CPU", ms(oursRetryCpu), ms(rubyRetryCpu), "", "");
    if (!oursRetryOk || !rubyRetryOk)
        std::printf("  !! retry-all check failed (ours %d, sidekiq %d)\n", oursRetryOk, rubyRetryOk);

    // --- filter by class -------------------------------------------------------------------------
    flushAndSeed();
    const std::string expression = std::string("class=") + kTargetClass;
    const JobFilter filter = JobFilter::parse(expression);
    // As `kiqdesk-cli jobs list dead --filter class=X --limit 50`: newest first, pages of 500.
    std::size_t firstPage = 0;
    const double oursFirstPage = medianSeconds(rounds, [&] {
        const double now = Timestamp::now().seconds();
        firstPage = 0;
        for (long long offset = 0; firstPage < 50; offset += 500) {
            const auto page = pageByRank(client, JobSetKind::Dead, offset, 500, true);
            for (const auto& e : page)
                if (firstPage < 50 && filter.matches(e.job, now)) ++firstPage;
            if (page.size() < 500) break;
        }
    });
    // Every match: a plain scan of the set through Redis (what the CLI's --dry-run does) …
    long long scanMatches = 0;
    const double oursScan = medianSeconds(std::max(1, rounds / 2), [&] {
        scanMatches = previewBulk(client, JobSetKind::Dead, filter, 20, {}, redis::LoadBudget::none()).matched;
    });
    // … and the job index: built once on a worker thread, then queried.
    start = Clock::now();
    JobIndex index(JobSetKind::Dead);
    int calls = 0;
    while (!index.refresh(client).complete) ++calls;
    ++calls;
    const double indexBuild = secondsSince(start);
    std::size_t indexMatches = 0;
    const double indexQuery
        = medianSeconds(rounds, [&] { indexMatches = index.snapshot()->query(filter).rows.size(); });

    const QStringList rubyScanOut = test::runSidekiqRuby(port,
        QString("ts = []\n%1.times do\n"
                "  t = Process.clock_gettime(Process::CLOCK_MONOTONIC)\n"
                "  $n = Sidekiq::DeadSet.new.scan('%2').to_a.size\n"
                "  ts << Process.clock_gettime(Process::CLOCK_MONOTONIC) - t\n"
                "end\nputs $n\nputs ts.sort[ts.size / 2]\n")
            .arg(std::max(1, rounds / 2))
            .arg(kTargetClass),
        600000)
                                        .split('\n');
    const long long rubyMatches = rubyScanOut.first().toLongLong();
    const double rubyScan = rubyScanOut.last().toDouble();
    row(("filter " + expression + ", first 50 matches").c_str(), ms(oursFirstPage), "-", "-", "<= 50 ms");
    row("filter, all matches: JobIndex query", ms(indexQuery), ms(rubyScan), times(rubyScan / indexQuery), ">= 4x");
    row("filter, all matches: JobIndex build+query", ms(indexBuild + indexQuery), ms(rubyScan),
        times(rubyScan / (indexBuild + indexQuery)), "(cold, once)");
    row("filter, all matches: scan through Redis", ms(oursScan), ms(rubyScan), times(rubyScan / oursScan),
        "(no index)");
    if (firstPage != 50 || std::size_t(scanMatches) != indexMatches || (long long)indexMatches != rubyMatches)
        std::printf("  !! match counts differ: first page %zu, scan %lld, index %zu, sidekiq %lld\n", firstPage,
            scanMatches, indexMatches, rubyMatches);

    // --- stats + every queue's latency -----------------------------------------------------------
    {
        std::vector<Command> cmds;
        for (int q = 0; q < queues; ++q) {
            const std::string name = "queue" + std::to_string(q);
            cmds.push_back(Command("SADD").key("queues").arg(name));
            for (int k = 0; k < 10; ++k) {
                std::string job = factory.make(q * 10 + k);
                cmds.push_back(Command("LPUSH").key("queue:" + name).arg(job));
            }
        }
        for (const auto& r : client.pipeline(cmds)) r.throwIfError();
    }
    StatsReader reader;
    reader.read(client); // learns the queue names (the second round trip happens only here)
    int roundTrips = 0;
    std::size_t queuesSeen = 0;
    const double oursStats = medianSeconds(rounds * 4, [&] {
        const StatsSnapshot snapshot = reader.read(client);
        roundTrips = snapshot.roundTrips;
        queuesSeen = snapshot.queues.size();
    });
    const double rubyStats = rubySeconds(port,
        QString("ts = []\n%1.times do\n"
                "  t = Process.clock_gettime(Process::CLOCK_MONOTONIC)\n"
                "  s = Sidekiq::Stats.new\n  s.enqueued\n  s.workers_size\n"
                "  Sidekiq::Queue.all.map(&:latency)\n"
                "  ts << Process.clock_gettime(Process::CLOCK_MONOTONIC) - t\n"
                "end\nputs ts.sort[ts.size / 2]\n")
            .arg(rounds * 4));
    row(("stats + " + std::to_string(queuesSeen) + " queue latencies (" + std::to_string(roundTrips) + " round trip)")
            .c_str(),
        ms(oursStats), ms(rubyStats), times(rubyStats / oursStats), ">= 2x");
    std::printf("\n  index build for the filter row: %d refresh calls of <= 5,000 entries, back to back\n", calls);

    // --- the job index at scale ------------------------------------------------------------------
    if (indexJobs > 0) {
        client.command(Command::raw({"FLUSHALL"})).throwIfError();
        std::printf("\nJobIndex on %d dead jobs (~%zu bytes each)\n", indexJobs, factory.make(1).size());
        start = Clock::now();
        seedDead(client, factory, 0, indexJobs);
        std::printf("  seeded in %.1f s (pipelined ZADD)\n", secondsSince(start));

        // Parsing alone, no Redis: the share of the build that JobRecord::parse is.
        std::vector<std::string> sample;
        for (int i = 0; i < 20000; ++i) sample.push_back(factory.make(i));
        JobParseOptions parseOptions;
        parseOptions.decodeBacktrace = false;
        parseOptions.argsDisplayChars = 0;
        start = Clock::now();
        std::size_t sink = 0;
        for (int r = 0; r < 5; ++r)
            for (const auto& s : sample) sink += JobRecord::parse(s, parseOptions).jid.size();
        const double parseUs = secondsSince(start) / (5.0 * double(sample.size())) * 1e6;

        JobIndex big(JobSetKind::Dead);
        const double cpuBefore = redisCpuSeconds(server);
        start = Clock::now();
        int bigCalls = 0;
        JobIndexRefreshStats s;
        std::size_t parsed = 0, maxRead = 0;
        do {
            s = big.refresh(client);
            parsed += s.entriesParsed;
            maxRead = std::max(maxRead, s.entriesRead);
            ++bigCalls;
        } while (!s.complete);
        const double build = secondsSince(start);
        const double redisCpu = redisCpuSeconds(server) - cpuBefore;
        const auto snap = big.snapshot();
        std::printf("  build: %.2f s in %d refresh calls (<= %zu entries each, %zu parsed in all), %.1f us/entry; "
                    "Redis CPU %.2f s\n",
            build, bigCalls, maxRead, parsed, build / double(snap->size()) * 1e6, redisCpu);
        std::printf("  JobRecord::parse alone: %.2f us/payload = %.0f%% of the build time per entry (sink %zu)\n",
            parseUs, 100.0 * parseUs / (build / double(snap->size()) * 1e6), sink % 10);
        std::printf("  memory: %.1f MB, %.0f bytes/entry; %zu entries, %zu buckets\n",
            double(snap->memoryBytes()) / 1e6, double(snap->memoryBytes()) / double(snap->size()), snap->size(),
            s.buckets);

        const double now = kBase + indexJobs * 0.013 + 3600;
        struct Q {
            const char* what;
            std::function<std::size_t()> run;
        };
        const JobFilter all = JobFilter::parse("");
        const std::vector<Q> queries {
            {"class=ReportExportJob (score order)",
                [&] { return snap->query(filter, JobIndexSort::Score, true, now).rows.size(); }},
            {"class=Billing::* sorted by time",
                [&] {
                    return snap->query(JobFilter::parse("class=Billing::*"), JobIndexSort::Time, true, now).rows.size();
                }},
            {"everything sorted by class",
                [&] { return snap->query(all, JobIndexSort::Class, false, now).rows.size(); }},
            {"everything sorted by time", [&] { return snap->query(all, JobIndexSort::Time, true, now).rows.size(); }},
            {"error~timeout",
                [&] {
                    return snap->query(JobFilter::parse("error~timeout"), JobIndexSort::Score, true, now).rows.size();
                }},
            {"args~user-4242",
                [&] {
                    return snap->query(JobFilter::parse("args~user-4242"), JobIndexSort::Score, true, now).rows.size();
                }},
            {"age>2h queue=default",
                [&] {
                    return snap->query(JobFilter::parse("age>2h queue=default"), JobIndexSort::Score, true, now)
                        .rows.size();
                }},
            {"groups() of everything", [&] { return snap->groups(all, now).size(); }},
            {"countBy(error) of everything", [&] { return snap->countBy(JobIndexField::Error, all, now).size(); }},
        };
        for (const Q& q : queries) {
            std::size_t n = 0;
            const double t = medianSeconds(rounds, [&] { n = q.run(); });
            std::printf("  query %-38s %9s  (%zu results)\n", q.what, ms(t).c_str(), n);
        }

        // Keeping fresh: 1,000 new dead jobs and 1,000 gone, then one refresh call.
        seedDead(client, factory, indexJobs, indexJobs + 1000);
        std::vector<std::string> gone;
        for (int i = 0; i < 1000; ++i) gone.push_back(factory.make(i * (indexJobs / 1000)));
        for (std::size_t i = 0; i < gone.size(); i += 500) {
            Command c("ZREM");
            c.key("dead");
            for (std::size_t k = i; k < std::min(gone.size(), i + 500); ++k) c.arg(gone[k]);
            client.command(c).throwIfError();
        }
        int freshCalls = 0;
        start = Clock::now();
        std::size_t freshRead = 0, freshChecks = 0;
        do {
            s = big.refresh(client);
            freshRead += s.entriesRead - s.entriesVerified;
            freshChecks += s.countChecks;
            ++freshCalls;
        } while (!s.synced && freshCalls < 1000);
        std::printf(
            "  after +1,000 / -1,000 jobs: synced in %d refresh calls, %.2f s, %zu members re-read, %zu ZCOUNTs; "
            "size %zu (Redis %lld)\n",
            freshCalls, secondsSince(start), freshRead, freshChecks, big.snapshot()->size(),
            setSize(client, JobSetKind::Dead));
        const auto quiet = big.refresh(client);
        std::printf("  a refresh with nothing changed: %.1f ms, %zu ZCOUNTs + %zu members verified\n",
            quiet.seconds * 1e3, quiet.countChecks, quiet.entriesVerified);
    }
    return 0;
}
