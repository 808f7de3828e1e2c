// A Sentinel failover in the middle of a worker pool run (harness SentinelGroup: primary, replica,
// one sentinel). Jobs are enqueued on the primary and replicated (WAIT) before the pool starts; the
// pool connects through the sentinel; SENTINEL FAILOVER is triggered while it is draining. The pool
// must follow the new primary and run every job: counted in-process by the C++ handler, each job runs
// at least once, and afterwards no job is left in a queue or an in-progress list on the new primary.
//
// Jobs do run twice, by design of Sentinel and not a loss: between the replica's promotion and the
// old primary's demotion, the old primary still accepts the pool's fetches and acknowledgements; when
// it is demoted it resyncs from the new primary and those writes vanish, so the jobs the pool finished
// in that window are still queued on the new primary and run again (at-least-once).
#include "harness/Fixture.h"
#include "harness/SentinelGroup.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/model/JobBuilder.h"
#include "worker/Launcher.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

using namespace kiq;
using kiq::test::SentinelGroup;
using kiq::test::TlsFiles;
using kiq::test::waitUntil;

class TestFaultFailover : public QObject {
    Q_OBJECT

private slots:
    // Everything over TLS: the primary is killed (-9) while the client waits in a blocking command.
    // The lost connection must be a transient ConnectionLost (a TLS EOF without close_notify used to
    // be a permanent Tls error), and the client must follow the failover Sentinel then makes on its own.
    void clientFollowsFailoverAfterKillOverTls()
    {
        QTemporaryDir dir;
        const TlsFiles tls = TlsFiles::generate(dir.path());
        SentinelGroup group(&tls);
        const int firstPrimary = group.primary().port();

        redis::ConnectionOptions o = kiq::test::sentinelOptionsFor(group);
        o.tls.enabled = true;
        o.tls.caFile = tls.caCert.toStdString();
        o.commandTimeout = std::chrono::milliseconds(3000);
        redis::Client client(o);
        QVERIFY(client.command(redis::Command("SET").key("k").arg(std::string_view("before"))).isOk());
        QCOMPARE(client.primaries().front().port, firstPrimary);

        std::thread killer([&group] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            group.primary().kill9();
        });
        try {
            client.blockingCommand(redis::Command("BLPOP").key("nothing").arg(10), std::chrono::milliseconds(10000));
            killer.join();
            QFAIL("expected the kill to end the blocking command");
        } catch (const redis::Error& e) {
            killer.join();
            QVERIFY2(e.kind() == redis::ErrorKind::ConnectionLost && e.isTransient(), e.what());
        }

        // Sentinel needs down-after (1 s) plus the failover itself; meanwhile every failure must be
        // transient, or a caller's retry loop would give up.
        bool wrote = false;
        QString lastError;
        QElapsedTimer t;
        t.start();
        while (!wrote && t.elapsed() < 30000) {
            try {
                wrote = client.command(redis::Command("SET").key("k").arg(std::string_view("after"))).isOk();
            } catch (const redis::Error& e) {
                lastError = e.what();
                QVERIFY2(e.isTransient(), e.what());
                QTest::qWait(200);
            }
        }
        QVERIFY2(wrote, qPrintable(lastError));
        QCOMPARE(group.reportedMasterPort(), group.replica().port());
        QCOMPARE(client.primaries().front().port, group.replica().port());
        QCOMPARE(group.replica().cli({"GET", "k"}), QString("after"));
    }

    void poolFollowsTheNewPrimaryLosingNoJob()
    {
        constexpr int kJobs = 12000;
        SentinelGroup group;
        const int firstPrimary = group.primary().port();

        redis::ConnectionOptions viaSentinel = kiq::test::sentinelOptionsFor(group);
        viaSentinel.reconnectBaseDelay = std::chrono::milliseconds(50);

        redis::Client client(viaSentinel);
        std::vector<redis::Command> push;
        for (int i = 0; i < kJobs; i += 1000) {
            redis::Command lpush("LPUSH");
            lpush.key("queue:default");
            for (int k = i; k < i + 1000; ++k)
                lpush.arg(sidekiq::JobBuilder("FailoverJob", "[" + std::to_string(k) + "]").build().json);
            push.push_back(std::move(lpush));
        }
        push.push_back(redis::Command("SADD").key("queues").arg("default"));
        for (const auto& r : client.pipeline(push)) r.throwIfError();
        // Every job is on the replica before the pool starts: the failover must not lose them.
        QCOMPARE(client.command(redis::Command("WAIT").arg(1).arg(5000)).asInteger(), 1LL);
        QCOMPARE(group.replica().cli({"LLEN", "queue:default"}), QString::number(kJobs));

        auto runs = std::make_shared<std::vector<std::atomic<int>>>(kJobs);
        auto done = std::make_shared<std::atomic<long long>>(0);
        auto failedOver = std::make_shared<std::atomic<bool>>(false);
        worker::HandlerRegistry handlers;
        handlers.add("FailoverJob", [runs, done, failedOver](const worker::JobContext& ctx) {
            // Past half the jobs, wait for the switch: however long it takes on a loaded machine, jobs
            // are left for the new primary (a pool that drained everything first would prove nothing).
            for (int i = 0; i < 30000 && done->load() >= kJobs / 2 && !failedOver->load(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const std::string_view args = ctx.argsJson();
            const auto spans = sidekiq::json::arrayElements(args);
            if (!spans || spans->empty()) throw worker::JobError("ArgumentError", "FailoverJob needs an index");
            const int index = std::stoi(std::string((*spans)[0].in(args)));
            ++(*runs)[std::size_t(index)];
            ++*done;
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        });
        auto errors = std::make_shared<std::atomic<int>>(0);
        auto lastError = std::make_shared<std::string>();
        auto logMutex = std::make_shared<std::mutex>();
        worker::WorkerOptions options;
        options.concurrency = 5;
        options.shutdownTimeout = std::chrono::seconds(5);
        options.logLevel = worker::LogLevel::Warn;
        options.heartbeatInterval = std::chrono::milliseconds(1000);
        worker::Launcher pool(viaSentinel, options, std::move(handlers),
            [errors, lastError, logMutex](worker::LogLevel, std::string_view m) {
                ++*errors;
                std::lock_guard lock(*logMutex);
                *lastError = std::string(m);
            });
        pool.start();

        QVERIFY2(waitUntil([&] { return done->load() >= kJobs / 4; }, 30000, 5), "the pool made no progress");
        const long long doneAtFailover = done->load();
        QElapsedTimer switchTime;
        switchTime.start();
        group.failover();
        failedOver->store(true);
        const qint64 switchMs = switchTime.elapsed();
        const long long doneInSwitch = done->load() - doneAtFailover;
        QVERIFY(group.reportedMasterPort() != firstPrimary);
        QVERIFY2(done->load() < kJobs, "the failover came too late: every job had run");
        qInfo("failover after %lld of %d jobs, to port %d, old primary demoted after %lld ms", doneAtFailover, kJobs,
            group.reportedMasterPort(), switchMs);
        auto& master = group.currentMaster();
        QVERIFY2(waitUntil(
                     [&] {
                         return master.cli({"SMEMBERS", "processes"}).contains(QString::fromStdString(pool.identity()));
                     },
                     10000),
            "the pool's heartbeat never reached the new primary");

        const bool allRan = waitUntil(
            [&] {
                for (const auto& r : *runs)
                    if (r.load() == 0) return false;
                return true;
            },
            60000, 50);
        pool.stop();

        long long never = 0, twice = 0;
        for (const auto& r : *runs) {
            if (r.load() == 0) ++never;
            if (r.load() > 1) twice += r.load() - 1;
        }
        {
            std::lock_guard lock(*logMutex);
            qInfo("%d jobs: %lld never ran, %lld extra runs; %d warnings from the pool (last: %s)", kJobs, never, twice,
                errors->load(), lastError->c_str());
        }
        QVERIFY2(allRan, qPrintable(QString("%1 jobs never ran").arg(never)));
        QCOMPARE(never, 0LL);

        // Nothing left behind on the new primary: the queue and every in-progress list are empty.
        QCOMPARE(master.port(), group.reportedMasterPort());
        QCOMPARE(master.cli({"LLEN", "queue:default"}), QString("0"));
        long long held = 0;
        for (const auto& key : master.cli({"KEYS", "*:inprogress:*"}).split('\n', Qt::SkipEmptyParts))
            held += master.cli({"LLEN", key}).toLongLong();
        QCOMPARE(held, 0LL);
        // Only the switch window reruns jobs: those finished on the old primary meanwhile, plus at most
        // what the pool held fetched (concurrency × batch) when it moved.
        qInfo("%lld jobs finished during the switch", doneInSwitch);
        QVERIFY(twice <= doneInSwitch + options.concurrency * options.fetchBatchMax);
        // The pool's heartbeat reached the new primary: it follows it, not just the jobs.
        QVERIFY(master.cli({"SMEMBERS", "processes"}).isEmpty()); // pool.stop() removed it again
    }
};

QTEST_GUILESS_MAIN(TestFaultFailover)
#include "tst_fault_failover.moc"
