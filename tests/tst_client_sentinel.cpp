// Sentinel: the client finds the primary through the sentinel and follows a failover.
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/SentinelGroup.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "redis/Errors.h"

#include <QTest>

#include <future>

using namespace kiq::redis;
using kiq::test::SentinelGroup;

class TestClientSentinel : public QObject {
    Q_OBJECT
private slots:
    void findsPrimaryAndFollowsFailover()
    {
        SentinelGroup group;
        ConnectionOptions o = kiq::test::sentinelOptionsFor(group);
        o.seeds.insert(o.seeds.begin(), {"127.0.0.1", kiq::test::freePort()}); // the first sentinel is down
        o.reconnectAttempts = 2;
        o.commandTimeout = std::chrono::milliseconds(2000);
        Client c(o);
        QVERIFY(c.command(Command("SET").key("k").arg(std::string_view("before"))).isOk());
        QCOMPARE(c.primaries().front().port, group.primary().port());
        const int oldPrimary = group.primary().port();

        group.failover();
        QVERIFY(group.reportedMasterPort() != oldPrimary);
        // Until Sentinel reconfigures the old primary it still accepts writes (the split-brain window
        // every Sentinel client has); the test starts writing once it is a replica.
        QVERIFY(
            kiq::test::waitUntil([&] { return group.primary().info("replication", "role") == "slave"; }, 15000, 50));

        // Writes keep working: the client notices the demotion (closed connection or READONLY) and
        // asks the sentinel again.
        bool wrote = false;
        QString lastError;
        for (int i = 0; i < 50 && !wrote; ++i) {
            try {
                wrote = c.command(Command("SET").key("k").arg(std::string_view("after"))).isOk();
            } catch (const Error& e) {
                lastError = e.what(); // one transport error is allowed while the old connection dies
                QTest::qWait(100);
            }
        }
        QVERIFY2(wrote, qPrintable(lastError));
        QCOMPARE(c.primaries().front().port, group.reportedMasterPort());
        QCOMPARE(group.currentMaster().cli({"GET", "k"}), QString("after"));
    }

    void readOnlySendsAgainOnlyWhatTheDemotedPrimaryRefused()
    {
        // The primary becomes a replica half-way through a pipeline: what it ran before must not run
        // again on the new primary; only the commands it answered READONLY are sent there.
        SentinelGroup group;
        ConnectionOptions o = kiq::test::sentinelOptionsFor(group);
        o.commandTimeout = std::chrono::milliseconds(8000);
        Client c(o);
        c.connect();
        kiq::test::RedisServer& before = group.primary();
        kiq::test::RedisServer& after = group.replica();
        // CLIENT PAUSE WRITE holds the last RPUSH back (postponed, not refused) until the demotion.
        auto pending = std::async(std::launch::async, [&c] {
            return c.pipeline({Command("RPUSH").key("list").arg(std::string_view("a")),
                Command("CLIENT").arg("PAUSE").arg(3000).arg("WRITE"),
                Command("RPUSH").key("list").arg(std::string_view("b"))});
        });
        QVERIFY(kiq::test::waitUntil(
            [&] {
                return before.info("clients", "blocked_clients") == "1" && after.cli({"LLEN", "list"}) == "1";
            },
            10000));
        // Promoted by hand and named by the sentinel at once (a sentinel failover would close our
        // connection: the other path), then the old primary is demoted and unpaused, so the last RPUSH
        // runs there as a replica and is answered READONLY.
        QCOMPARE(after.cli({"REPLICAOF", "NO", "ONE"}), QString("OK"));
        QCOMPARE(group.sentinel().cli({"SENTINEL", "REMOVE", "mymaster"}), QString("OK"));
        QCOMPARE(
            group.sentinel().cli({"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", QString::number(after.port()), "1"}),
            QString("OK"));
        QCOMPARE(before.cli({"REPLICAOF", "127.0.0.1", QString::number(after.port())}), QString("OK"));
        QCOMPARE(before.cli({"CLIENT", "UNPAUSE"}), QString("OK"));

        const std::vector<Reply> replies = pending.get();
        QCOMPARE(replies.size(), std::size_t(3));
        QCOMPARE(replies[0].integer, 1LL); // on the old primary
        QVERIFY(replies[1].isOk());
        QCOMPARE(replies[2].integer, 2LL); // on the new one, after the replicated "a"
        QCOMPARE(after.cli({"LRANGE", "list", "0", "-1"}), QString("a\nb"));
        QCOMPARE(c.primaries().front().port, after.port());
    }

    void unknownMasterIsClear()
    {
        SentinelGroup group;
        ConnectionOptions o = kiq::test::sentinelOptionsFor(group);
        o.sentinelMaster = "nosuchmaster";
        o.reconnectAttempts = 1;
        try {
            Client(o).connect();
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("does not know master 'nosuchmaster'"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestClientSentinel)
#include "tst_client_sentinel.moc"
