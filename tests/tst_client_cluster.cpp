// Redis Cluster with three primaries: routing by slot, hash tags, MOVED after a slot moves, ASK
// during a migration, fan-out to every primary.
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "redis/KeySlot.h"
#include "server/ServerInfoProbe.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Stats.h"

#include <QSet>
#include <QTest>

#include <algorithm>

using namespace kiq::redis;
using kiq::test::ClusterGroup;

class TestClientCluster : public QObject {
    Q_OBJECT
    std::unique_ptr<ClusterGroup> m_cluster;

    ConnectionOptions options()
    {
        ConnectionOptions o = kiq::test::clusterOptionsFor(*m_cluster);
        o.commandTimeout = std::chrono::milliseconds(3000);
        return o;
    }

private slots:
    void initTestCase() { m_cluster = std::make_unique<ClusterGroup>(); }

    // A namespace without a {hash tag} spreads Sidekiq's keys over slots: the probe says so once, on
    // connecting, naming what works. The claims are checked on the real cluster: views and delete
    // work, retry fails with CROSSSLOT; with a hash-tagged namespace there is no warning and retry works.
    void namespaceWithoutHashTagIsReported()
    {
        const std::string job
            = R"({"retry":true,"queue":"default","class":"HardJob","args":[1],"jid":"0123456789abcdef01234567","created_at":1700000000.5,"error_class":"Boom","error_message":"x","retry_count":3,"failed_at":1700000001.5})";
        for (const std::string ns : {"slotapp:", "{slotapp}:"}) {
            const bool tagged = ns.front() == '{';
            auto o = options();
            o.keyPrefix = ns;
            Client c(o);
            const auto probe = kiq::server::probeServer(c);
            const auto warning = std::find_if(probe.notes.begin(), probe.notes.end(),
                [](const std::string& n) { return n.find("CROSSSLOT") != std::string::npos; });
            if (tagged) {
                // Not warning->c_str(): QVERIFY2 evaluates its message even when the check passes.
                QVERIFY2(warning == probe.notes.end(), "a Cluster namespace warning for a hash-tagged namespace");
            } else {
                QVERIFY2(warning != probe.notes.end(), "no Cluster namespace warning");
                QVERIFY2(warning->find("'slotapp:'") != std::string::npos
                        && warning->find("'{slotapp}:'") != std::string::npos,
                    warning->c_str());
                QVERIFY2(warning->find("Views work") != std::string::npos, warning->c_str());
            }

            QCOMPARE(c.command(Command("ZADD").key("dead").arg(1700000001.5).arg(job)).asInteger(), 1LL);
            QCOMPARE(c.command(Command("SADD").key("queues").arg("default")).asInteger(), 1LL);
            kiq::sidekiq::StatsReader stats;
            QCOMPARE(stats.read(c).deadSize, 1LL); // a view
            kiq::write::WriteGate gate("cluster test");
            try {
                const auto retried = kiq::sidekiq::retryNow(c, gate, kiq::sidekiq::JobSetKind::Dead, {job});
                QVERIFY2(tagged, "retry worked without a hash tag: the warning would be wrong");
                QCOMPARE(retried.affected, 1LL);
            } catch (const Error& e) {
                QVERIFY2(!tagged, e.what());
                QCOMPARE(e.kind(), ErrorKind::CrossSlot);
                QCOMPARE(kiq::sidekiq::deleteJobs(c, gate, kiq::sidekiq::JobSetKind::Dead, {job}).affected, 1LL);
            }
            QCOMPARE(stats.read(c).deadSize, 0LL);
            for (const auto& key : {"queue:default", "queues", "dead"}) c.command(Command("DEL").key(key));
        }
    }

    void keysOnAllThreePrimaries()
    {
        Client c(options());
        QCOMPARE(c.primaries().size(), std::size_t(3));
        std::vector<Command> cmds;
        for (int i = 0; i < 300; ++i) cmds.push_back(Command("SET").key("key:" + std::to_string(i)).arg(i));
        auto replies = c.pipeline(cmds);
        QCOMPARE(replies.size(), std::size_t(300));
        for (const auto& r : replies) QVERIFY2(r.isOk(), r.debugString().c_str());
        QSet<int> nodesUsed;
        for (int n = 0; n < 3; ++n) {
            const int count = m_cluster->node(n).cli({"DBSIZE"}).toInt();
            if (count > 0) nodesUsed.insert(n);
        }
        QCOMPARE(nodesUsed.size(), 3);
        // Reads come back in order, from whichever node holds each key.
        std::vector<Command> gets;
        for (int i = 0; i < 300; ++i) gets.push_back(Command("GET").key("key:" + std::to_string(i)));
        auto values = c.pipeline(gets);
        for (int i = 0; i < 300; ++i)
            QCOMPARE(QString::fromStdString(values[std::size_t(i)].asString()), QString::number(i));
        // Our slot computation agrees with the server's.
        QCOMPARE(keySlot("key:42"), m_cluster->keySlot("key:42"));
    }

    void hashTagsKeepMultiKeyCommandsTogether()
    {
        Client c(options());
        auto replies = c.transaction({Command("SET").key("{job}:a").arg(1), Command("SET").key("{job}:b").arg(2)});
        QCOMPARE(replies.size(), std::size_t(2));
        Reply cross = c.command(Command("MSET").key("alpha").arg(1).key("beta").arg(2));
        if (keySlot("alpha") != keySlot("beta")) {
            QVERIFY(cross.isError());
            QCOMPARE(classifyReplyError(cross.str), ErrorKind::CrossSlot);
        }
    }

    void followsMoved()
    {
        Client c(options());
        const std::string key = "moving-key";
        const int slot = keySlot(key);
        QVERIFY(c.command(Command("SET").key(key).arg(std::string_view("v1"))).isOk()); // slot map cached
        const int from = m_cluster->ownerIndex(slot);
        const int to = (from + 1) % 3;
        m_cluster->migrateSlot(slot, from, to, {QString::fromStdString(key)});
        m_cluster->finishMigration(slot, to);
        // The cached map still points at the old owner: it answers MOVED and the client follows.
        QCOMPARE(QString::fromStdString(c.command(Command("GET").key(key)).asString()), QString("v1"));
        QCOMPARE(c.nodeForKey(key).port, m_cluster->node(to).port());
    }

    void followsAsk()
    {
        Client c(options());
        const std::string key = "asked-key";
        const int slot = keySlot(key);
        QVERIFY(c.command(Command("SET").key(key).arg(std::string_view("v2"))).isOk());
        const int from = m_cluster->ownerIndex(slot);
        const int to = (from + 1) % 3;
        m_cluster->migrateSlot(slot, from, to, {QString::fromStdString(key)});
        // Mid-migration the key lives on the target; the source answers ASK.
        QCOMPARE(m_cluster->node(from).cli({"GET", QString::fromStdString(key)}).left(3), QString("ASK"));
        QCOMPARE(QString::fromStdString(c.command(Command("GET").key(key)).asString()), QString("v2"));
        QCOMPARE(c.nodeForKey(key).port, m_cluster->node(from).port()); // ASK does not change the map
        m_cluster->finishMigration(slot, to);
    }

    void fanOut()
    {
        Client c(options());
        auto replies = c.onAllPrimaries(Command("PING"));
        QCOMPARE(replies.size(), std::size_t(3));
        for (const auto& r : replies) QCOMPARE(QString::fromStdString(r.reply.str), QString("PONG"));
        auto all = c.onAllNodes(Command("INFO").arg(std::string_view("server")));
        QCOMPARE(all.size(), std::size_t(3)); // no replicas in this cluster
    }

    void selectIsRefused()
    {
        auto o = options();
        o.db = 2;
        QVERIFY_THROWS_EXCEPTION(UsageError, Client {o});
    }
};

QTEST_GUILESS_MAIN(TestClientCluster)
#include "tst_client_cluster.moc"
