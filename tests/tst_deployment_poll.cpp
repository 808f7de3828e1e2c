// Long-running views stay cheap (issue 21, item 6): the Overview, the Fleet view and the health checks
// read each deployment through one DeploymentPoll, one pipelined round trip a refresh, counted on the
// client (redis::Client::roundTrips) against 50 real servers.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "health/DeploymentPoll.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/WorkerKeys.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace kiq::health;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::test::RedisServer;

namespace {
constexpr int kDeployments = 50;

double now()
{
    return kiq::sidekiq::Timestamp::now().seconds();
}

void run(Client& c, std::vector<std::string> args)
{
    c.command(Command::raw(std::move(args))).throwIfError();
}

const CheckResult* find(const HealthReport& report, const std::string& id, const std::string& subject = {})
{
    for (const auto& r : report.results)
        if (r.id == id && r.subject == subject) return &r;
    return nullptr;
}

// A deployment with something in every part the views show: two queues (one waiting 30 s), a live
// process working two jobs, a recent death, counters, and a dead pool's in-progress list holding a job.
void seed(Client& c)
{
    const double t = now();
    run(c, {"SADD", "queues", "default", "mail"});
    run(c,
        {"LPUSH", "queue:default",
            "{\"class\":\"X\",\"jid\":\"q1\",\"queue\":\"default\",\"enqueued_at\":" + std::to_string(t - 30) + "}"});
    run(c, {"SADD", "processes", "host:1:abc"});
    run(c,
        {"HSET", "host:1:abc", "info",
            "{\"hostname\":\"host\",\"pid\":1,\"identity\":\"host:1:abc\",\"queues\":[\"default\",\"mail\"],"
            "\"concurrency\":5,\"tag\":\"\",\"labels\":[],\"started_at\":1}",
            "beat", std::to_string(t), "busy", "2", "quiet", "false"});
    run(c, {"ZADD", "dead", std::to_string(t - 10), "{\"class\":\"X\",\"jid\":\"d1\"}"});
    run(c, {"SET", "stat:processed", "100"});
    run(c, {"SET", "stat:failed", "3"});
    run(c, {"HSET", std::string(kiq::worker::keys::kInProgressRegistry), "gone:9:zzz", "{\"lists\":1}"});
    run(c, {"LPUSH", kiq::worker::keys::inProgress("gone:9:zzz", 0), "{\"class\":\"X\",\"jid\":\"o1\"}"});
}
} // namespace

class TestDeploymentPoll : public QObject {
    Q_OBJECT
private slots:
    void fiftyDeploymentsCostOneRoundTripEachPerRefresh()
    {
        std::vector<std::unique_ptr<RedisServer>> servers;
        std::vector<std::unique_ptr<Client>> clients;
        std::vector<DeploymentPoll> polls(kDeployments);
        for (int i = 0; i < kDeployments; ++i) {
            servers.push_back(std::make_unique<RedisServer>(RedisServer::Options {}));
            clients.push_back(std::make_unique<Client>(kiq::test::optionsFor(*servers.back())));
            seed(*clients.back());
        }
        // The first read learns the queue, process and orphaned-list names: a few round trips.
        for (int i = 0; i < kDeployments; ++i) {
            const DeploymentReading first = polls[std::size_t(i)].read(*clients[std::size_t(i)], {});
            QVERIFY(first.fleet);
            // The handshake, the read, the new names, the orphaned lists.
            QVERIFY2(first.roundTrips <= 4, qPrintable(QString::number(first.roundTrips)));
        }
        for (int refresh = 0; refresh < 3; ++refresh) {
            std::uint64_t total = 0;
            for (int i = 0; i < kDeployments; ++i) {
                Client& client = *clients[std::size_t(i)];
                const std::uint64_t before = client.roundTrips();
                // The Overview asks for its daily history now and then: it rides along too.
                const DeploymentReading r = polls[std::size_t(i)].read(client, {}, refresh == 2 ? 30 : 0);
                QCOMPARE(r.roundTrips, std::uint64_t(1));
                QCOMPARE(client.roundTrips() - before, std::uint64_t(1)); // nothing else went out
                total += r.roundTrips;

                // All three views' numbers are in it.
                QVERIFY(r.health.stats && r.fleet);
                QCOMPARE(r.fleet->enqueued, 1LL);
                QCOMPARE(r.fleet->busy, 2LL);
                QCOMPARE(r.fleet->processes, 1LL);
                QCOMPARE(r.fleet->deadLastHour, 1LL);
                QCOMPARE(r.fleet->maxLatencyQueue, std::string("default"));
                QVERIFY(r.fleet->maxLatencySeconds >= 29 && r.fleet->maxLatencySeconds < 60);
                QVERIFY(r.fleet->usedMemory.value_or(0) > 0);
                QCOMPARE(r.health.stats->processes.live.size(), std::size_t(1));
                QCOMPARE(r.health.stats->processed, 100LL);
                QVERIFY(r.health.opsPerSec.has_value());
                const CheckResult* orphaned = find(r.health, check::kOrphanedJobs);
                QVERIFY(orphaned && orphaned->state == CheckState::Warn);
                QCOMPARE(orphaned->value.value_or(0), 1.0); // counted from the ride-along LLEN
                QCOMPARE(find(r.health, check::kQueueLatency, "default")->state, CheckState::Ok);
                QCOMPARE(find(r.health, check::kHeartbeats)->state, CheckState::Ok);
                QCOMPARE(r.daily.has_value(), refresh == 2);
                if (r.daily) QCOMPARE(r.daily->size(), std::size_t(30));
            }
            QCOMPARE(total, std::uint64_t(kDeployments));
        }

        // A new queue and another orphaned job: learnt in one more round trip, then one again.
        Client& first = *clients.front();
        run(first, {"SADD", "queues", "reports"});
        run(first, {"LPUSH", "queue:reports", "{\"class\":\"X\",\"jid\":\"r1\",\"queue\":\"reports\"}"});
        run(first, {"LPUSH", kiq::worker::keys::inProgress("gone:9:zzz", 0), "{\"class\":\"X\",\"jid\":\"o2\"}"});
        DeploymentReading r = polls.front().read(first, {});
        QCOMPARE(r.roundTrips, std::uint64_t(2));
        QCOMPARE(r.fleet->enqueued, 2LL);
        QCOMPARE(find(r.health, check::kOrphanedJobs)->value.value_or(0), 2.0);
        r = polls.front().read(first, {});
        QCOMPARE(r.roundTrips, std::uint64_t(1));
        QCOMPARE(r.fleet->queues.size(), std::size_t(3));
    }

    // A server gone: the reading says why, with no numbers, and never throws.
    void unreachableReadingSaysWhy()
    {
        RedisServer server {RedisServer::Options {}};
        Client client(kiq::test::optionsFor(server));
        DeploymentPoll poll;
        QVERIFY(poll.read(client, {}).fleet);
        server.stop();
        const DeploymentReading r = poll.read(client, {}, 30);
        QVERIFY(!r.fleet && !r.health.stats && !r.daily);
        QCOMPARE(r.health.worst(), CheckState::Critical);
        QVERIFY2(r.health.statsError.find("unreachable") != std::string::npos, r.health.statsError.c_str());
    }

    // A refused password is the app's to ask again (thrown, not a reading). The CLI's and the
    // exporter's evaluator keep reading it as the critical reachable check.
    void refusedCredentialsAreThrown()
    {
        RedisServer::Options withPassword;
        withPassword.extraArgs = {QStringLiteral("--requirepass"), QStringLiteral("right")};
        RedisServer locked(withPassword);
        kiq::redis::ConnectionOptions o = kiq::test::optionsFor(locked);
        o.password = "typo";
        Client client(o);
        DeploymentPoll poll;
        try {
            poll.read(client, {});
            QFAIL("a refused password must throw");
        } catch (const kiq::Error& e) {
            QCOMPARE(e.kind(), kiq::ErrorKind::WrongPass);
        }

        Client other(o);
        HealthEvaluator evaluator;
        const HealthReport r = evaluator.evaluate(other, {});
        QCOMPARE(r.worst(), CheckState::Critical);
        QCOMPARE(find(r, check::kReachable)->state, CheckState::Critical);
    }

    // Readings every few seconds (the Overview's) must not shrink the failure rate's window to seconds:
    // its baseline is the oldest sample within five minutes.
    void failureRateKeepsItsWindowWhenReadOften()
    {
        RedisServer server {RedisServer::Options {}};
        Client client(kiq::test::optionsFor(server));
        run(client, {"SET", "stat:processed", "1000"});
        run(client, {"SET", "stat:failed", "10"});
        HealthEvaluator evaluator;
        evaluator.minWindowSeconds = 0;
        QVERIFY(evaluator.evaluate(client, {}).results.size() > 1);
        run(client, {"INCRBY", "stat:processed", "100"});
        run(client, {"INCRBY", "stat:failed", "30"});
        QCOMPARE(find(evaluator.evaluate(client, {}), check::kFailureRate)->value.value_or(0), 30.0);
        run(client, {"INCRBY", "stat:processed", "100"});
        const HealthReport r = evaluator.evaluate(client, {});
        // 30 failed of 200 since the first sample, not 0 of the last 100.
        QCOMPARE(find(r, check::kFailureRate)->value.value_or(0), 15.0);
        QCOMPARE(find(r, check::kFailureRate)->state, CheckState::Warn);
    }
};

QTEST_MAIN(TestDeploymentPoll)
#include "tst_deployment_poll.moc"
