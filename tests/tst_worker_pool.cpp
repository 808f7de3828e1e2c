// The worker pool against a real redis-server: handlers (C++, external commands, unknown classes),
// Sidekiq's retry schedule and morgue, the scheduled poller, paused and ordered queues, batched
// fetch, shutdown with running jobs, orphan recovery and the heartbeat's wire format.
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Timestamp.h"
#include "sidekiq/model/WorkRecord.h"
#include "worker/ExternalCommand.h"
#include "worker/Heartbeat.h"
#include "worker/Launcher.h"
#include "worker/OrphanRecovery.h"
#include "worker/PoolSpec.h"
#include "worker/ProcessInfo.h"
#include "worker/ScheduledPoller.h"
#include "worker/UnhandledClasses.h"
#include "worker/WorkerKeys.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace kiq;
using namespace kiq::worker;
using namespace kiq::test;
using sidekiq::JobRecord;

namespace {
// jobs.rb's EchoJob: SET done:<token> jid, INCR runs:<token>.
void echoJob(const JobContext& ctx)
{
    const std::string_view args = ctx.argsJson();
    const auto spans = sidekiq::json::arrayElements(args);
    std::string token((*spans)[0].in(args));
    if (!token.empty() && token.front() == '"') token = token.substr(1, token.size() - 2);
    ctx.redis.pipeline(
        {redis::Command("SET").key("done:" + token).arg(ctx.job.jid), redis::Command("INCR").key("runs:" + token)});
}
} // namespace

class TestWorkerPool : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    WorkerOptions options(const std::vector<std::string>& queues = {"default"}, int concurrency = 2) const
    {
        return quickWorkerOptions(queues, concurrency);
    }

    // Pushes like Sidekiq's client: SADD queues + LPUSH queue:<q>. Returns the raw payload.
    std::string push(const std::string& className, const std::string& args, const std::string& queue = "default",
        std::vector<std::pair<std::string, std::string>> extras = {}, std::optional<sidekiq::RetryPolicy> retry = {})
    {
        sidekiq::JobBuilder b(className, args);
        b.setQueue(queue);
        if (retry) b.setRetry(*retry);
        for (auto& [k, v] : extras) b.setExtraRaw(k, v);
        const auto built = b.build();
        if (!built.ok()) qFatal("%s", built.error.c_str());
        pushRaw(built.json, queue);
        return built.json;
    }
    void pushRaw(const std::string& raw, const std::string& queue)
    {
        m_client->pipeline(
            {redis::Command("SADD").key("queues").arg(queue), redis::Command("LPUSH").key("queue:" + queue).arg(raw)});
    }
    std::string get(const std::string& key)
    {
        return m_client->command(redis::Command("GET").key(key)).asOptionalString().value_or("");
    }
    long long integer(redis::Command c) { return m_client->command(c).throwIfError().asInteger(); }
    long long llen(const std::string& key) { return integer(redis::Command("LLEN").key(key)); }
    long long zcard(const std::string& key) { return integer(redis::Command("ZCARD").key(key)); }
    std::vector<std::string> zrangeWithScores(const std::string& key)
    {
        return m_client->command(redis::Command("ZRANGE").key(key).arg(0).arg(-1).arg("WITHSCORES"))
            .throwIfError()
            .asStringList();
    }
    std::vector<std::string> keys(const std::string& pattern)
    {
        return m_client->command(redis::Command("KEYS").arg(pattern)).asStringList();
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void cppHandlerRunsJobsAndStopLeavesNothingBehind()
    {
        HandlerRegistry handlers;
        handlers.add("EchoJob", echoJob);
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers));
        pool.start();
        std::vector<std::string> jids;
        for (int i = 0; i < 3; ++i)
            jids.push_back(JobRecord::parse(push("EchoJob", "[\"t" + std::to_string(i) + "\"]")).jid);
        QVERIFY(
            waitUntil([&] { return get("runs:t2") == "1" && get("runs:t0") == "1" && get("runs:t1") == "1"; }, 5000));
        QCOMPARE(get("done:t1"), jids[1]);
        // The handler's own writes land before the pool counts the job done (after the handler returns).
        QVERIFY(waitUntil([&] { return pool.snapshot().processed == 3; }, 5000));
        QCOMPARE(pool.snapshot().processed, 3LL);
        const auto stopStarted = std::chrono::steady_clock::now();
        pool.stop();
        // Idle threads were woken from BLMOVE (CLIENT UNBLOCK), not left to their 2 s timeout.
        QVERIFY(std::chrono::steady_clock::now() - stopStarted < std::chrono::milliseconds(1500));
        QCOMPARE(get("stat:processed"), std::string("3"));
        QCOMPARE(get("stat:processed:" + utcDate()), std::string("3"));
        QVERIFY(integer(redis::Command("TTL").key("stat:processed:" + utcDate())) > 150000000);
        QCOMPARE(integer(redis::Command("SISMEMBER").key("processes").arg(pool.identity())), 0LL);
        QVERIFY(keys("*:inprogress:*").empty());
        QCOMPARE(integer(redis::Command("HLEN").key("kiqdesk:inprogress")), 0LL);
        QCOMPARE(llen("queue:default"), 0LL);
    }

    void failureIsScheduledForRetryLikeSidekiq()
    {
        HandlerRegistry handlers;
        handlers.add(
            "Boom", [](const JobContext& ctx) { throw JobError("ArgumentError", "not allowed yet: " + ctx.job.jid); });
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers));
        pool.start();
        const double before = now();
        const std::string raw = push("Boom", "[1]", "default", {{"backtrace", "true"}});
        const std::string jid = JobRecord::parse(raw).jid;
        QVERIFY(waitUntil([&] { return zcard("retry") == 1; }, 5000));
        const double after = now();
        const auto entry = zrangeWithScores("retry");
        const double score = std::stod(entry[1]);
        // count 0: now + 0**4 + 15 + rand(10) * 1
        QVERIFY2(score >= before + 15 && score <= after + 24, entry[1].c_str());
        const JobRecord job = JobRecord::parse(entry[0]);
        QVERIFY2(job.ok(), job.parseError.c_str());
        QCOMPARE(job.jid, jid);
        QCOMPARE(*job.errorClass, std::string("ArgumentError"));
        QCOMPARE(*job.errorMessage, "not allowed yet: " + jid);
        QCOMPARE(*job.retryCount, std::int64_t(0));
        QVERIFY(job.failedAt && job.failedAt->seconds() >= before && job.failedAt->seconds() <= after);
        QVERIFY(job.errorBacktrace && job.errorBacktrace->front().find("Boom") != std::string::npos);
        QCOMPARE(job.queue, std::string("default"));
        QVERIFY(keys("*:inprogress:*").empty()); // acknowledged with the ZADD
        pool.stop();
        QCOMPARE(get("stat:failed"), std::string("1"));
        QCOMPARE(get("stat:processed"), std::string("1"));
    }

    void retryOneDiesOnTheSecondFailureThroughOurPoller()
    {
        HandlerRegistry handlers;
        handlers.add("Boom", [](const JobContext&) { throw std::runtime_error("boom"); });
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers));
        pool.start();
        push("Boom", "[]", "default", {}, sidekiq::RetryPolicy::times(1));
        QVERIFY(waitUntil([&] { return zcard("retry") == 1; }, 5000));
        const std::string first = zrangeWithScores("retry")[0];
        // Make it due now; our poller (200 ms average) moves it back to its queue.
        integer(redis::Command("ZADD").key("retry").arg("XX").arg(now()).arg(first));
        QVERIFY(waitUntil([&] { return zcard("dead") == 1; }, 5000));
        QCOMPARE(zcard("retry"), 0LL);
        const auto dead = zrangeWithScores("dead");
        const JobRecord job = JobRecord::parse(dead[0]);
        QCOMPARE(*job.retryCount, std::int64_t(1));
        QVERIFY(job.retriedAt.has_value());
        QCOMPARE(*job.errorClass, std::string("std::runtime_error"));
        QVERIFY(job.enqueuedAt->seconds()
            > JobRecord::parse(first).enqueuedAt->seconds()); // fresh enqueued_at from the poller
        QVERIFY(std::abs(std::stod(dead[1]) - now()) < 5);
        pool.stop();
    }

    void unknownClassGoesBackUnchangedAndIsLeftAlone()
    {
        // A staging deployment's real Sidekiq job: this pool has no handler for it.
        const std::string hard = push("HardJob", "[1]", "default", {}, sidekiq::RetryPolicy::times(20));
        for (int i = 0; i < 5; ++i) push("EchoJob", "[\"u" + std::to_string(i) + "\"]");
        HandlerRegistry handlers;
        handlers.add("EchoJob", echoJob);
        LogCapture logs;
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers), logs.sink());
        pool.start();
        QVERIFY(waitUntil([&] { return get("runs:u4") == "1" && get("runs:u0") == "1"; }, 5000));
        // The queue is backed off once the pool has seen only HardJob in it.
        QVERIFY(waitUntil([&] { return logs.contains("holds only jobs without a handler"); }, 5000));
        const auto list
            = m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList();
        QCOMPARE(list, std::vector<std::string> {hard});
        QCOMPARE(zcard("retry"), 0LL);
        QCOMPARE(zcard("dead"), 0LL);
        QCOMPARE(std::atoll(get("stat:failed").c_str()), 0LL);
        QCOMPARE(pool.snapshot().failed, 0LL);
        QCOMPARE(pool.snapshot().processed, 5LL);
        // Not spinning: over 3 s, a few hand-backs (LPUSH, also counted when a script calls it) at most.
        m_client->command(redis::Command("CONFIG").arg("RESETSTAT")).throwIfError();
        QTest::qWait(3000);
        const std::string stats = m_client->command(redis::Command("INFO").arg("commandstats")).asString();
        const auto callsOf = [&](const std::string& cmd) {
            const auto at = stats.find("cmdstat_" + cmd + ":calls=");
            return at == std::string::npos ? 0LL : std::stoll(stats.substr(at + cmd.size() + 15));
        };
        QVERIFY2(callsOf("lpush") <= 4, stats.c_str());
        QVERIFY2(callsOf("evalsha") <= 20, stats.c_str());
        pool.stop();
        QCOMPARE(m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList(),
            std::vector<std::string> {hard});
        int warnings = 0;
        for (const auto& l : logs.lines()) warnings += l.find("no handler for class HardJob") != std::string::npos;
        QCOMPARE(warnings, 1);
    }

    void manyThreadsBackOffOnce()
    {
        // Ten threads fetch the three HardJobs at once: those that fetched before the back-off began
        // hand theirs back too, which is not a new round (it was escalating to 40 s within milliseconds).
        std::vector<std::string> hard;
        for (int i = 0; i < 3; ++i)
            hard.push_back(
                push("HardJob", "[" + std::to_string(i) + "]", "default", {}, sidekiq::RetryPolicy::times(20)));
        LogCapture logs;
        Launcher pool(kiq::test::optionsFor(*m_server), options({"default"}, 10), HandlerRegistry {}, logs.sink());
        pool.start();
        QVERIFY(waitUntil([&] { return logs.contains("holds only jobs without a handler"); }, 5000));
        QTest::qWait(1000);
        pool.stop();
        std::vector<std::string> backOffs;
        for (const auto& l : logs.lines())
            if (l.find("holds only jobs without a handler") != std::string::npos) backOffs.push_back(l);
        QCOMPARE(backOffs.size(), std::size_t(1));
        QVERIFY2(backOffs[0].find("for 5 s") != std::string::npos, backOffs[0].c_str());
        auto list = m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList();
        std::sort(list.begin(), list.end());
        std::sort(hard.begin(), hard.end());
        QCOMPARE(list, hard);
    }

    void sampleListsWaitingClassesWithoutAHandler()
    {
        push("HardJob", "[1]");
        push("EchoJob", "[\"s\"]");
        push("HardJob", "[2]");
        push("Kiqdesk::Echo", "[]");
        push("Other", "[]", "low");
        pushRaw("not json", "low");
        PoolSpec spec;
        spec.queues = {"default", "low,2", "empty"};
        PoolSetup setup = spec.build();
        setup.handlers.add("EchoJob", echoJob);
        const auto sample = sampleUnhandledClasses(*m_client, setup);
        QCOMPARE(sample.size(), std::size_t(2));
        QCOMPARE(sample[0].queue + " " + sample[0].className + " " + std::to_string(sample[0].count),
            std::string("default HardJob 2"));
        QCOMPARE(sample[1].queue + " " + sample[1].className + " " + std::to_string(sample[1].count),
            std::string("low Other 1"));
        QCOMPARE(
            sampleUnhandledClasses(*m_client, setup, 1).size(), std::size_t(0)); // only the newest job of each queue
    }

    void unknownClassRetriesWithNameErrorWhenAskedTo()
    {
        WorkerOptions o = options();
        o.failUnknownClasses = true;
        Launcher pool(kiq::test::optionsFor(*m_server), o, HandlerRegistry {});
        pool.start();
        push("NoSuchJob", "[]");
        QVERIFY(waitUntil([&] { return zcard("retry") == 1; }, 5000));
        const JobRecord job = JobRecord::parse(zrangeWithScores("retry")[0]);
        QCOMPARE(*job.errorClass, std::string("NameError"));
        QCOMPARE(*job.errorMessage, std::string("uninitialized constant NoSuchJob"));
        pool.stop();
    }

    void retryFalseIsDroppedRetryZeroAndInvalidJsonDie()
    {
        HandlerRegistry handlers;
        handlers.add("Boom", [](const JobContext&) { throw std::runtime_error("boom"); });
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers));
        pool.start();
        push("Boom", "[\"dropped\"]", "default", {}, sidekiq::RetryPolicy::never());
        const std::string zero = push("Boom", "[\"zero\"]", "default", {}, sidekiq::RetryPolicy::times(0));
        const std::string invalid = "{\"class\":\"Boom\",\"args\":[1,";
        pushRaw(invalid, "default");
        QVERIFY(waitUntil([&] { return zcard("dead") == 2 && llen("queue:default") == 0; }, 5000));
        QTest::qWait(200);
        QCOMPARE(zcard("retry"), 0LL);
        const auto dead = zrangeWithScores("dead");
        std::vector<std::string> members {dead[0], dead[2]};
        QVERIFY(std::find(members.begin(), members.end(), invalid) != members.end()); // byte for byte
        const std::string zeroJid = JobRecord::parse(zero).jid;
        QVERIFY(std::any_of(
            members.begin(), members.end(), [&](const std::string& m) { return JobRecord::parse(m).jid == zeroJid; }));
        pool.stop();
        QCOMPARE(get("stat:processed"), std::string("2")); // the invalid one is not counted (processor.rb)
    }

    void externalCommandHandlers()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        HandlerRegistry handlers;
        handlers.addExternal(parseHandlerConfig(
            "[[handler]]\nclass = \"Ext::Ok*\"\ncommand = [\"/bin/sh\", \"-c\", \"cat > " + d
                + "/$KIQ_JID.json\"]\n"
                  "[[handler]]\nclass = \"ExtFail\"\ncommand = [\"/bin/sh\", \"-c\", \"echo first >&2; echo 'boom: bad "
                  "input' >&2; exit 3\"]\n"
                  "[[handler]]\nclass = \"ExtSlow\"\ncommand = [\"/bin/sh\", \"-c\", \"sleep 30\"]\ntimeout = 0.4\n",
            "handlers.toml"));
        Launcher pool(kiq::test::optionsFor(*m_server), options({"default"}, 3), std::move(handlers));
        pool.start();
        const std::string ok = push("Ext::OkJob", "[1,{\"a\":\"b\"}]");
        push("ExtFail", "[]");
        push("ExtSlow", "[]");
        const QString file = QString::fromStdString(d + "/" + JobRecord::parse(ok).jid + ".json");
        QVERIFY(waitUntil([&] { return QFile::exists(file) && zcard("retry") == 2; }, 8000));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().toStdString(), ok); // the job JSON on stdin, unchanged
        std::map<std::string, JobRecord> byClass;
        for (const auto& m : m_client->command(redis::Command("ZRANGE").key("retry").arg(0).arg(-1)).asStringList()) {
            JobRecord r = JobRecord::parse(m);
            byClass.emplace(r.className, r);
        }
        QCOMPARE(*byClass.at("ExtFail").errorClass, std::string("ExternalCommandFailed"));
        QCOMPARE(*byClass.at("ExtFail").errorMessage, std::string("first\nboom: bad input"));
        QCOMPARE(*byClass.at("ExtSlow").errorClass, std::string("ExternalCommandTimeout"));
        QCOMPARE(*byClass.at("ExtSlow").errorMessage, std::string("timed out after 400 ms"));
        pool.stop();
    }

    void pausedQueuesAreSkipped()
    {
        HandlerRegistry handlers;
        handlers.add("EchoJob", echoJob);
        m_client->command(redis::Command("SADD").key("paused").arg("a"));
        Launcher pool(kiq::test::optionsFor(*m_server), options({"a", "b"}, 2), std::move(handlers));
        pool.start();
        push("EchoJob", "[\"in-a\"]", "a");
        push("EchoJob", "[\"in-b\"]", "b");
        QVERIFY(waitUntil([&] { return get("runs:in-b") == "1"; }, 5000));
        QTest::qWait(500);
        QCOMPARE(llen("queue:a"), 1LL);
        m_client->command(redis::Command("SREM").key("paused").arg("a"));
        QVERIFY(waitUntil(
            [&] { return get("runs:in-a") == "1"; }, 5000)); // idle threads block on b; the short wait covers a
        pool.stop();
    }

    void strictOrderTakesTheFirstQueueFirst()
    {
        HandlerRegistry handlers;
        handlers.add("Order",
            [](const JobContext& ctx) { ctx.redis.command(redis::Command("RPUSH").key("order").arg(ctx.argsJson())); });
        for (int i = 1; i <= 3; ++i) push("Order", "[\"low" + std::to_string(i) + "\"]", "low");
        for (int i = 1; i <= 3; ++i) push("Order", "[\"high" + std::to_string(i) + "\"]", "high");
        WorkerOptions o = options({"high", "low"}, 1);
        Launcher pool(kiq::test::optionsFor(*m_server), o, std::move(handlers));
        pool.start();
        QVERIFY(waitUntil([&] { return llen("order") == 6; }, 5000));
        const auto order = m_client->command(redis::Command("LRANGE").key("order").arg(0).arg(-1)).asStringList();
        QCOMPARE(order,
            (std::vector<std::string> {
                "[\"high1\"]", "[\"high2\"]", "[\"high3\"]", "[\"low1\"]", "[\"low2\"]", "[\"low3\"]"}));
        pool.stop();
    }

    void batchedFetchRunsEveryJobOnce()
    {
        HandlerRegistry handlers;
        handlers.add("Count", [](const JobContext& ctx) {
            ctx.redis.pipeline(
                {redis::Command("SADD").key("ran").arg(ctx.job.jid), redis::Command("INCR").key("runs")});
            // Now and then a slow one inside a batch of fast ones: the batch is cut short after 20 ms
            // and its unstarted rest goes back to the queue (and must not run twice).
            if (std::stoi(std::string(ctx.argsJson().substr(1))) % 400 == 399)
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
        });
        std::vector<redis::Command> cmds;
        for (int i = 0; i < 3000; ++i) {
            auto built = sidekiq::JobBuilder("Count", "[" + std::to_string(i) + "]").build();
            cmds.push_back(redis::Command("LPUSH").key("queue:default").arg(built.json));
        }
        m_client->pipeline(cmds);
        WorkerOptions o = options({"default"}, 4);
        o.fetchBatchMax = 100;
        Launcher pool(kiq::test::optionsFor(*m_server), o, std::move(handlers));
        pool.start();
        QVERIFY(waitUntil([&] { return integer(redis::Command("SCARD").key("ran")) == 3000; }, 20000));
        QVERIFY(waitUntil([&] { return pool.snapshot().busy == 0 && llen("queue:default") == 0; }, 5000));
        QTest::qWait(100);
        QCOMPARE(get("runs"), std::string("3000")); // each exactly once
        QCOMPARE(pool.snapshot().processed, 3000LL);
        pool.stop();
        QVERIFY(keys("*:inprogress:*").empty());
    }

    void stopPushesRunningJobsBack()
    {
        LogCapture log;
        WorkerOptions o = options({"default"}, 2);
        o.shutdownTimeout = std::chrono::milliseconds(300);
        Launcher pool(kiq::test::optionsFor(*m_server), o, HandlerRegistry {}, log.sink());
        pool.start();
        const std::string raw = push("Kiqdesk::Sleep", "[30]");
        QVERIFY(waitUntil([&] { return pool.snapshot().busy == 1; }, 5000));
        QCOMPARE(llen("queue:default"), 0LL);
        const auto s = pool.snapshot();
        QCOMPARE(s.inFlight.size(), std::size_t(1));
        QCOMPARE(s.inFlight[0].className, std::string("Kiqdesk::Sleep"));
        const auto started = std::chrono::steady_clock::now();
        pool.stop();
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(2)); // Sleep watches hardStop
        QCOMPARE(m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList(),
            std::vector<std::string> {raw});
        QCOMPARE(zcard("retry"), 0LL);
        QVERIFY(keys("*:inprogress:*").empty());
        QVERIFY(log.contains("Terminating 1 busy worker threads"));
    }

    void aHandlerThatIgnoresStopIsDetachedAndWritesNothing()
    {
        HandlerRegistry handlers;
        handlers.add("Stubborn", [](const JobContext&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(3600));
            throw std::runtime_error("too late");
        });
        WorkerOptions o = options({"default"}, 1);
        o.shutdownTimeout = std::chrono::milliseconds(200);
        auto pool = std::make_unique<Launcher>(kiq::test::optionsFor(*m_server), o, std::move(handlers));
        pool->start();
        const std::string raw = push("Stubborn", "[]");
        QVERIFY(waitUntil([&] { return pool->snapshot().busy == 1; }, 5000));
        pool->stop(); // 200 ms, then 3 s grace, then detached
        pool.reset();
        QCOMPARE(llen("queue:default"), 1LL);
        QTest::qWait(800); // the handler fails after stop(): its failure must not be recorded
        QCOMPARE(zcard("retry"), 0LL);
        QCOMPARE(m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList(),
            std::vector<std::string> {raw});
    }

    void orphanRecoveryPutsDeadPoolsJobsBack()
    {
        const std::string ghost = "otherhost:4242:aaaaaaaaaaaa";
        const std::string alive = "otherhost:4243:bbbbbbbbbbbb";
        // The ghost: registry entry and lists, no heartbeat. Lists hold newest first (LPUSH).
        m_client->command(redis::Command("HSET")
                              .key("kiqdesk:inprogress")
                              .arg(ghost)
                              .arg(R"({"lists":2,"pid":4242,"boot":"x","pidns":"y"})"));
        m_client->command(redis::Command("HSET")
                              .key("kiqdesk:inprogress")
                              .arg(alive)
                              .arg(R"({"lists":1,"pid":4243,"boot":"x","pidns":"y"})"));
        const std::string j1 = R"({"queue":"q1","class":"A","args":[1],"jid":"1"})";
        const std::string j2 = R"({"queue":"q1","class":"A","args":[2],"jid":"2"})";
        const std::string j3 = R"({"class":"A","args":[3],"jid":"3"})";
        const std::string bad = "not json";
        m_client->pipeline({redis::Command("LPUSH").key(keys::inProgress(ghost, 0)).arg(j1).arg(j2),
            redis::Command("LPUSH").key(keys::inProgress(ghost, 1)).arg(j3).arg(bad),
            redis::Command("RPUSH").key("queue:q1").arg("older"),
            redis::Command("LPUSH").key(keys::inProgress(alive, 0)).arg(j1),
            redis::Command("SADD").key("processes").arg(alive),
            redis::Command("HSET").key(alive).arg("beat").arg("1")});
        WorkerOptions o = options();
        // Another pool holds the lock: nothing happens.
        m_client->command(redis::Command("SET").key("kiqdesk:orphan-recovery").arg("someone"));
        QVERIFY(OrphanRecovery(*m_client, o, "me:1:cccccccccccc", {}).run().locked);
        QCOMPARE(llen(keys::inProgress(ghost, 0)), 2LL);
        m_client->command(redis::Command("DEL").key("kiqdesk:orphan-recovery"));

        const RecoveryReport r = OrphanRecovery(*m_client, o, "me:1:cccccccccccc", {}).run();
        QCOMPARE(r.entriesChecked, 2);
        QCOMPARE(r.orphansRecovered, 1);
        QCOMPARE(r.jobsRequeued, 3LL);
        QCOMPARE(r.jobsToDead, 1LL);
        // Pushed to the right end, oldest fetched (j1) last, so it is popped first.
        QCOMPARE(m_client->command(redis::Command("LRANGE").key("queue:q1").arg(0).arg(-1)).asStringList(),
            (std::vector<std::string> {"older", j2, j1}));
        QCOMPARE(m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList(),
            std::vector<std::string> {j3});
        QCOMPARE(zrangeWithScores("dead")[0], bad);
        QCOMPARE(llen(keys::inProgress(alive, 0)), 1LL); // a live process keeps its jobs
        QVERIFY(m_client->command(redis::Command("HEXISTS").key("kiqdesk:inprogress").arg(ghost)).asInteger() == 0);
        QVERIFY(
            m_client->command(redis::Command("EXISTS").key("kiqdesk:orphan-recovery")).asInteger() == 0); // released
    }

    void orphanRecoveryKnowsADeadPidOnThisMachineAtOnce()
    {
        // A process of ours that exited: its heartbeat hash is still fresh (60 s TTL), but its PID is gone.
        const pid_t child = ::fork();
        if (child == 0) ::_exit(0);
        ::waitpid(child, nullptr, 0);
        const std::string id = hostname() + ":" + std::to_string(child) + ":dddddddddddd";
        const std::string job = R"({"queue":"default","class":"A","args":[],"jid":"9"})";
        m_client->pipeline({redis::Command("HSET")
                                .key("kiqdesk:inprogress")
                                .arg(id)
                                .arg("{\"lists\":1,\"pid\":" + std::to_string(child) + ",\"boot\":\"" + bootId()
                                    + "\",\"pidns\":\"" + pidNamespace() + "\"}"),
            redis::Command("LPUSH").key(keys::inProgress(id, 0)).arg(job),
            redis::Command("SADD").key("processes").arg(id), redis::Command("HSET").key(id).arg("info").arg("{}"),
            redis::Command("EXPIRE").key(id).arg(60), redis::Command("HSET").key(id + ":workers").arg("t").arg("{}")});
        // It died during its own recovery pass, holding the lock: the lock is taken over at once.
        m_client->command(redis::Command("SET").key("kiqdesk:orphan-recovery").arg(id).arg("EX").arg(30));
        const RecoveryReport r = OrphanRecovery(*m_client, options(), "me:1:cccccccccccc", {}).run();
        QVERIFY(!r.locked);
        QCOMPARE(r.orphansRecovered, 1);
        QCOMPARE(llen("queue:default"), 1LL);
        QCOMPARE(integer(redis::Command("EXISTS").key("kiqdesk:orphan-recovery")), 0LL);
        QCOMPARE(integer(redis::Command("SISMEMBER").key("processes").arg(id)), 0LL);
        QCOMPARE(integer(redis::Command("EXISTS").key(id).key(id + ":workers")), 0LL);
    }

    void namespacedPoolKeepsEveryKeyUnderItsPrefix()
    {
        redis::ConnectionOptions c = kiq::test::optionsFor(*m_server);
        c.keyPrefix = "ns:";
        HandlerRegistry handlers;
        handlers.add("Boom", [](const JobContext&) { throw std::runtime_error("x"); });
        handlers.add("EchoJob", echoJob);
        Launcher pool(c, options(), std::move(handlers));
        pool.start();
        const std::string raw = sidekiq::JobBuilder("EchoJob", "[\"ns1\"]").build().json;
        m_client->command(redis::Command("LPUSH").key("ns:queue:default").arg(raw));
        m_client->command(
            redis::Command("LPUSH").key("ns:queue:default").arg(sidekiq::JobBuilder("Boom", "[]").build().json));
        QVERIFY(waitUntil([&] { return get("ns:runs:ns1") == "1" && zcard("ns:retry") == 1; }, 5000));
        QCOMPARE(integer(redis::Command("SISMEMBER").key("ns:processes").arg(pool.identity())), 1LL);
        // Orphan recovery pushes to the prefixed queue.
        const std::string ghost = "h:1:eeeeeeeeeeee";
        m_client->pipeline({redis::Command("HSET")
                                .key("ns:kiqdesk:inprogress")
                                .arg(ghost)
                                .arg(R"({"lists":1,"pid":1,"boot":"","pidns":""})"),
            redis::Command("LPUSH")
                .key("ns:" + keys::inProgress(ghost, 0))
                .arg(R"({"queue":"q","class":"A","args":[],"jid":"1"})")});
        redis::Client nsClient(c);
        QCOMPARE(OrphanRecovery(nsClient, options(), pool.identity(), {}).run().jobsRequeued, 1LL);
        QCOMPARE(llen("ns:queue:q"), 1LL);
        pool.stop();
        for (const auto& k : keys("*")) QVERIFY2(k.rfind("ns:", 0) == 0, k.c_str());
    }

    void scheduledJobsAreEnqueuedWithAFreshEnqueuedAt()
    {
        auto ctx = std::make_shared<PoolContext>(
            options(), HandlerRegistry {}, kiq::test::optionsFor(*m_server), "me:1:ffffffffffff", Logger {});
        const std::string due
            = R"({"retry":true,"queue":"mail","class":"A","args":[],"jid":"1","created_at":1700000000000})";
        const std::string later
            = R"({"retry":true,"queue":"mail","class":"A","args":[],"jid":"2","created_at":1700000000.5})";
        const std::string retryDue
            = R"({"retry":true,"queue":"default","class":"B","args":[],"jid":"3","created_at":1700000000.5,"enqueued_at":1700000001.5,"retry_count":0})";
        m_client->pipeline(
            {redis::Command("ZADD").key("schedule").arg(now() - 10).arg(due).arg(now() + 3600).arg(later),
                redis::Command("ZADD").key("retry").arg(now() - 1).arg(retryDue).arg(now() - 1).arg("{broken")});
        const double t = now();
        const PollResult r = ScheduledPoller::enqueueDue(*m_client, *ctx, t);
        QCOMPARE(r.enqueued, 2LL);
        QCOMPARE(r.toDead, 1LL);
        QCOMPARE(zcard("schedule"), 1LL);
        QCOMPARE(zcard("retry"), 0LL);
        const auto mail = m_client->command(redis::Command("LRANGE").key("queue:mail").arg(0).arg(-1)).asStringList();
        QCOMPARE(mail.size(), std::size_t(1));
        const JobRecord m = JobRecord::parse(mail[0]);
        QCOMPARE(m.enqueuedAt->unit(), sidekiq::Timestamp::Unit::Milliseconds); // a Sidekiq 8 job stays in ms
        QVERIFY(std::abs(m.enqueuedAt->seconds() - t) < 0.01);
        const JobRecord d
            = JobRecord::parse(m_client->command(redis::Command("LINDEX").key("queue:default").arg(0)).asString());
        QVERIFY(std::abs(d.enqueuedAt->seconds() - t) < 0.01);
        QCOMPARE(*d.retryCount, std::int64_t(0));
        QCOMPARE(integer(redis::Command("SISMEMBER").key("queues").arg("mail")), 1LL);
    }

    void heartbeatWritesSidekiqFormatsAndObeysSignals()
    {
        LogCapture log;
        WorkerOptions o = options({"critical,2", "default"}, 3);
        o.tag = "demo";
        o.labels = {"kiqdesk", "blue"};
        Launcher pool(kiq::test::optionsFor(*m_server), o, HandlerRegistry {}, log.sink());
        pool.start();
        const std::string id = pool.identity();
        const std::string raw = push("Kiqdesk::Sleep", "[2]", "critical");
        QVERIFY(waitUntil(
            [&] { return m_client->command(redis::Command("HGET").key(id).arg("busy")).asOptionalString() == "1"; },
            5000));
        const auto fields
            = m_client
                  ->command(
                      redis::Command("HMGET").key(id).arg("info").arg("busy").arg("beat").arg("quiet").arg("rss").arg(
                          "rtt_us"))
                  .asStringList();
        const QJsonObject info = QJsonDocument::fromJson(QByteArray::fromStdString(fields[0])).object();
        QCOMPARE(info.keys(),
            (QStringList {"concurrency", "hostname", "identity", "labels", "pid", "queues", "started_at", "tag"}));
        QCOMPARE(info["pid"].toInt(), int(::getpid()));
        QCOMPARE(info["concurrency"].toInt(), 3);
        QCOMPARE(info["queues"].toArray(), (QJsonArray {"critical", "default"}));
        QCOMPARE(info["labels"].toArray(), (QJsonArray {"kiqdesk", "blue"}));
        QCOMPARE(info["tag"].toString(), QString("demo"));
        QCOMPARE(info["identity"].toString().toStdString(), id);
        QVERIFY(fields[0].find("\"started_at\":") != std::string::npos
            && fields[2].find('.') != std::string::npos); // floats
        QCOMPARE(fields[3], std::string("false"));
        QVERIFY(std::stoll(fields[4]) > 1000);
        QVERIFY(integer(redis::Command("TTL").key(id)) > 50);
        for (const std::string& key : {id + ":workers", id + ":work"}) {
            const auto work = m_client->command(redis::Command("HGETALL").key(key)).asStringList();
            QCOMPARE(work.size(), std::size_t(2));
            const sidekiq::WorkRecord w = sidekiq::WorkRecord::parse(work[0], work[1]);
            QVERIFY2(w.ok(), w.parseError.c_str());
            QCOMPARE(w.queue, std::string("critical"));
            QCOMPARE(int(w.payloadForm), int(sidekiq::WorkRecord::PayloadForm::String)); // double-encoded, like Sidekiq
            QCOMPARE(w.payload.raw, raw);
            QVERIFY(std::abs(double(*w.runAt) - now()) < 5);
        }
        // Signals as Sidekiq's API sends them: LPUSH <identity>-signals, picked up one per beat.
        m_client->command(redis::Command("LPUSH").key(id + "-signals").arg("TTIN"));
        QVERIFY(waitUntil([&] { return log.contains("Kiqdesk::Sleep jid="); }, 3000));
        m_client->command(redis::Command("LPUSH").key(id + "-signals").arg("TSTP"));
        QVERIFY(waitUntil([&] { return pool.quieted(); }, 3000));
        QVERIFY(waitUntil(
            [&] { return m_client->command(redis::Command("HGET").key(id).arg("quiet")).asOptionalString() == "true"; },
            3000));
        push("Kiqdesk::Sleep", "[0]");
        m_client->command(redis::Command("LPUSH").key(id + "-signals").arg("TERM"));
        QVERIFY(pool.waitForStopRequest(std::chrono::milliseconds(3000)));
        QCOMPARE(llen("queue:default"), 1LL); // quiet: nothing new was fetched
        pool.stop();
        QCOMPARE(integer(redis::Command("EXISTS").key(id + ":workers").key(id + ":work")), 0LL);
    }

    void poolSurvivesARedisRestart()
    {
        LogCapture log;
        HandlerRegistry handlers;
        handlers.add("EchoJob", echoJob);
        Launcher pool(kiq::test::optionsFor(*m_server), options({"default"}, 2), std::move(handlers), log.sink());
        pool.start();
        push("EchoJob", "[\"before\"]");
        QVERIFY(waitUntil([&] { return get("runs:before") == "1"; }, 5000));
        m_server->restart();
        m_client = kiq::test::clientFor(*m_server);
        push("EchoJob", "[\"after\"]");
        QVERIFY(waitUntil([&] { return get("runs:after") == "1"; }, 10000));
        QVERIFY(log.contains("Error fetching job"));
        pool.stop();
    }
};

QTEST_GUILESS_MAIN(TestWorkerPool)
#include "tst_worker_pool.moc"
