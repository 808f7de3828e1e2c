// At-least-once across kill -9: a worker pool in its own process (worker_child) is killed with SIGKILL
// mid-run several times and started again; every job must still run, and nothing may be left in an
// in-progress list. The restarted pool recovers its predecessor's jobs at once (same machine, PID
// gone), without waiting for the 60 s heartbeat TTL.
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"

#include <QDir>
#include <QTest>

#include <csignal>

using namespace kiq;
using kiq::test::waitUntil;

class TestWorkerCrash : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    long long integer(const redis::Command& c) { return m_client->command(c).throwIfError().asInteger(); }
    long long runs() { return kiq::test::integerAt(*m_client, "runs"); }
    long long heldInProgress() { return kiq::test::heldInProgress(*m_client); }

    pid_t spawnChild(int round)
    {
        const QString log = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("worker_child-%1.log").arg(round));
        return kiq::test::spawnProcess(KIQ_WORKER_CHILD,
            {"--port", QString::number(m_server->port()), "--concurrency", "5", "--batch", "100", "--work-us", "200"},
            log);
    }

private slots:
    void initTestCase() { startServer(); }

    void killNineLosesNoJob()
    {
        constexpr int kJobs = 10000;
        std::vector<redis::Command> push;
        for (int i = 0; i < kJobs; i += 500) {
            redis::Command lpush("LPUSH");
            lpush.key("queue:default");
            for (int k = i; k < i + 500; ++k)
                lpush.arg(sidekiq::JobBuilder("CrashJob", "[\"tok" + std::to_string(k) + "\"]").build().json);
            push.push_back(std::move(lpush));
        }
        m_client->pipeline(push);
        QCOMPARE(integer(redis::Command("LLEN").key("queue:default")), static_cast<long long>(kJobs));

        int kills = 0;
        long long heldAtKills = 0;
        for (int round = 0; round < 4; ++round) {
            const pid_t child = spawnChild(round);
            const long long before = runs();
            // Let it get going, then kill it while it holds jobs.
            QVERIFY2(waitUntil([&] { return runs() >= before + 1500 && heldInProgress() > 0; }, 30000, 5),
                ("no progress in round " + std::to_string(round)).c_str());
            ::kill(child, SIGKILL);
            QVERIFY(waitUntil([&] { return !kiq::test::processRunning(child); }, 5000));
            heldAtKills += heldInProgress();
            ++kills;
            QVERIFY2(integer(redis::Command("LLEN").key("queue:default")) > 0,
                "the kill came too late: the queue was already drained");
        }
        QVERIFY(heldAtKills > 0); // the kills did leave jobs in progress
        qInfo("%d kills left %lld jobs in in-progress lists", kills, heldAtKills);

        const pid_t last = spawnChild(99);
        QVERIFY(waitUntil([&] { return integer(redis::Command("SCARD").key("ran")) == kJobs; }, 60000, 20));
        QVERIFY(waitUntil(
            [&] { return heldInProgress() == 0 && integer(redis::Command("LLEN").key("queue:default")) == 0; }, 5000));
        ::kill(last, SIGTERM);
        QVERIFY(waitUntil([&] { return !kiq::test::processRunning(last); }, 10000));

        QCOMPARE(
            integer(redis::Command("SCARD").key("ran")), static_cast<long long>(kJobs)); // every job ran at least once
        QVERIFY(runs() >= kJobs);
        qInfo("%lld executions for %d jobs (%lld ran twice after a kill)", runs(), kJobs, runs() - kJobs);
        QVERIFY(runs() - kJobs <= heldAtKills); // only jobs caught in progress ran again
        QCOMPARE(heldInProgress(), 0LL);
        QCOMPARE(integer(redis::Command("HLEN").key("kiqdesk:inprogress")), 0LL); // every dead pool was cleaned up
        QCOMPARE(integer(redis::Command("SCARD").key("processes")), 0LL);
    }
};

QTEST_GUILESS_MAIN(TestWorkerCrash)
#include "tst_worker_crash.moc"
