// The load budget on a real server: calls sized by measured time, the share of Redis time kept (as
// redis-server's own CPU counters see it), back-off while another client keeps the server busy, and
// index builds that pace their reads yet read everything. The profile's budget by environment.
#include "deployment/ConnectionProfile.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/LoadBudget.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/search/JobIndex.h"
#include "sidekiq/search/QueueIndex.h"
#include "util/ThreadPriority.h"

#include <QTest>

#include <atomic>

#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace kiq;
using namespace kiq::sidekiq;
using redis::Command;
using redis::LoadBudget;
using redis::LoadPacer;

namespace {
// About 1 KB, like a dead job with its error and a short backtrace.
std::string deadJob(int i)
{
    JobBuilder b("ReportJob", "[" + std::to_string(i) + ",\"" + std::string(700, 'x') + "\"]");
    std::string json = b.build().json;
    json.pop_back();
    json += ",\"error_class\":\"Net::ReadTimeout\",\"error_message\":\"timed out\",\"retry_count\":3,\"failed_at\":"
        + std::to_string(1700000000 + i) + "}";
    return json;
}

double cpuSeconds(const kiq::test::RedisServer& server)
{
    return server.info("cpu", "used_cpu_user").toDouble() + server.info("cpu", "used_cpu_sys").toDouble();
}
} // namespace

class TestLoadBudget : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};

    void seedDead(int n)
    {
        std::vector<Command> cmds;
        for (int i = 0; i < n; i += 200) {
            Command c("ZADD");
            c.key("dead");
            for (int k = i; k < std::min(n, i + 200); ++k) c.arg(1700000000.0 + k).arg(deadJob(k));
            cmds.push_back(std::move(c));
        }
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
    }

    BulkProgress retryAll(const LoadBudget& budget, const BulkProgressFn& onProgress = {})
    {
        BulkExecutor executor(*m_client, m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Dead, "", JobAction::Retry, {}, 0}), nullptr);
        executor.setBudget(budget);
        return executor.run(onProgress).progress;
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    // Sizes follow the measured cost per item: a small first call, at most doubling, then what fits in
    // callMs; a dearer call shrinks the next one at once.
    void sizesFollowTheMeasuredCost()
    {
        using std::chrono::microseconds;
        LoadPacer pacer(LoadBudget::ofShare(1.0, 1.0));
        QCOMPARE(pacer.size(LoadPacer::Read, 1000), std::size_t(16));
        QCOMPARE(pacer.size(LoadPacer::Read, 5), std::size_t(5));
        pacer.charge(LoadPacer::Read, 16, microseconds(160)); // 10 µs each: 100 fit in 1 ms
        QCOMPARE(pacer.size(LoadPacer::Read, 1000), std::size_t(32));
        pacer.charge(LoadPacer::Read, 32, microseconds(320));
        QCOMPARE(pacer.size(LoadPacer::Read, 1000), std::size_t(64));
        pacer.charge(LoadPacer::Read, 64, microseconds(640));
        QCOMPARE(pacer.size(LoadPacer::Read, 1000), std::size_t(100));
        QCOMPARE(pacer.size(LoadPacer::Write, 1000), std::size_t(16)); // each kind learns its own cost
        pacer.charge(LoadPacer::Read, 100, microseconds(5000)); // 50 µs each now
        QCOMPARE(pacer.size(LoadPacer::Read, 1000), std::size_t(20));
        QCOMPARE(LoadPacer(LoadBudget::none()).size(LoadPacer::Read, 1000), std::size_t(1000));
        const auto report = pacer.report();
        QCOMPARE(report.calls, 4LL);
        QVERIFY(qAbs(report.redisSeconds - 0.00612) < 1e-6);
    }

    // Longer calls allowed, fewer calls needed: sizes come from time, not from a count.
    void callsAreSizedByTime()
    {
        seedDead(3000);
        const BulkProgress short1 = retryAll(LoadBudget::ofShare(1.0, 0.5));
        QCOMPARE(short1.affected, 3000LL);
        QCOMPARE(m_client->command(Command("LLEN").key("queue:default")).asInteger(), 3000LL);
        flushAll();
        seedDead(3000);
        const BulkProgress long1 = retryAll(LoadBudget::ofShare(1.0, 8.0));
        QCOMPARE(long1.affected, 3000LL);
        QVERIFY2(short1.load.calls > 2 * long1.load.calls,
            qPrintable(QString("%1 calls of 0.5 ms, %2 of 8 ms").arg(short1.load.calls).arg(long1.load.calls)));
        QVERIFY(long1.jobsPerSecond > 0);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 0LL);
    }

    // At 25%, redis-server's own CPU time stays near a quarter of the run's wall time, and the run
    // reports what it used and how long is left.
    void theShareIsKept()
    {
        seedDead(6000);
        const double cpuBefore = cpuSeconds(*m_server);
        const auto start = std::chrono::steady_clock::now();
        double lastLeft = -2;
        const BulkProgress p = retryAll(LoadBudget::ofShare(0.25), [&](const BulkProgress& progress) {
            lastLeft = progress.secondsLeft;
            return true;
        });
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double cpu = cpuSeconds(*m_server) - cpuBefore;
        QCOMPARE(p.affected, 6000LL);
        QVERIFY2(cpu / wall < 0.4, qPrintable(QString("redis-server busy %1 s of %2 s").arg(cpu).arg(wall)));
        QVERIFY2(p.load.shareUsed() < 0.32, qPrintable(QString::number(p.load.shareUsed())));
        QVERIFY(p.load.redisSeconds > 0);
        QVERIFY(lastLeft >= 0); // an estimate once something was scanned (0 at the last page)
        // What the run charged itself is what the server spent, give or take the round trips' own cost.
        QVERIFY2(p.load.redisSeconds > 0.5 * cpu, qPrintable(QString("%1 vs %2").arg(p.load.redisSeconds).arg(cpu)));
    }

    // Another client keeps the server busy (4 ms scripts back to back): the run notices from its
    // latency probe, slows down and says so.
    void backsOffWhileTheServerIsBusy()
    {
        seedDead(20000);
        std::atomic<bool> stop {false};
        std::thread busy([&] {
            redis::Client other(m_client->options());
            other.connect();
            const char* spin = "local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2] "
                               "repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - t0 > 4000";
            while (!stop.load()) {
                other.command(Command::raw({"EVAL", spin, "0"}));
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
        });
        bool slowed = false;
        std::string note;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        const BulkProgress p = retryAll(LoadBudget::ofShare(1.0), [&](const BulkProgress& progress) {
            if (progress.load.slowed) {
                slowed = true;
                note = progress.load.slowedNote();
            }
            return !slowed && std::chrono::steady_clock::now() < deadline;
        });
        stop = true;
        busy.join();
        QVERIFY2(slowed, "the run never noticed the busy server");
        QVERIFY2(note.rfind("slowed: server latency ", 0) == 0, note.c_str());
        QVERIFY(p.cancelled);
        // Cancelled, nothing lost: every job is in the dead set or in its queue.
        QCOMPARE(
            setSize(*m_client, JobSetKind::Dead) + m_client->command(Command("LLEN").key("queue:default")).asInteger(),
            20000LL);
    }

    // An index built under a budget reads in more, smaller calls, and holds exactly what the set holds.
    void indexBuildsArePacedAndComplete()
    {
        seedDead(4000);
        JobIndex paced(JobSetKind::Dead), free(JobSetKind::Dead);
        paced.setBudget(LoadBudget::ofShare(0.25, 0.5));
        std::size_t pacedTrips = 0, freeTrips = 0;
        for (JobIndexRefreshStats st; !st.complete;) pacedTrips += (st = paced.refresh(*m_client, 50000)).roundTrips;
        for (JobIndexRefreshStats st; !st.complete;) freeTrips += (st = free.refresh(*m_client, 50000)).roundTrips;
        QCOMPARE(paced.snapshot()->size(), std::size_t(4000));
        QCOMPARE(free.snapshot()->size(), std::size_t(4000));
        QVERIFY2(pacedTrips > freeTrips, qPrintable(QString("%1 vs %2").arg(pacedTrips).arg(freeTrips)));
        for (std::uint32_t row = 0; row < 4000; row += 397)
            QCOMPARE(paced.snapshot()->jid(row), free.snapshot()->jid(row));
        // Once complete, a refresh checks counts, in paced round trips too, and finds nothing changed.
        const JobIndexRefreshStats check = paced.refresh(*m_client, 0);
        QVERIFY(check.countChecks >= 4);
        QVERIFY(check.synced);
        QCOMPARE(check.setSize, 4000LL);

        // A queue's index too.
        std::vector<Command> pushes;
        for (int i = 0; i < 3000; i += 200) {
            Command c("LPUSH");
            c.key("queue:default");
            for (int k = i; k < i + 200; ++k) c.arg(deadJob(k));
            pushes.push_back(std::move(c));
        }
        for (const auto& r : m_client->pipeline(pushes)) r.throwIfError();
        QueueIndex queue("default");
        queue.setBudget(LoadBudget::ofShare(0.25, 0.5));
        for (int i = 0; i < 100 && !queue.refresh(*m_client, 50000).complete; ++i) { }
        QCOMPARE(queue.snapshot()->size(), std::size_t(3000));
    }

    // A budgeted run parses its pages at a background priority (a Redis on the same host gets the CPU
    // first) and gives the thread its priority back; an unlimited run keeps it. Where this user may
    // not raise a priority again, a shared thread is not lowered at all.
    void budgetedWorkRunsAtBackgroundPriority()
    {
        using util::BackgroundPriority;
        rlimit limit {};
        getrlimit(RLIMIT_NICE, &limit);
        const int before = BackgroundPriority::currentNice(); // 0, unless the tests run under nice
        const bool restorable = geteuid() == 0 || limit.rlim_cur == RLIM_INFINITY || 20 - before <= int(limit.rlim_cur);
        const bool lowers = restorable && before < BackgroundPriority::kNice;
        const int expected = lowers ? BackgroundPriority::kNice : before;
        seedDead(600);
        std::vector<int> during;
        const auto progress = retryAll(LoadBudget::ofShare(0.5), [&](const BulkProgress&) {
            during.push_back(BackgroundPriority::currentNice());
            return true;
        });
        QCOMPARE(progress.affected, 600LL);
        QVERIFY(!during.empty());
        for (const int nice : during) QCOMPARE(nice, expected);
        QCOMPARE(BackgroundPriority::currentNice(), before);

        flushAll();
        seedDead(300);
        during.clear();
        retryAll(LoadBudget::none(), [&](const BulkProgress&) {
            during.push_back(BackgroundPriority::currentNice());
            return true;
        });
        QVERIFY(!during.empty());
        for (const int nice : during) QCOMPARE(nice, before);

        // Nested: the inner scope finds the thread low already and leaves the restoring to the outer.
        {
            const BackgroundPriority outer(true);
            QCOMPARE(outer.lowered(), lowers);
            {
                const BackgroundPriority inner(true);
                QVERIFY(!inner.lowered());
            }
            QCOMPARE(BackgroundPriority::currentNice(), expected);
        }
        QCOMPARE(BackgroundPriority::currentNice(), before);
    }

    void profilesBudgetByEnvironment()
    {
        using deployment::Environment;
        deployment::ConnectionProfile p;
        p.environment = Environment::Production;
        QCOMPARE(p.loadBudget().share, 0.25);
        QVERIFY(!p.loadBudget().unlimited);
        p.environment = Environment::Staging;
        QCOMPARE(p.loadBudget().share, 0.5);
        p.environment = Environment::Development;
        QCOMPARE(p.loadBudget().share, 1.0);
        p.loadSharePercent = 10;
        p.loadCallMs = 2;
        QCOMPARE(p.loadBudget().share, 0.1);
        QCOMPARE(p.loadBudget().callMs, 2.0);
        QCOMPARE(p.loadBudget().describe(), std::string("10% of Redis time, calls of 2 ms"));
        p.loadSharePercent = deployment::ConnectionProfile::kUnlimitedLoad;
        QVERIFY(p.loadBudget().unlimited);
        QCOMPARE(p.loadBudget().describe(), std::string("unlimited"));
    }
};

QTEST_GUILESS_MAIN(TestLoadBudget)
#include "tst_load_budget.moc"
