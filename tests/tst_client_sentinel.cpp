// Sentinel: the client finds the primary through the sentinel and follows a failover.
#include "harness/Ports.h"
#include "harness/SentinelGroup.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "redis/Errors.h"

#include <QTest>

using namespace kiq::redis;
using kiq::test::SentinelGroup;

class TestClientSentinel : public QObject {
    Q_OBJECT
private slots:
    void findsPrimaryAndFollowsFailover()
    {
        SentinelGroup group;
        ConnectionOptions o;
        o.topology = Topology::Sentinel;
        o.seeds = {{"127.0.0.1", kiq::test::freePort()}, {"127.0.0.1", group.sentinelPort()}}; // first sentinel is down
        o.sentinelMaster = "mymaster";
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
        QVERIFY(kiq::test::waitUntil([&] { return group.primary().info("replication", "role") == "slave"; }, 15000, 50));

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

    void unknownMasterIsClear()
    {
        SentinelGroup group;
        ConnectionOptions o;
        o.topology = Topology::Sentinel;
        o.seeds = {{"127.0.0.1", group.sentinelPort()}};
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
