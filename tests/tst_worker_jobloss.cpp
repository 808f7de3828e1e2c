// No job lost when a key the pool writes to has the wrong type (issue 13), against a real redis-server:
// a failure whose `retry`/`dead` write is refused stays in progress; due scheduled jobs, requeues and
// orphan recovery check their destinations before the first write and send what no queue can take to
// `dead` (or, when `dead` cannot take it either, leave it where it is); nothing loops.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "worker/Fetcher.h"
#include "worker/Heartbeat.h"
#include "worker/Launcher.h"
#include "worker/ScheduledPoller.h"
#include "worker/WorkerKeys.h"

#include <QTest>

#include <algorithm>
#include <atomic>

using namespace kiq;
using namespace kiq::worker;
using namespace kiq::test;
using redis::Command;

namespace {
std::string job(const std::string& queue, const std::string& jid)
{
    return R"({"retry":true,"queue":")" + queue + R"(","class":"EchoJob","args":[")" + jid + R"("],"jid":")" + jid
        + R"("})";
}
} // namespace

class TestWorkerJobLoss : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    WorkerOptions options(int concurrency = 2) const { return quickWorkerOptions({"default"}, concurrency); }
    HandlerRegistry echo()
    {
        HandlerRegistry handlers;
        handlers.add("EchoJob", [](const JobContext& ctx) {
            ctx.redis.command(Command("INCR").key("runs:" + ctx.job.jid)).throwIfError();
        });
        return handlers;
    }
    redis::Reply run(const std::vector<std::string>& argv) { return m_client->command(Command::raw(argv)); }
    long long integer(const std::vector<std::string>& argv) { return run(argv).throwIfError().asInteger(); }
    std::vector<std::string> list(const std::string& key)
    {
        return run({"LRANGE", key, "0", "-1"}).throwIfError().asStringList();
    }
    std::vector<std::string> members(const std::string& key)
    {
        return run({"ZRANGE", key, "0", "-1"}).throwIfError().asStringList();
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void aFailureWhoseRetryCannotBeWrittenStaysInProgress()
    {
        std::atomic<int> runs {0};
        HandlerRegistry handlers;
        handlers.add("AlwaysFails", [&runs](const JobContext&) {
            ++runs;
            throw std::runtime_error("boom");
        });
        LogCapture log;
        Launcher pool(kiq::test::optionsFor(*m_server), options(2), std::move(handlers), log.sink());
        run({"SET", "retry", "not a sorted set"});
        run({"SET", "dead", "not a sorted set either"});
        const std::string retried = sidekiq::JobBuilder("AlwaysFails", "[1]").build().json;
        sidekiq::JobBuilder zero("AlwaysFails", "[2]");
        zero.setRetry(sidekiq::RetryPolicy::times(0)); // straight to dead
        const std::string killed = zero.build().json;
        run({"LPUSH", "queue:default", retried, killed});
        pool.start();

        QVERIFY(waitUntil(
            [&] { return log.contains("WRONGTYPE retry is a string") && log.contains("WRONGTYPE dead is a string"); },
            5000));
        QTest::qWait(1500); // the writes are retried every second; the jobs do not run again
        QCOMPARE(runs.load(), 2);
        std::vector<std::string> held = list(keys::inProgress(pool.identity(), 0));
        for (const auto& j : list(keys::inProgress(pool.identity(), 1))) held.push_back(j);
        std::sort(held.begin(), held.end());
        std::vector<std::string> both {retried, killed};
        std::sort(both.begin(), both.end());
        QCOMPARE(held, both);
        QCOMPARE(integer({"LLEN", "queue:default"}), 0LL);

        run({"DEL", "retry", "dead"});
        QVERIFY(waitUntil([&] { return integer({"ZCARD", "retry"}) == 1 && integer({"ZCARD", "dead"}) == 1; }, 5000));
        QCOMPARE(sidekiq::JobRecord::parse(members("retry")[0]).jid, sidekiq::JobRecord::parse(retried).jid);
        QCOMPARE(sidekiq::JobRecord::parse(members("dead")[0]).jid, sidekiq::JobRecord::parse(killed).jid);
        QVERIFY(
            list(keys::inProgress(pool.identity(), 0)).empty() && list(keys::inProgress(pool.identity(), 1)).empty());
        QVERIFY(log.contains("done after the error"));
        QCOMPARE(runs.load(), 2);
        pool.stop();
    }

    void dueJobsWhoseQueueIsNotAListGoToDead()
    {
        LogCapture log;
        Launcher pool(kiq::test::optionsFor(*m_server), options(1), echo(), log.sink());
        const std::string broken = job("x", "broken");
        const std::string fine = job("elsewhere", "fine");
        run({"SET", "queue:x", "1"});
        run({"ZADD", "schedule", "0", broken, "1", fine});
        pool.start();
        QVERIFY(waitUntil(
            [&] {
                return integer({"ZCARD", "dead"}) == 1 && integer({"LLEN", "queue:elsewhere"}) == 1;
            },
            5000));
        QCOMPARE(members("dead"), std::vector<std::string> {broken}); // as it was
        QCOMPARE(integer({"ZCARD", "schedule"}), 0LL);
        QCOMPARE(run({"GET", "queue:x"}).asString(), std::string("1"));
        QVERIFY(log.contains("queue:x is a string, not a list"));
        pool.stop();
    }

    void dueJobsNoKeyCanTakeStayAndLaterPagesStillMove()
    {
        LogCapture log;
        auto ctx = std::make_shared<PoolContext>(options(), HandlerRegistry {}, kiq::test::optionsFor(*m_server),
            "me:1:ffffffffffff", Logger(LogLevel::Info, log.sink()));
        run({"SET", "queue:x", "1"});
        run({"SET", "dead", "1"});
        std::vector<std::string> zadd {"ZADD", "schedule"};
        for (int i = 0; i < 150; ++i) { // more than a page (100) of jobs that cannot move
            zadd.push_back(std::to_string(now() - 1000 + i));
            zadd.push_back(job("x", "stuck" + std::to_string(i)));
        }
        zadd.push_back(std::to_string(now() - 1));
        zadd.push_back(job("y", "last"));
        integer(zadd);
        const PollResult r = ScheduledPoller::enqueueDue(*m_client, *ctx, now());
        QCOMPARE(r.kept, 150LL);
        QCOMPARE(r.enqueued, 1LL);
        QCOMPARE(r.toDead, 0LL);
        QCOMPARE(integer({"ZCARD", "schedule"}), 150LL);
        QCOMPARE(list("queue:y").size(), std::size_t(1));
        QCOMPARE(sidekiq::JobRecord::parse(list("queue:y")[0]).jid, std::string("last"));
        QVERIFY(log.contains("dead is a string, not a zset"));
    }

    void aRetrySetOfTheWrongTypeDoesNotStopTheSchedule()
    {
        LogCapture log;
        auto ctx = std::make_shared<PoolContext>(options(), HandlerRegistry {}, kiq::test::optionsFor(*m_server),
            "me:1:ffffffffffff", Logger(LogLevel::Info, log.sink()));
        run({"SET", "retry", "1"});
        run({"ZADD", "schedule", std::to_string(now() - 1), job("q", "due")});
        const PollResult r = ScheduledPoller::enqueueDue(*m_client, *ctx, now());
        QCOMPARE(r.enqueued, 1LL);
        QCOMPARE(integer({"LLEN", "queue:q"}), 1LL);
        QVERIFY(log.contains("retry is not a sorted set"));
    }

    void requeueSendsWhatNoQueueTakesToDead()
    {
        const std::string key = keys::inProgress("me:1:aaaaaaaaaaaa", 0);
        const std::string a = job("a", "a1"), x = job("x", "x1");
        run({"LPUSH", key, x, a}); // as fetched: a first, then x
        run({"SET", "queue:x", "1"});
        const WorkerOptions o = options();
        Fetcher f(*m_client, o, key, 0);
        const Requeued r = f.requeue({{"a", a}, {"x", x}});
        QCOMPARE(list("queue:a"), std::vector<std::string> {a});
        QCOMPARE(members("dead"), std::vector<std::string> {x});
        QCOMPARE(integer({"EXISTS", key}), 0LL);
        QCOMPARE(r.pushed, 1LL);
        QCOMPARE(r.toDead, 1LL);
        QVERIFY2(r.misfits.find("queue:x is a string, not a list") != std::string::npos, r.misfits.c_str());
    }

    void requeueAllSendsWhatNoQueueTakesToDeadAndClearsTheList()
    {
        const std::string key = keys::inProgress("me:1:aaaaaaaaaaaa", 0);
        const std::string a1 = job("a", "a1"), x = job("x", "x1"), a2 = job("a", "a2");
        run({"RPUSH", key, a1, x, "not json", a2});
        run({"SET", "queue:x", "1"});
        const WorkerOptions o = options();
        Fetcher f(*m_client, o, key, 0);
        const Requeued r = f.requeueAll();
        QCOMPARE(list("queue:a"), (std::vector<std::string> {a1, a2}));
        auto dead = members("dead");
        std::sort(dead.begin(), dead.end());
        std::vector<std::string> expected {"not json", x};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(dead, expected);
        QCOMPARE(integer({"EXISTS", key}), 0LL);
        QCOMPARE(r.pushed, 2LL);
        QCOMPARE(r.toDead, 2LL);
        QVERIFY2(r.misfits.find("queue:x is a string, not a list") != std::string::npos, r.misfits.c_str());
        QVERIFY(r.misfits.find("dead") == std::string::npos);
    }

    void requeuesWriteNothingWhenDeadCannotTakeTheJobEither()
    {
        const std::string key = keys::inProgress("me:1:aaaaaaaaaaaa", 0);
        const std::string a = job("a", "a1"), x = job("x", "x1");
        run({"LPUSH", key, x, a});
        run({"SET", "queue:x", "1"});
        run({"SET", "dead", "1"});
        const WorkerOptions o = options();
        Fetcher f(*m_client, o, key, 0);
        QVERIFY_THROWS_EXCEPTION(redis::ReplyError, f.requeue({{"a", a}, {"x", x}}));
        QVERIFY_THROWS_EXCEPTION(redis::ReplyError, f.requeueAll());
        QCOMPARE(list(key), (std::vector<std::string> {a, x}));
        QCOMPARE(integer({"EXISTS", "queue:a"}), 0LL);
    }

    void poolStartsAndRecoversOrphansWhoseQueueIsNotAList()
    {
        const std::string ghost = "otherhost:4242:aaaaaaaaaaaa";
        const std::string x = job("x", "x1"), ok = job("default", "ok1");
        run({"HSET", "kiqdesk:inprogress", ghost, R"({"lists":1,"pid":4242,"boot":"x","pidns":"y"})"});
        run({"LPUSH", keys::inProgress(ghost, 0), x, ok});
        run({"SET", "queue:x", "1"});
        LogCapture log;
        Launcher pool(kiq::test::optionsFor(*m_server), options(1), echo(), log.sink());
        pool.start();
        QVERIFY(waitUntil(
            [&] {
                return run({"GET", "runs:ok1"}).asOptionalString() == std::optional<std::string>("1");
            },
            5000));
        QCOMPARE(members("dead"), std::vector<std::string> {x});
        QCOMPARE(integer({"EXISTS", keys::inProgress(ghost, 0)}), 0LL);
        QVERIFY(log.contains("queue:x is a string, not a list"));
        pool.stop();
    }

    void orphansWhoseJobsNoKeyCanTakeKeepThemAndThePoolStarts()
    {
        const std::string ghost = "otherhost:4242:aaaaaaaaaaaa";
        const std::string x = job("x", "x1"), ok = job("default", "ok1");
        run({"HSET", "kiqdesk:inprogress", ghost, R"({"lists":1,"pid":4242,"boot":"x","pidns":"y"})"});
        run({"LPUSH", keys::inProgress(ghost, 0), x, ok});
        run({"SET", "queue:x", "1"});
        run({"SET", "dead", "1"});
        LogCapture log;
        Launcher pool(kiq::test::optionsFor(*m_server), options(1), echo(), log.sink());
        pool.start();
        QVERIFY(log.contains("cannot recover the in-progress jobs of " + ghost));
        QCOMPARE(list(keys::inProgress(ghost, 0)), (std::vector<std::string> {ok, x}));
        QCOMPARE(integer({"HEXISTS", "kiqdesk:inprogress", ghost}), 1LL); // tried again at the next pass
        pool.stop();
    }

    void heartbeatCountsOnceWhenADailyStatKeyIsBroken()
    {
        // The stats MULTI runs but one INCRBY fails: the counts that were added are not added again,
        // and the process still registers.
        run({"SET", "stat:processed:" + utcDate(), "not a number"});
        LogCapture log;
        Launcher pool(kiq::test::optionsFor(*m_server), options(1), echo(), log.sink());
        pool.start();
        run({"LPUSH", "queue:default", job("default", "j1")});
        QVERIFY(waitUntil(
            [&] {
                return run({"GET", "stat:processed"}).asOptionalString() == std::optional<std::string>("1");
            },
            5000));
        QTest::qWait(1000); // three more heartbeats
        QCOMPARE(run({"GET", "stat:processed"}).asString(), std::string("1"));
        QCOMPARE(integer({"SISMEMBER", "processes", pool.identity()}), 1LL);
        QCOMPARE(integer({"EXISTS", pool.identity()}), 1LL);
        pool.stop();
    }
};

QTEST_GUILESS_MAIN(TestWorkerJobLoss)
#include "tst_worker_jobloss.moc"
