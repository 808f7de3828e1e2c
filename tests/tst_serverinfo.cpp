// ServerInfo: INFO parsing (canned text and a real server), the one-round-trip load with DBSIZE,
// SLOWLOG and CLIENT LIST, and tolerance of an ACL user who may not read the slow log or clients.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "server/ServerInfo.h"
#include "server/ServerInfoProbe.h"

#include <QMap>
#include <QTest>

using namespace kiq::server;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::redis::ConnectionOptions;
using kiq::test::RedisServer;

class TestServerInfo : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;

    ConnectionOptions options(const std::string& user = {}, const std::string& password = {}) const
    {
        return kiq::test::optionsFor(m_server->port(), user, password);
    }

private slots:
    void initTestCase() { m_server = std::make_unique<RedisServer>(RedisServer::Options {}); }

    void parsesCannedInfo()
    {
        const auto info = ServerInfo::parseInfo(
            "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"
            "uptime_in_seconds:3725\r\n\r\n# Clients\r\nconnected_clients:12\r\n\r\n"
            "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:0\r\n\r\n"
            "# Replication\r\nrole:master\r\n\r\n# Stats\r\ninstantaneous_ops_per_sec:42\r\n\r\n"
            "# Keyspace\r\ndb0:keys=10,expires=2,avg_ttl=500\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n");
        QCOMPARE(info.redisVersion(), std::string("7.0.15"));
        QCOMPARE(info.role(), std::string("master"));
        QCOMPARE(info.usedMemory().value(), 1048576LL);
        QCOMPARE(info.usedMemoryHuman(), std::string("1.00M"));
        QCOMPARE(info.maxmemory().value(), 0LL);
        QCOMPARE(info.connectedClients().value(), 12LL);
        QCOMPARE(info.instantaneousOpsPerSec().value(), 42LL);
        QCOMPARE(info.uptime()->count(), 3725LL);
        QCOMPARE(info.sections.size(), std::size_t(6));
        QCOMPARE(info.sections.at("server").at("redis_mode"), std::string("standalone"));
        const auto ks = info.keyspace();
        QCOMPARE(ks.size(), std::size_t(2));
        QCOMPARE(ks[0].db, 0);
        QCOMPARE(ks[0].keys, 10LL);
        QCOMPARE(ks[0].expires, 2LL);
        QCOMPARE(ks[0].averageTtlMs, 500LL);
        QCOMPARE(ks[1].db, 3);
        QVERIFY(!info.field("no_such_field"));
        QVERIFY(!ServerInfo::parseInfo("").usedMemory());
    }

    void parsesClientListText()
    {
        const auto clients
            = parseClientList("id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=kiqdesk age=12 idle=3 "
                              "flags=N db=2 cmd=client|list user=default\n"
                              "id=7 addr=[::1]:6000 name= age=0 idle=0 flags=x db=0 cmd=exec user=ops\n");
        QCOMPARE(clients.size(), std::size_t(2));
        QCOMPARE(clients[0].id(), 3LL);
        QCOMPARE(clients[0].name(), std::string("kiqdesk"));
        QCOMPARE(clients[0].ageSeconds(), 12LL);
        QCOMPARE(clients[0].db(), 2);
        QCOMPARE(clients[0].lastCommand(), std::string("client|list"));
        QCOMPARE(clients[0].field("laddr"), std::string("127.0.0.1:6379"));
        QCOMPARE(clients[1].address(), std::string("[::1]:6000"));
        QCOMPARE(clients[1].name(), std::string());
        QCOMPARE(clients[1].user(), std::string("ops"));
    }

    void loadsFromARealServer()
    {
        m_server->cli({"FLUSHALL"});
        m_server->cli({"CONFIG", "SET", "slowlog-log-slower-than", "0"}); // log everything
        m_server->cli({"SLOWLOG", "RESET"});
        m_server->cli({"SET", "a", "1"});
        m_server->cli({"SET", "b", "2"});
        m_server->cli({"-n", "2", "SET", "c", "3"});

        Client client(options());
        const ServerInfo info = loadServerInfo(client);
        QCOMPARE(QString::fromStdString(info.redisVersion()), m_server->info("server", "redis_version"));
        QCOMPARE(info.role(), std::string("master"));
        QVERIFY(info.usedMemory().value_or(0) > 0);
        QVERIFY(!info.usedMemoryHuman().empty());
        QVERIFY(info.maxmemory().has_value());
        QVERIFY(info.connectedClients().value_or(0) >= 1);
        QVERIFY(info.instantaneousOpsPerSec().has_value());
        QVERIFY(info.uptime().has_value());
        QVERIFY(info.sections.count("server") && info.sections.count("memory") && info.sections.count("stats"));
        QVERIFY(info.roundTrip.count() > 0);

        QVERIFY(info.dbSizeError.empty());
        QCOMPARE(info.dbSize.value_or(-1), 2LL);
        const auto ks = info.keyspace();
        QCOMPARE(ks.size(), std::size_t(2));
        QCOMPARE(ks[1].db, 2);
        QCOMPARE(ks[1].keys, 1LL);

        QVERIFY(info.slowlogError.empty());
        const bool sawSet = std::any_of(info.slowlog.begin(), info.slowlog.end(), [](const SlowlogEntry& e) {
            return e.args.size() == 3 && e.args[0] == "SET" && e.args[1] == "b" && e.args[2] == "2";
        });
        QVERIFY2(sawSet, "SET b 2 must be in the slow log");
        QVERIFY(!info.slowlog.front().clientAddress.empty());
        QVERIFY(info.slowlog.front().timestamp > 1600000000);

        QVERIFY(info.clientsError.empty());
        const bool sawSelf = std::any_of(
            info.clients.begin(), info.clients.end(), [](const ClientEntry& c) { return c.name() == "kiqdesk"; });
        QVERIFY2(sawSelf, "our own connection (CLIENT SETNAME kiqdesk) must be listed");
        m_server->cli({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
    }

    void toleratesNoPermOnOptionalParts()
    {
        QCOMPARE(
            m_server->cli({"ACL", "SETUSER", "viewer", "on", ">viewerpw", "~*", "+@all", "-slowlog", "-client|list"}),
            QStringLiteral("OK"));
        Client client(options("viewer", "viewerpw"));
        const ServerInfo info = loadServerInfo(client);
        QVERIFY(!info.redisVersion().empty());
        QVERIFY(info.dbSize.has_value());
        QVERIFY(info.slowlog.empty());
        QVERIFY(info.clients.empty());
        QVERIFY2(
            QString::fromStdString(info.slowlogError).contains(QStringLiteral("NOPERM")), info.slowlogError.c_str());
        QVERIFY2(
            QString::fromStdString(info.clientsError).contains(QStringLiteral("NOPERM")), info.clientsError.c_str());
        QVERIFY(QString::fromStdString(info.slowlogError).contains(QStringLiteral("permission denied")));
        QCOMPARE(kiq::redis::missingPermission(info.slowlogError), std::string("+slowlog|get"));
        QCOMPARE(kiq::redis::missingPermission(info.clientsError), std::string("+client|list"));
    }

    // The Overview's every-2-seconds read: two INFO sections, and nothing that costs a line per client or
    // per slow command on the server.
    void countersAreTheLightRead()
    {
        // Calls per command, from one INFO commandstats (which counts itself in the next one).
        auto calls = [this] {
            const QString stats = m_server->cli({"INFO", "commandstats"});
            QMap<QString, int> out;
            for (const char* command : {"client|list", "slowlog|get", "info"}) {
                const QString key = QStringLiteral("cmdstat_%1:calls=").arg(QLatin1String(command));
                const auto at = stats.indexOf(key);
                out[QLatin1String(command)] = at < 0 ? 0 : stats.mid(at + key.size()).section(u',', 0, 0).toInt();
            }
            return out;
        };
        Client client(options());
        client.connect(); // connecting has its own checks
        const auto before = calls();
        const ServerInfo counters = loadServerCounters(client);
        QVERIFY(counters.infoError.empty());
        QVERIFY(counters.usedMemory().value_or(0) > 0);
        QVERIFY(counters.instantaneousOpsPerSec().has_value());
        QVERIFY(counters.maxmemory().has_value());
        QCOMPARE(counters.sections.size(), std::size_t(2));
        const auto after = calls();
        QCOMPARE(after["client|list"], before["client|list"]);
        QCOMPARE(after["slowlog|get"], before["slowlog|get"]);
        QCOMPARE(after["info"], before["info"] + 1 + 2); // the first INFO commandstats, and our two sections

        m_server->cli({"ACL", "SETUSER", "blind2", "on", ">blindpw", "~*", "+@all", "-info"});
        Client blind(options("blind2", "blindpw"));
        const ServerInfo refused = loadServerCounters(blind);
        QCOMPARE(kiq::redis::missingPermission(refused.infoError), std::string("+info"));
        QVERIFY(!refused.usedMemory().has_value());
    }

    // A user without INFO still gets the other parts, and INFO's refusal says what to grant.
    void infoRefusedIsOnePart()
    {
        m_server->cli({"ACL", "SETUSER", "blind", "on", ">blindpw", "~*", "+@all", "-info"});
        Client client(options("blind", "blindpw"));
        const ServerInfo info = loadServerInfo(client);
        QVERIFY(info.redisVersion().empty());
        QVERIFY(info.dbSize.has_value());
        QVERIFY(info.clientsError.empty());
        QCOMPARE(kiq::redis::missingPermission(info.infoError), std::string("+info"));
        QCOMPARE(kiq::redis::missingPermission(info.clientsError), std::string());
        // The probe still answers: the user may PING, only INFO is missing.
        const ServerProbe probe = probeServer(client);
        QVERIFY(probe.redisVersion.empty());
        QVERIFY(QString::fromStdString(probe.infoError).contains(QStringLiteral("NOPERM")));
    }

    void probeReportsVersionAndRoundTrip()
    {
        Client client(options());
        const ServerProbe probe = probeServer(client);
        QCOMPARE(QString::fromStdString(probe.redisVersion), m_server->info("server", "redis_version"));
        QCOMPARE(probe.mode, std::string("standalone"));
        QVERIFY(probe.roundTrip.count() > 0);
    }

    void probeOfAClosedPortSaysRefused()
    {
        ConnectionOptions o = options();
        RedisServer other(RedisServer::Options {});
        o.endpoint.port = other.port();
        other.stop();
        o.reconnectAttempts = 1;
        Client client(o);
        try {
            probeServer(client);
            QFAIL("probing a stopped server must fail");
        } catch (const kiq::redis::Error& e) {
            QCOMPARE(e.kind(), kiq::redis::ErrorKind::Refused);
            QVERIFY(!std::string(e.what()).empty());
        }
    }
};

QTEST_GUILESS_MAIN(TestServerInfo)
#include "tst_serverinfo.moc"
