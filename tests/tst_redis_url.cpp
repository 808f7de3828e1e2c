// Connection URLs as redis-cli -u reads them, the warnings shown for risky options, and the options a
// client refuses (validate(), which the connection dialog shows before connecting).
#include "redis/Client.h"
#include "redis/ConnectionOptions.h"
#include "redis/Errors.h"

#include <QTest>

using namespace kiq::redis;

class TestRedisUrl : public QObject {
    Q_OBJECT
private slots:
    void full()
    {
        auto o = parseRedisUrl("rediss://ops:p%40ss%3Aw@redis.example.com:6380/3");
        QVERIFY(o.tls.enabled);
        QCOMPARE(QString::fromStdString(o.user), QString("ops"));
        QCOMPARE(QString::fromStdString(o.password), QString("p@ss:w"));
        QCOMPARE(QString::fromStdString(o.endpoint.host), QString("redis.example.com"));
        QCOMPARE(o.endpoint.port, 6380);
        QCOMPARE(o.db, 3);
        QVERIFY(o.tls.verifyHostname);
        QVERIFY(!QString::fromStdString(o.describe()).contains("p@ss"));
    }
    void defaultsAndPasswordOnly()
    {
        auto o = parseRedisUrl("redis://secret@localhost");
        QVERIFY(!o.tls.enabled);
        QCOMPARE(QString::fromStdString(o.password), QString("secret"));
        QVERIFY(o.user.empty());
        QCOMPARE(o.endpoint.port, 6379);
        QCOMPARE(o.db, 0);
        auto bare = parseRedisUrl("redis://");
        QCOMPARE(QString::fromStdString(bare.endpoint.host), QString("127.0.0.1"));
    }
    void ipv6()
    {
        auto o = parseRedisUrl("redis://[::1]:7000/1");
        QCOMPARE(QString::fromStdString(o.endpoint.host), QString("::1"));
        QCOMPARE(o.endpoint.port, 7000);
        QCOMPARE(QString::fromStdString(o.endpoint.toString()), QString("[::1]:7000"));
    }
    // A password that holds '/' belongs to the userinfo, not to the path.
    void passwordWithSlashOrAt()
    {
        auto o = parseRedisUrl("redis://:pa/ss@w@host:7000/2");
        QCOMPARE(QString::fromStdString(o.password), QString("pa/ss@w"));
        QCOMPARE(QString::fromStdString(o.endpoint.host), QString("host"));
        QCOMPARE(o.endpoint.port, 7000);
        QCOMPARE(o.db, 2);
    }

    // No error message ever echoes the password, whichever part of the URL is wrong.
    void errorsMaskThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("scheme") << "http://ops:Sekr1t@host";
        QTest::newRow("scheme, lone") << "Sekr1t@host";
        QTest::newRow("port") << "redis://ops:Sekr1t@host:99999";
        QTest::newRow("port, lone") << "redis://Sekr1t@host:abc";
        QTest::newRow("db") << "redis://:Sekr1t@host/x";
        QTest::newRow("slash in password") << "redis://:Se/kr1t@host/x";
        QTest::newRow("colon and slash") << "redis://:a/Sekr1t:x@host:0";
        QTest::newRow("ipv6") << "rediss://ops:Sekr1t@[::1";
        QTest::newRow("after ipv6") << "redis://:Sekr1t@[::1]x";
    }
    void errorsMaskThePassword()
    {
        QFETCH(QString, url);
        try {
            parseRedisUrl(url.toStdString());
            QFAIL("expected UsageError");
        } catch (const UsageError& e) {
            const QString message = e.what();
            for (const char* piece : {"Sekr1t", "kr1t", "Se/"}) QVERIFY2(!message.contains(piece), qPrintable(message));
            QVERIFY2(message.contains("***") || !url.contains('@'), qPrintable(message));
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("scheme") << "http://x"
                                << "redis://";
        QTest::newRow("port") << "redis://h:99999"
                              << "port";
        QTest::newRow("port text") << "redis://h:abc"
                                   << "port";
        QTest::newRow("db") << "redis://h/x"
                            << "database";
        QTest::newRow("escape") << "redis://u:%zz@h"
                                << "percent";
        QTest::newRow("ipv6") << "redis://[::1"
                              << "IPv6";
    }
    void rejects()
    {
        QFETCH(QString, url);
        QFETCH(QString, mentions);
        try {
            parseRedisUrl(url.toStdString());
            QFAIL("expected UsageError");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }
    void validateNamesWhatAClientRefuses_data()
    {
        QTest::addColumn<int>("topology");
        QTest::addColumn<int>("db");
        QTest::addColumn<bool>("seeded");
        QTest::addColumn<QString>("master");
        QTest::addColumn<QString>("problem");
        const int standalone = int(Topology::Standalone), sentinel = int(Topology::Sentinel);
        const int cluster = int(Topology::Cluster);
        QTest::newRow("standalone db 3") << standalone << 3 << false << ""
                                         << "";
        QTest::newRow("cluster") << cluster << 0 << true << ""
                                 << "";
        QTest::newRow("cluster db 1") << cluster << 1 << true << ""
                                      << "Redis Cluster has only database 0";
        QTest::newRow("cluster no seed") << cluster << 0 << false << ""
                                         << "a Cluster connection needs at least one seed node";
        QTest::newRow("sentinel") << sentinel << 2 << true << "mymaster"
                                  << "";
        QTest::newRow("sentinel no sentinel") << sentinel << 0 << false << "mymaster"
                                              << "a Sentinel connection needs at least one sentinel";
        QTest::newRow("sentinel no master") << sentinel << 0 << true << ""
                                            << "a Sentinel connection needs the master name";
    }
    void validateNamesWhatAClientRefuses()
    {
        QFETCH(int, topology);
        QFETCH(int, db);
        QFETCH(bool, seeded);
        QFETCH(QString, master);
        QFETCH(QString, problem);
        ConnectionOptions o;
        o.topology = Topology(topology);
        o.db = db;
        if (seeded) o.seeds = {{"127.0.0.1", 1}};
        o.sentinelMaster = master.toStdString();
        const auto found = o.validate();
        QCOMPARE(found ? QString::fromStdString(*found) : QString(), problem);
        // The same words as the client's refusal: nothing connects either way.
        QString refused;
        try {
            Client client(o);
        } catch (const UsageError& e) {
            refused = e.what();
        }
        QCOMPARE(refused, problem);
    }
    void warnings()
    {
        auto o = parseRedisUrl("redis://:pw@10.1.2.3");
        auto w = o.warnings();
        QVERIFY(std::any_of(
            w.begin(), w.end(), [](const std::string& s) { return s.find("without TLS") != std::string::npos; }));
        auto t = parseRedisUrl("rediss://h");
        QVERIFY(t.warnings().empty());
        t.tls.verifyHostname = false;
        QCOMPARE(t.warnings().size(), std::size_t(1));
        auto local = parseRedisUrl("redis://127.0.0.1");
        QVERIFY(local.warnings().empty());
    }
};

QTEST_APPLESS_MAIN(TestRedisUrl)
#include "tst_redis_url.moc"
