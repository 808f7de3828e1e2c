// ServerInfo: INFO parsing (canned text and a real server), the one-round-trip load with DBSIZE,
// SLOWLOG and CLIENT LIST, and tolerance of an ACL user who may not read the slow log or clients.
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "server/ClientCensus.h"
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

    // Redis 7.2's CLIENT LIST as Sidekiq 8.1.7 (redis-client with driver_info sidekiq_v8.1.7), redis-py,
    // Kiqdesk and a silent client (Sidekiq 6) leave it: grouped per host and identity, most first.
    void censusGroupsClientsByHostAndIdentity()
    {
        std::string text;
        const auto line = [&](int id, const std::string& addr, const std::string& rest) {
            text += "id=" + std::to_string(id) + " addr=" + addr + " laddr=10.0.0.1:6379 fd=9 " + rest + "\n";
        };
        for (int i = 0; i < 7; ++i)
            line(i, "10.0.0.5:" + std::to_string(40000 + i),
                "name= age=" + std::to_string(100 + i) + " idle=0 flags=" + (i < 5 ? "b" : "N")
                    + " db=0 cmd=brpop user=default lib-name=redis-client(sidekiq_v8.1.7) lib-ver=0.25.1");
        line(20, "10.0.0.5:41000",
            "name=web-1 age=5 idle=0 flags=N db=0 cmd=get user=default lib-name=redis-py lib-ver=5.0.1");
        for (int i = 0; i < 8; ++i)
            line(30 + i, "10.0.0.9:" + std::to_string(50000 + i),
                "name=app-" + std::to_string(i)
                    + " age=9 idle=1 flags=N db=0 cmd=lpush user=default lib-name= lib-ver=");
        line(
            50, "[::1]:6000", "name=kiqdesk age=1 idle=0 flags=N db=0 cmd=client|list user=default lib-name= lib-ver=");
        line(52, "[::1]:6001", "name=kiqdesk-cli age=1 idle=0 flags=N db=0 cmd=get user=default lib-name= lib-ver=");
        line(51, "/run/redis.sock:0",
            "name= age=1 idle=0 flags=U db=0 cmd=ping user=default lib-name=redis-client(rails_v7.2;sidekiq_v7.3.9)");

        const ClientCensus census = takeClientCensus(parseClientList(text));
        QCOMPARE(census.connections, 19LL);
        QCOMPARE(census.hosts, 4LL); // 10.0.0.5, 10.0.0.9, ::1, the socket
        QCOMPARE(census.notIdentified, 8LL); // the app-* clients: a name is not an identity
        QCOMPARE(census.bySidekiqVersion.size(), std::size_t(2));
        QCOMPARE(census.bySidekiqVersion.at("8.1.7"), 7LL);
        QCOMPARE(census.bySidekiqVersion.at("7.3.9"), 1LL);
        QCOMPARE(census.groups.size(), std::size_t(5));

        const CensusGroup& silent = census.groups[0]; // most connections first
        QCOMPARE(silent.host, std::string("10.0.0.9"));
        QVERIFY(!silent.identity.identified());
        QCOMPARE(silent.connections, 8LL);
        QCOMPARE(silent.distinctNames, 8LL);
        QCOMPARE(silent.names.size(), CensusGroup::kNameSample);
        QCOMPARE(silent.names.front(), std::string("app-0"));

        const CensusGroup& sidekiq = census.groups[1];
        QCOMPARE(sidekiq.host, std::string("10.0.0.5"));
        QCOMPARE(sidekiq.identity.library, std::string("redis-client"));
        QCOMPARE(sidekiq.identity.libraryVersion, std::string("0.25.1"));
        QCOMPARE(sidekiq.identity.sidekiqVersion, std::string("8.1.7"));
        QCOMPARE(sidekiq.connections, 7LL);
        QCOMPARE(sidekiq.blocked, 5LL);
        QCOMPARE(sidekiq.oldestAgeSeconds, 106LL);
        QVERIFY(sidekiq.names.empty());

        const auto find = [&](const std::string& host) {
            std::vector<CensusGroup> out;
            for (const auto& g : census.groups)
                if (g.host == host) out.push_back(g);
            return out;
        };
        QCOMPARE(find("10.0.0.5").size(), std::size_t(2)); // Sidekiq and redis-py on one host stay apart
        const auto ours = find("::1");
        QCOMPARE(ours.size(), std::size_t(1));
        QVERIFY(ours[0].identity.kiqdesk);
        QVERIFY(ours[0].identity.identified());
        QCOMPARE(ours[0].connections, 2LL); // the app and the CLI
        QCOMPARE(ours[0].names, (std::vector<std::string> {"kiqdesk", "kiqdesk-cli"}));
        const auto socket = find("/run/redis.sock");
        QCOMPARE(socket.size(), std::size_t(1));
        QCOMPARE(socket[0].identity.sidekiqVersion, std::string("7.3.9"));
    }

    // A real Sidekiq 6.4.1 beside our own connections: Sidekiq's are not identified (redis-rb 4 sends
    // neither SETINFO nor a name), ours are, and every connection CLIENT LIST shows is counted once.
    void censusOfARealServerWithSidekiq6()
    {
        m_server->cli({"FLUSHALL"});
        kiq::test::SidekiqProcess sidekiq(m_server->port(), {"default"}, 3);
        ConnectionOptions named = options();
        named.clientName = "app-web-7";
        Client app1(named), app2(named);
        app1.command(Command("PING"));
        app2.command(Command("PING"));

        Client client(options());
        ServerInfo info;
        // Sidekiq's fetchers spend nearly all their time in BRPOP; wait for a snapshot that shows one.
        for (int attempt = 0; attempt < 50; ++attempt) {
            info = loadServerInfo(client);
            const auto silent = std::find_if(info.census.groups.begin(), info.census.groups.end(),
                [](const CensusGroup& g) { return !g.identity.identified(); });
            if (silent != info.census.groups.end() && silent->blocked > 0) break;
            QTest::qWait(100);
        }
        QVERIFY(info.clientsError.empty());
        QCOMPARE(info.census.connections, static_cast<long long>(info.clients.size()));
        QCOMPARE(info.census.hosts, 1LL);
        QVERIFY(info.census.bySidekiqVersion.empty()); // 6.4.1 does not say

        long long unnamed = 0;
        for (const auto& c : info.clients) unnamed += c.name().empty();
        QVERIFY2(unnamed >= 2, "Sidekiq 6.4.1 holds connections (fetchers, heartbeat) without a name");

        std::map<std::string, CensusGroup> byLabel;
        for (const auto& g : info.census.groups)
            byLabel[g.identity.kiqdesk ? "kiqdesk" : g.identity.identified() ? g.identity.library : "silent"] = g;
        QCOMPARE(byLabel.size(), std::size_t(2));
        QCOMPARE(byLabel.at("kiqdesk").connections, 1LL);
        const CensusGroup& silent = byLabel.at("silent");
        QCOMPARE(silent.host, std::string("127.0.0.1"));
        QCOMPARE(silent.connections, unnamed + 2); // Sidekiq's and the two app-web-7
        QCOMPARE(silent.names, std::vector<std::string> {"app-web-7"});
        QVERIFY(silent.blocked >= 1);
        QVERIFY(silent.blocked < silent.connections);
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
