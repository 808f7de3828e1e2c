// The CI-sized kill -9 soak (the long one is `worker_throughput --soak 100`): a worker pool in its
// own process (worker_child) is started and killed with SIGKILL after a random 40–250 ms, 25 times,
// wherever it happens to be (connecting, recovering its predecessors' jobs, fetching, running).
// Then one pool drains the rest. Every job must have run at least once, only jobs caught in progress
// may have run twice, and no in-progress list or process entry may be left behind.
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"

#include <QDir>
#include <QTest>

#include <csignal>
#include <random>
#include <thread>

using namespace kiq;
using kiq::test::waitUntil;

class TestFaultKillSoak : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    long long integer(const redis::Command& c) { return m_client->command(c).throwIfError().asInteger(); }
    long long runs() { return kiq::test::integerAt(*m_client, "runs"); }
    long long heldInProgress() { return kiq::test::heldInProgress(*m_client); }
    pid_t spawnChild(const QString& name, int concurrency)
    {
        const QString log = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("kill_soak-%1.log").arg(name));
        QFile::remove(log);
        return kiq::test::spawnProcess(KIQ_WORKER_CHILD,
            {"--port", QString::number(m_server->port()), "--concurrency", QString::number(concurrency), "--batch",
                "50", "--work-us", "500"},
            log);
    }

private slots:
    void initTestCase() { startServer(); }

    void twentyFiveKillsLoseNoJob()
    {
        constexpr int kJobs = 60000, kRounds = 25;
        std::vector<redis::Command> push;
        for (int i = 0; i < kJobs; i += 1000) {
            redis::Command lpush("LPUSH");
            lpush.key("queue:default");
            for (int k = i; k < i + 1000; ++k)
                lpush.arg(sidekiq::JobBuilder("CrashJob", "[\"tok" + std::to_string(k) + "\"]").build().json);
            push.push_back(std::move(lpush));
        }
        for (const auto& r : m_client->pipeline(push)) r.throwIfError();

        std::mt19937 rng(std::random_device {}());
        std::uniform_int_distribution<int> aliveMs(40, 250);
        long long heldAtKills = 0;
        int kills = 0, killsHoldingJobs = 0;
        for (int round = 0; round < kRounds; ++round) {
            const pid_t child = spawnChild(QString::number(round), 5);
            std::this_thread::sleep_for(std::chrono::milliseconds(aliveMs(rng)));
            ::kill(child, SIGKILL);
            QVERIFY(waitUntil([&] { return !kiq::test::processRunning(child); }, 5000));
            ++kills;
            const long long held = heldInProgress();
            heldAtKills += held;
            killsHoldingJobs += held > 0 ? 1 : 0;
            if (integer(redis::Command("LLEN").key("queue:default")) == 0) break;
        }
        const long long ranDuringKills = integer(redis::Command("SCARD").key("ran"));
        QCOMPARE(kills, kRounds); // the queue outlasted every round: each kill could hit work
        QVERIFY2(killsHoldingJobs >= kRounds / 3,
            qPrintable(QString("only %1 kills caught jobs in progress").arg(killsHoldingJobs)));
        QVERIFY(ranDuringKills > 0 && ranDuringKills < kJobs);

        const pid_t last = spawnChild("final", 20); // the jobs only sleep: more threads drain the rest sooner
        QVERIFY(waitUntil([&] { return integer(redis::Command("SCARD").key("ran")) == kJobs; }, 50000, 20));
        QVERIFY(waitUntil(
            [&] { return heldInProgress() == 0 && integer(redis::Command("LLEN").key("queue:default")) == 0; }, 5000));
        ::kill(last, SIGTERM);
        QVERIFY(waitUntil([&] { return !kiq::test::processRunning(last); }, 10000));

        qInfo("%d kill -9 rounds (%d caught jobs in progress, %lld jobs held in all), %lld of %d jobs ran meanwhile; "
              "0 lost, %lld ran twice",
            kills, killsHoldingJobs, heldAtKills, ranDuringKills, kJobs, runs() - kJobs);
        QCOMPARE(integer(redis::Command("SCARD").key("ran")), static_cast<long long>(kJobs)); // none lost
        QVERIFY(runs() - kJobs <= heldAtKills); // only jobs caught in progress ran again
        QCOMPARE(heldInProgress(), 0LL);
        QCOMPARE(integer(redis::Command("HLEN").key("kiqdesk:inprogress")), 0LL);
        QCOMPARE(integer(redis::Command("SCARD").key("processes")), 0LL);
    }
};

QTEST_GUILESS_MAIN(TestFaultKillSoak)
#include "tst_fault_kill_soak.moc"
