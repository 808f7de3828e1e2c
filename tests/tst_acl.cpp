// The ACL editor's core against real servers: rule parsing, risk flags on crafted users, the Sidekiq
// roles verified with ACL DRYRUN and used for real (Sidekiq 6.4.1 runs under the worker role; the
// monitor reads every page and is refused every write), persistence, the log, and a 3-primary Cluster.
#include "acl/AclService.h"
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Errors.h"
#include "server/ServerInfo.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"
#include "worker/Launcher.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using namespace kiq::acl;
using kiq::test::RedisServer;

namespace {
bool anyContains(const std::vector<std::string>& v, const std::string& needle)
{
    return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}
} // namespace

class TestAcl : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<redis::Client> m_admin;
    write::WriteGate m_gate {"test"};

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_admin = std::make_unique<redis::Client>(kiq::test::optionsFor(m_server->port(), "", ""));
    }

    void rulesRoundTrip()
    {
        const AclRules r = AclRules::parse(
            "reset on >s3cret ~queue:* %R~stat:* &events +@read -flushall +client|setname (~tmp:* +get)");
        QCOMPARE(r.state, AclRules::State::On);
        QCOMPARE(r.keyPatterns.size(), std::size_t(2));
        QCOMPARE(r.selectors.size(), std::size_t(1));
        const std::string hashed = r.hashedPasswords().toString();
        QVERIFY(hashed.find("s3cret") == std::string::npos);
        QVERIFY(hashed.find("#" + sha256Hex("s3cret")) != std::string::npos);
        QCOMPARE(QString::fromStdString(AclRules::parse(hashed).toString()), QString::fromStdString(hashed));
        for (const char* bad : {">", "~", "%X~a", "#abc", "+", "frobnicate", "(~a +get"}) {
            try {
                AclRules::parse(bad);
                QFAIL(bad);
            } catch (const redis::UsageError& e) {
                QVERIFY2(QString(e.what()).contains("ACL rules"), e.what());
            }
        }
        // The line shown before applying never carries the clear password.
        QVERIFY(setUserLine("ops", AclRules::parse("on >pw123 +@read")).find("pw123") == std::string::npos);
    }

    // A parse error names the bad token, never a clear-text password near it.
    void parseErrorsMaskPasswords()
    {
        try {
            AclRules::parse("on >Sekr1t-pw <Old-pw ~app:* frobnicate");
            QFAIL("expected UsageError");
        } catch (const redis::UsageError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("frobnicate") && message.contains(">***"), e.what());
            QVERIFY2(!message.contains("Sekr1t") && !message.contains("Old-pw"), e.what());
        }
    }

    // A password is one argument of ACL SETUSER whatever it holds: spaces and rule words in it never
    // become rules ("pw allkeys" granting ~*), and it is never echoed.
    void passwordWithSpacesIsOnePassword()
    {
        AclRules rules = AclRules::parse("on resetkeys -@all +get +ping");
        const std::string password = "pw allkeys +@all >x ~*";
        rules.addPasswords.push_back(password);
        const auto out = applyUser(*m_admin, m_gate, "spacey", rules);
        QVERIFY2(out[0].ok, out[0].message.c_str());
        QVERIFY(out[0].message.find("allkeys") == std::string::npos);
        const auto user = getUser(*m_admin, "spacey");
        QVERIFY(user);
        QCOMPARE(user->passwordCount, 1);
        QVERIFY(user->keys.empty());
        QVERIFY(!anyContains(user->flags, "allkeys"));
        QVERIFY(m_server->cli({"ACL", "GETUSER", "spacey"}).contains(QString::fromStdString(sha256Hex(password))));
        redis::Client login(kiq::test::optionsFor(m_server->port(), "spacey", password));
        QCOMPARE(login.command(redis::Command("PING")).asString(), std::string("PONG"));
        QVERIFY(deleteUser(*m_admin, m_gate, "spacey")[0].ok);
    }

    void riskFlagsOnCraftedUsers()
    {
        m_server->cli({"ACL", "SETUSER", "open", "on", "nopass", "~*", "+@all"});
        m_server->cli({"ACL", "SETUSER", "danger", "on", ">x", "~app:*", "+@dangerous"});
        m_server->cli({"ACL", "SETUSER", "tidy", "on", ">x", "~app:*", "+@read"});
        const auto users = listUsers(*m_admin);
        auto find = [&](const std::string& n) {
            return *std::find_if(users.begin(), users.end(), [&](const AclUser& u) { return u.name == n; });
        };
        QVERIFY(anyContains(find("default").risks(), "default user is enabled without a password"));
        QVERIFY(anyContains(find("open").risks(), "all commands on all keys"));
        QVERIFY(anyContains(find("open").risks(), "nopass"));
        QVERIFY(anyContains(find("danger").risks(), "dangerous"));
        QVERIFY(find("tidy").risks().empty());
        QCOMPARE(find("tidy").passwordCount, 1);
        // The diff shows what an edit changes.
        auto edited = find("tidy").ruleTokens();
        QVERIFY(std::find(edited.begin(), edited.end(), "~app:*") != edited.end());
        edited.erase(std::find(edited.begin(), edited.end(), "~app:*"));
        edited.push_back("+@write");
        const auto diff = diffRules(find("tidy").ruleTokens(), edited);
        QCOMPARE(diff.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(diff[0]), QString("- ~app:*"));
        QCOMPARE(QString::fromStdString(diff[1]), QString("+ +@write"));
        for (const char* u : {"open", "danger", "tidy"}) m_server->cli({"ACL", "DELUSER", u});
    }

    void workerRoleRunsRealSidekiq()
    {
        RoleTemplate role = roleTemplate(Role::Worker, "");
        AclRules rules = role.rules;
        rules.state = AclRules::State::On;
        rules.addPasswords = {"w0rker"};
        const auto applied = applyUser(*m_admin, m_gate, "sk-worker", rules);
        QCOMPARE(applied.size(), std::size_t(1));
        QVERIFY2(applied[0].ok, applied[0].message.c_str());
        QVERIFY(applied[0].message.find("not persisted") != std::string::npos); // no aclfile on this server

        for (const auto& c : verifyRole(*m_admin, "sk-worker", role))
            QVERIFY2(c.passed(), (c.check.command[0] + ": " + (c.allowed ? "allowed" : c.denial)).c_str());

        kiq::test::SidekiqProcess sidekiq(m_server->port(), {"default"}, 2, "sk-worker:w0rker");
        kiq::test::runSidekiqRuby(m_server->port(), "EchoJob.perform_async('acl-1')");
        QVERIFY2(kiq::test::waitUntil(
                     [&] {
                         return !m_server->cli({"GET", "done:acl-1"}).isEmpty();
                     },
                     20000, 100),
            qPrintable(sidekiq.logTail()));
        // Its heartbeat is there too, written under the restricted user.
        QVERIFY(kiq::test::waitUntil([&] { return !sidekiq::listProcesses(*m_admin).live.empty(); }, 10000, 100));
    }

    void workerRoleRunsOurPool()
    {
        RoleTemplate role = roleTemplate(Role::Worker, "");
        AclRules rules = role.rules;
        rules.state = AclRules::State::On;
        rules.addPasswords = {"p00l"};
        QVERIFY(applyUser(*m_admin, m_gate, "kiq-worker", rules)[0].ok);
        worker::WorkerOptions options;
        options.concurrency = 2;
        options.pollIntervalAverage = std::chrono::milliseconds(200);
        worker::HandlerRegistry handlers;
        handlers.add("EchoJob", [](const worker::JobContext& ctx) {
            ctx.redis.command(redis::Command("SET").key("done:" + std::string(ctx.job.argsJson())).arg(ctx.job.jid))
                .throwIfError();
        });
        worker::Launcher pool(
            kiq::test::optionsFor(m_server->port(), "kiq-worker", "p00l"), options, std::move(handlers));
        pool.start();
        kiq::test::runSidekiqRuby(m_server->port(), "EchoJob.perform_async('pool'); EchoJob.perform_in(1, 'later')");
        QVERIFY(kiq::test::waitUntil([&] { return !m_server->cli({"GET", R"(done:["pool"])"}).isEmpty(); }, 10000, 50));
        QVERIFY(kiq::test::waitUntil(
            [&] {
                return !m_server->cli({"GET", R"(done:["later"])"}).isEmpty();
            },
            15000, 50)); // via our poller
        pool.stop(std::chrono::seconds(3));
        QCOMPARE(pool.snapshot().failed, 0LL);
        // Nothing it needed was denied.
        for (const auto& e : readAclLog(*m_admin))
            QVERIFY2(e.username != "kiq-worker", (e.reason + " " + e.object + " " + e.context).c_str());
    }

    void monitorReadsEverythingAndWritesNothing()
    {
        m_server->cli({"ZADD", "dead", "1.0", R"({"class":"A","args":[],"jid":"abc","queue":"default"})"});
        RoleTemplate role = roleTemplate(Role::Monitor, "");
        AclRules rules = role.rules;
        rules.state = AclRules::State::On;
        rules.addPasswords = {"m0n"};
        QVERIFY(applyUser(*m_admin, m_gate, "sk-monitor", rules)[0].ok);
        for (const auto& c : verifyRole(*m_admin, "sk-monitor", role))
            QVERIFY2(c.passed(), (c.check.command[0] + ": " + (c.allowed ? "allowed" : c.denial)).c_str());

        redis::Client monitor(kiq::test::optionsFor(m_server->port(), "sk-monitor", "m0n"));
        sidekiq::StatsReader stats;
        QCOMPARE(stats.read(monitor).deadSize, 1LL);
        const auto processes = sidekiq::listProcesses(monitor);
        std::vector<std::string> ids;
        for (const auto& p : processes.live) ids.push_back(p.identity);
        sidekiq::listBusyJobs(monitor, ids);
        QCOMPARE(sidekiq::pageByRank(monitor, sidekiq::JobSetKind::Dead, 0, 10, true).size(), std::size_t(1));
        sidekiq::pageQueue(monitor, "default", 0, 10);
        sidekiq::readHistory(monitor, 7, 1700000000.0);
        const auto info = server::loadServerInfo(monitor);
        QVERIFY(!info.redisVersion().empty());
        QVERIFY2(info.slowlogError.empty() && info.clientsError.empty() && info.dbSizeError.empty(),
            info.slowlogError.c_str());

        try {
            sidekiq::deleteJobs(monitor, m_gate, sidekiq::JobSetKind::Dead,
                {R"({"class":"A","args":[],"jid":"abc","queue":"default"})"});
            QFAIL("a monitor must not delete");
        } catch (const redis::Error& e) {
            QCOMPARE(e.kind(), redis::ErrorKind::NoPerm);
            QVERIFY2(QString(e.what()).contains("permission denied"), e.what());
        }
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("1"));
        // The denial is in the ACL log, with the user's name.
        const auto log = readAclLog(*m_admin);
        QVERIFY(std::any_of(log.begin(), log.end(),
            [](const AclLogEntry& e) { return e.username == "sk-monitor" && e.reason == "command"; }));
        QVERIFY(resetAclLog(*m_admin, m_gate)[0].ok);
        QVERIFY(readAclLog(*m_admin).empty());
    }

    void persistedWithAclFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("users.acl");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("user default on nopass ~* &* +@all\n");
        f.close();
        RedisServer::Options o;
        o.extraArgs = {"--aclfile", file};
        RedisServer server(o);
        redis::Client admin(kiq::test::optionsFor(server.port(), "", ""));
        AclRules rules = AclRules::parse("on >pw ~app:* +@read");
        const auto out = applyUser(admin, m_gate, "saved-user", rules);
        QVERIFY2(out[0].persisted, out[0].message.c_str());
        QFile saved(file);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray text = saved.readAll();
        QVERIFY(text.contains("saved-user"));
        QVERIFY(!text.contains(">pw")); // hashed on the wire and on disk
        QVERIFY(deleteUser(admin, m_gate, "saved-user")[0].persisted);
    }

    void appliedToEveryClusterNode()
    {
        kiq::test::ClusterGroup cluster;
        redis::Client admin(kiq::test::clusterOptionsFor(cluster));
        AclRules rules = roleTemplate(Role::Operator, "{app}:").rules;
        rules.state = AclRules::State::On;
        rules.addPasswords = {"op"};
        const auto out = applyUser(admin, m_gate, "sk-operator", rules);
        QCOMPARE(out.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(out[std::size_t(i)].ok, out[std::size_t(i)].message.c_str());
            QVERIFY(cluster.node(i).cli({"ACL", "GETUSER", "sk-operator"}).contains("{app}:*"));
        }
    }
};

QTEST_GUILESS_MAIN(TestAcl)
#include "tst_acl.moc"
