// Health checks (issue 21 item 1): each condition made real on a real server, seen raised, then cleared.
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "health/HealthChecks.h"
#include "redis/Client.h"
#include "sidekiq/model/Timestamp.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace kiq::health;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::test::RedisServer;

namespace {
double now()
{
    return kiq::sidekiq::Timestamp::now().seconds();
}

const CheckResult* find(const HealthReport& report, const std::string& id, const std::string& subject = {})
{
    for (const auto& r : report.results)
        if (r.id == id && r.subject == subject) return &r;
    return nullptr;
}

CheckState stateOf(const HealthReport& report, const std::string& id, const std::string& subject = {})
{
    const CheckResult* r = find(report, id, subject);
    if (!r) throw std::runtime_error("no result for " + id + " " + subject);
    return r->state;
}

std::string processInfo(const std::string& identity, const std::string& queue)
{
    return "{\"hostname\":\"h\",\"pid\":4242,\"identity\":\"" + identity + "\",\"queues\":[\"" + queue
        + "\"],\"concurrency\":5,\"tag\":\"t\",\"labels\":[],\"started_at\":1}";
}
} // namespace

class TestHealthChecks : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Client> m_client;

    HealthReport evaluate(const HealthThresholds& t = {})
    {
        HealthEvaluator evaluator;
        return evaluator.evaluate(*m_client, t);
    }
    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<Client>(kiq::test::optionsFor(*m_server));
    }
    void init() { run({"FLUSHALL"}); }

    void cleanServerIsOk()
    {
        const HealthReport report = evaluate();
        QCOMPARE(report.worst(), CheckState::Ok);
        QCOMPARE(stateOf(report, check::kReachable), CheckState::Ok);
        QCOMPARE(stateOf(report, check::kEvictionPolicy), CheckState::Ok);
        QCOMPARE(stateOf(report, check::kFailureRate), CheckState::Unknown); // one sample only
    }

    void unreachableIsCriticalUntilTheServerIsBack()
    {
        RedisServer server {RedisServer::Options {}};
        Client client(kiq::test::optionsFor(server));
        HealthEvaluator evaluator;
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kReachable), CheckState::Ok);
        server.stop();
        const HealthReport down = evaluator.evaluate(client, {});
        QCOMPARE(down.worst(), CheckState::Critical);
        QCOMPARE(down.results.size(), std::size_t(1));
        QVERIFY2(down.results[0].message.find("unreachable") != std::string::npos, down.results[0].message.c_str());
        server.restart();
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kReachable), CheckState::Ok);
    }

    void queueLatencyOverItsSlo()
    {
        const std::string job
            = "{\"class\":\"X\",\"jid\":\"j1\",\"queue\":\"mail\",\"enqueued_at\":" + std::to_string(now() - 75) + "}";
        run({"SADD", "queues", "mail"});
        run({"LPUSH", "queue:mail", job});
        HealthReport report = evaluate();
        const CheckResult* r = find(report, check::kQueueLatency, "mail");
        QVERIFY(r);
        QCOMPARE(r->state, CheckState::Warn);
        QCOMPARE(r->threshold.value(), 60.0);
        QVERIFY2(
            r->message.find("queue mail: latency 75 s over the 60 s SLO") != std::string::npos, r->message.c_str());

        HealthThresholds t;
        t.latencyCriticalSeconds = 70;
        QCOMPARE(stateOf(evaluate(t), check::kQueueLatency, "mail"), CheckState::Critical);
        t.queues["mail"].latencyWarnSeconds = 120; // this queue's own SLO
        t.queues["mail"].latencyCriticalSeconds = 600;
        QCOMPARE(stateOf(evaluate(t), check::kQueueLatency, "mail"), CheckState::Ok);

        run({"DEL", "queue:mail"});
        QCOMPARE(stateOf(evaluate(), check::kQueueLatency, "mail"), CheckState::Ok);
    }

    void queueWithJobsAndNoListener()
    {
        run({"SADD", "queues", "reports"});
        run({"LPUSH", "queue:reports",
            "{\"class\":\"X\",\"jid\":\"j2\",\"enqueued_at\":" + std::to_string(now()) + "}"});
        QCOMPARE(stateOf(evaluate(), check::kQueueUnwatched, "reports"), CheckState::Warn);
        // A process listening to another queue changes nothing; one listening to it clears the check.
        run({"SADD", "processes", "h:1:aaa"});
        run({"HSET", "h:1:aaa", "info", processInfo("h:1:aaa", "default"), "beat", std::to_string(now()), "busy", "0",
            "quiet", "false"});
        QCOMPARE(stateOf(evaluate(), check::kQueueUnwatched, "reports"), CheckState::Warn);
        run({"HSET", "h:1:aaa", "info", processInfo("h:1:aaa", "reports")});
        QCOMPARE(stateOf(evaluate(), check::kQueueUnwatched, "reports"), CheckState::Ok);
        run({"HSET", "h:1:aaa", "quiet", "true"}); // a quiet process fetches nothing
        QCOMPARE(stateOf(evaluate(), check::kQueueUnwatched, "reports"), CheckState::Warn);
        HealthThresholds t;
        t.queues["reports"].expectUnwatched = true;
        QCOMPARE(stateOf(evaluate(t), check::kQueueUnwatched, "reports"), CheckState::Ok);
    }

    void deadSetGrowingFast()
    {
        const double t0 = now();
        for (int i = 0; i < 11; ++i)
            run({"ZADD", "dead", std::to_string(t0 - i), "{\"jid\":\"d" + std::to_string(i) + "\"}"});
        run({"ZADD", "dead", std::to_string(t0 - 3600), "{\"jid\":\"old\"}"}); // died long ago: not growth
        const HealthReport report = evaluate();
        const CheckResult* r = find(report, check::kDeadGrowth);
        QCOMPARE(r->state, CheckState::Warn);
        QCOMPARE(r->value.value(), 11.0);
        run({"ZREMRANGEBYRANK", "dead", "0", "5"});
        QCOMPARE(stateOf(evaluate(), check::kDeadGrowth), CheckState::Ok);
    }

    void deadSetAtSidekiqsCap()
    {
        HealthThresholds t;
        t.deadMaxJobs = 50; // as a Sidekiq app with dead_max_jobs = 50 would have it
        const double t0 = now();
        for (int i = 0; i < 40; ++i) // died two hours ago
            run({"ZADD", "dead", std::to_string(t0 - 7200 - i), "{\"jid\":\"old" + std::to_string(i) + "\"}"});
        HealthEvaluator evaluator;
        HealthReport report = evaluator.evaluate(*m_client, t);
        const CheckResult* r = find(report, check::kDeadCap);
        QVERIFY(r);
        QCOMPARE(r->state, CheckState::Ok);
        QCOMPARE(r->value.value(), 80.0);
        QVERIFY2(r->message == "dead set 40 jobs of 50 (80%)", r->message.c_str());

        // Ten minutes later (the sample is aged rather than waited for), 30 jobs have died the way
        // Sidekiq's DeadSet#kill adds them: ZADD, drop what is past the timeout, trim to the cap.
        evaluator.deadSizes.back().takenAt -= 600;
        for (int i = 0; i < 30; ++i) {
            run({"ZADD", "dead", std::to_string(now()), "{\"jid\":\"new" + std::to_string(i) + "\"}"});
            run({"ZREMRANGEBYSCORE", "dead", "-inf", std::to_string(now() - 180 * 86400)});
            run({"ZREMRANGEBYRANK", "dead", "0", "-50"}); // which keeps 49
        }
        report = evaluator.evaluate(*m_client, t);
        r = find(report, check::kDeadCap);
        QCOMPARE(r->state, CheckState::Warn);
        QCOMPARE(r->value.value(), 98.0);
        QVERIFY2(r->message.find("at Sidekiq's cap") != std::string::npos, r->message.c_str());
        QVERIFY2(r->message.find("about 21 dropped in the last 10 min") != std::string::npos, r->message.c_str());

        // Cleared: the dead set emptied, seen by a fresh evaluation (as `kiqdesk-cli check` makes).
        run({"DEL", "dead"});
        QCOMPARE(stateOf(evaluate(t), check::kDeadCap), CheckState::Ok);

        // Near the age limit: a job that died 175 days ago is dropped at 180.
        run({"ZADD", "dead", std::to_string(now() - 175 * 86400), "{\"jid\":\"ancient\"}"});
        report = evaluate(t);
        r = find(report, check::kDeadCap);
        QCOMPARE(r->state, CheckState::Warn);
        QVERIFY2(r->message.find("the oldest died 175 d ago: Sidekiq drops dead jobs after 180 d") != std::string::npos,
            r->message.c_str());
        // The defaults: Sidekiq's 10,000 and 6 months; the thresholds round-trip through the profile's JSON.
        QCOMPARE(HealthThresholds {}.deadMaxJobs, 10000.0);
        QCOMPARE(HealthThresholds::fromJson(t.toJson()).deadMaxJobs, 50.0);
    }

    void failureRateOverWindow()
    {
        run({"SET", "stat:processed", "1000"});
        run({"SET", "stat:failed", "10"});
        HealthEvaluator evaluator;
        evaluator.minWindowSeconds = 0;
        evaluator.failureWindowSeconds = 0; // each rate since the evaluation before
        QCOMPARE(stateOf(evaluator.evaluate(*m_client, {}), check::kFailureRate), CheckState::Unknown);
        run({"INCRBY", "stat:processed", "100"});
        run({"INCRBY", "stat:failed", "30"});
        const HealthReport bad = evaluator.evaluate(*m_client, {});
        QCOMPARE(stateOf(bad, check::kFailureRate), CheckState::Critical);
        QCOMPARE(find(bad, check::kFailureRate)->value.value(), 30.0);
        run({"INCRBY", "stat:processed", "100"});
        run({"INCRBY", "stat:failed", "7"});
        QCOMPARE(stateOf(evaluator.evaluate(*m_client, {}), check::kFailureRate), CheckState::Warn);
        run({"INCRBY", "stat:processed", "100"});
        QCOMPARE(stateOf(evaluator.evaluate(*m_client, {}), check::kFailureRate), CheckState::Ok);
    }

    void schedulerStalled()
    {
        run({"ZADD", "retry", std::to_string(now() - 120), "{\"jid\":\"r1\"}"});
        const HealthReport report = evaluate();
        QCOMPARE(stateOf(report, check::kSchedulerStalled), CheckState::Critical);
        QVERIFY(find(report, check::kSchedulerStalled)->message.find("retry") != std::string::npos);
        run({"DEL", "retry"});
        run({"ZADD", "schedule", std::to_string(now() + 30), "{\"jid\":\"s1\"}"}); // due later: fine
        run({"ZADD", "schedule", std::to_string(now() - 10), "{\"jid\":\"s2\"}"}); // due just now: a poller may be late
        QCOMPARE(stateOf(evaluate(), check::kSchedulerStalled), CheckState::Ok);
    }

    void staleHeartbeats()
    {
        run({"SADD", "processes", "h:2:bbb"});
        run({"HSET", "h:2:bbb", "info", processInfo("h:2:bbb", "default"), "beat", std::to_string(now() - 120), "busy",
            "0", "quiet", "false"});
        QCOMPARE(stateOf(evaluate(), check::kHeartbeats), CheckState::Warn);
        run({"HSET", "h:2:bbb", "beat", std::to_string(now())});
        QCOMPARE(stateOf(evaluate(), check::kHeartbeats), CheckState::Ok);
    }

    void orphanedInProgressJobs()
    {
        // A pool that registered two in-progress lists and died (no heartbeat hash), holding one job.
        run({"HSET", "kiqdesk:inprogress", "h:3:ccc", "{\"lists\":2,\"pid\":1,\"hostname\":\"h\"}"});
        run({"LPUSH", "h:3:ccc:inprogress:1", "{\"class\":\"X\",\"jid\":\"o1\",\"queue\":\"default\"}"});
        const HealthReport report = evaluate();
        QCOMPARE(stateOf(report, check::kOrphanedJobs), CheckState::Warn);
        QCOMPARE(find(report, check::kOrphanedJobs)->value.value(), 1.0);
        // The same identity beating again owns its list: not orphaned.
        run({"SADD", "processes", "h:3:ccc"});
        run({"HSET", "h:3:ccc", "info", processInfo("h:3:ccc", "default"), "beat", std::to_string(now()), "busy", "1",
            "quiet", "false"});
        QCOMPARE(stateOf(evaluate(), check::kOrphanedJobs), CheckState::Ok);
    }

    void evictionPolicyAndMemory()
    {
        run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
        QCOMPARE(stateOf(evaluate(), check::kEvictionPolicy), CheckState::Warn);
        run({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
        QCOMPARE(stateOf(evaluate(), check::kEvictionPolicy), CheckState::Ok);

        const std::string info = m_client->command(Command::raw({"INFO", "memory"})).asString();
        const auto pos = info.find("used_memory:");
        const long long used = std::stoll(info.substr(pos + 12));
        // ~87%: over 80, under 95 (used memory moves by a few KB between reads).
        run({"CONFIG", "SET", "maxmemory", std::to_string(static_cast<long long>(used / 0.87))});
        const HealthReport report = evaluate();
        QCOMPARE(stateOf(report, check::kMemory), CheckState::Warn);
        QVERIFY(find(report, check::kMemory)->value.value() > 80);
        run({"CONFIG", "SET", "maxmemory", "0"});
        QCOMPARE(stateOf(evaluate(), check::kMemory), CheckState::Ok);
    }

    void infoNotPermittedIsUnknown()
    {
        run({"ACL", "SETUSER", "monitor", "on", ">pw", "~*", "+@all", "-info"});
        Client restricted(kiq::test::optionsFor(m_server->port(), "monitor", "pw"));
        HealthEvaluator evaluator;
        const HealthReport report = evaluator.evaluate(restricted, {});
        QCOMPARE(stateOf(report, check::kMemory), CheckState::Unknown);
        QVERIFY2(find(report, check::kMemory)->message.find("not permitted: needs +info") != std::string::npos,
            find(report, check::kMemory)->message.c_str());
        QCOMPARE(stateOf(report, check::kReachable), CheckState::Ok);
        QCOMPARE(report.worst(), CheckState::Ok);
        run({"ACL", "DELUSER", "monitor"});
    }

    void replicaLinkDown()
    {
        RedisServer replica {RedisServer::Options {}};
        Client client(kiq::test::optionsFor(replica));
        // Replicating from a port nobody listens on: the link never comes up.
        RedisServer gone {RedisServer::Options {}};
        const int deadPort = gone.port();
        gone.stop();
        client.command(Command::raw({"REPLICAOF", "127.0.0.1", std::to_string(deadPort)})).throwIfError();
        HealthEvaluator evaluator;
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kReplication), CheckState::Critical);
        client.command(Command::raw({"REPLICAOF", "NO", "ONE"})).throwIfError();
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kReplication), CheckState::Ok);
        // A live replica of our server: the primary lists it online.
        client.command(Command::raw({"REPLICAOF", "127.0.0.1", std::to_string(m_server->port())})).throwIfError();
        QTRY_VERIFY_WITH_TIMEOUT(evaluate().results.size() > 0
                && find(evaluate(), check::kReplication)->value.value_or(0) == 1
                && stateOf(evaluate(), check::kReplication) == CheckState::Ok,
            10000);
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kReplication), CheckState::Ok);
        client.command(Command::raw({"REPLICAOF", "NO", "ONE"})).throwIfError();
    }

    void clusterSlotsNotCovered()
    {
        kiq::test::ClusterGroup cluster;
        Client client(kiq::test::clusterOptionsFor(cluster));
        HealthEvaluator evaluator;
        QCOMPARE(stateOf(evaluator.evaluate(client, {}), check::kClusterSlots), CheckState::Ok);
        const int owner = cluster.ownerIndex(0);
        Client node(kiq::test::optionsFor(cluster.node(owner)));
        node.command(Command::raw({"CLUSTER", "DELSLOTS", "0"})).throwIfError();
        const HealthReport down = evaluator.evaluate(client, {});
        QCOMPARE(stateOf(down, check::kClusterSlots), CheckState::Critical);
        QVERIFY2(find(down, check::kClusterSlots)->message.find("16383 of 16384") != std::string::npos,
            find(down, check::kClusterSlots)->message.c_str());
        node.command(Command::raw({"CLUSTER", "ADDSLOTS", "0"})).throwIfError();
        QTRY_VERIFY_WITH_TIMEOUT(
            stateOf(evaluator.evaluate(client, {}), check::kClusterSlots) == CheckState::Ok, 15000);
    }
};

QTEST_GUILESS_MAIN(TestHealthChecks)
#include "tst_health_checks.moc"
