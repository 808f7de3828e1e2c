// "Copy as command" (write/CliInvocation): the quoting, the argv of each action, and a round trip: the
// copied command, run by the real kiqdesk-cli against a real server, has the effect of the app's action.
#include "acl/AclRules.h"
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "storage/ConnectionProfileStore.h"
#include "write/CliInvocation.h"

#include <QDateTime>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::test;
using kiq::write::CliAction;
using kiq::write::cliInvocation;
using kiq::write::CliTarget;

namespace {
std::vector<std::string> words(std::initializer_list<const char*> list)
{
    return {list.begin(), list.end()};
}
// A JID as Sidekiq makes them: hex.
std::string jid(int i)
{
    return QStringLiteral("%1").arg(i, 24, 16, QLatin1Char('0')).toStdString();
}
} // namespace

class TestCliInvocation : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    QTemporaryDir m_home;

    // What a POSIX shell makes of the line: each word followed by a unit separator.
    static QStringList shellWords(const std::string& line)
    {
        const auto r = runProcess(QStringLiteral("/bin/sh"),
            {QStringLiteral("-c"), QStringLiteral("printf '%s\\037' ") + QString::fromStdString(line)}, 10000);
        if (r.exitCode != 0) return {QStringLiteral("sh failed: ") + r.err};
        QStringList out = r.out.split(QChar(0x1f));
        out.removeLast();
        return out;
    }
    static QStringList qwords(const std::vector<std::string>& v)
    {
        QStringList out;
        for (const auto& w : v) out << QString::fromStdString(w);
        return out;
    }
    CliTarget flagsTarget() const
    {
        CliTarget t;
        t.options = optionsFor(*m_server);
        return t;
    }
    // The copied command, run: argv without its program name.
    ProcessResult run(const kiq::write::CliInvocation& inv)
    {
        QStringList args = qwords(inv.argv);
        args.removeFirst();
        return runProcess(qEnvironmentVariable("KIQDESK_CLI"), args, 60000);
    }
    void seedSet(const QString& set, const QString& cls, int n, int from = 0)
    {
        QStringList args {"ZADD", set};
        for (int i = from; i < from + n; ++i)
            args << QString::number(
                QDateTime::currentSecsSinceEpoch() - 1000 + i) // recent: the dead set's trim keeps it
                 << QStringLiteral(
                        "{\"retry\":true,\"queue\":\"default\",\"class\":\"%1\",\"args\":[%2],\"jid\":\"%3\","
                        "\"created_at\":1700000000.5,\"error_class\":\"Boom\",\"error_message\":\"it's "
                        "a \\\"timeout\\\" > 5s\",\"retry_count\":3,\"failed_at\":1700000001.5}")
                        .arg(cls)
                        .arg(i)
                        .arg(QString::fromStdString(jid(i)));
        QCOMPARE(m_server->cli(args), QString::number(n));
    }

private slots:
    void initTestCase()
    {
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // the undo journal and cursors, inherited by the CLI
        qputenv("XDG_CONFIG_HOME", m_home.path().toUtf8()); // the saved profiles
        qputenv("REDISCLI_AUTH", "");
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
    }
    void init() { m_server->cli({"FLUSHALL"}); }

    void quoting_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << "retry"
                               << "retry";
        QTest::newRow("option") << "--set"
                                << "--set";
        QTest::newRow("queue") << "queue:default"
                               << "queue:default";
        QTest::newRow("empty") << ""
                               << "''";
        QTest::newRow("space") << "INC-1 retry"
                               << "'INC-1 retry'";
        QTest::newRow("quote") << "it's"
                               << "'it'\\''s'";
        QTest::newRow("double quote") << "say \"hi\""
                                      << "'say \"hi\"'";
        QTest::newRow("newline") << "a\nb"
                                 << "'a\nb'";
        QTest::newRow("unicode") << "café ✓"
                                 << "'café ✓'";
        QTest::newRow("filter") << "class=Foo error~time age>1h"
                                << "'class=Foo error~time age>1h'";
        QTest::newRow("dollar") << "$HOME `id` \\"
                                << "'$HOME `id` \\'";
        QTest::newRow("glob") << "~queue:*"
                              << "'~queue:*'";
        QTest::newRow("comment") << "#abc"
                                 << "'#abc'";
        QTest::newRow("equals first") << "=ls"
                                      << "'=ls'";
    }
    void quoting()
    {
        QFETCH(QString, word);
        QFETCH(QString, quoted);
        const std::string q = kiq::write::shellQuote(word.toStdString());
        QCOMPARE(QString::fromStdString(q), quoted);
        QCOMPARE(shellWords(q), QStringList {word}); // and the shell reads back the word itself
    }

    // Every argv, quoted into the line, is what a shell hands back.
    void lineIsTheArgv()
    {
        CliTarget t;
        t.profileName = "Billing 'EU'";
        t.readOnly = true;
        t.armReason = "INC-42: retry the \"timeout\" jobs\nafter the fix";
        const auto inv = cliInvocation(
            t, kiq::write::jobsAction("retry", "dead", "class=Foo error~'time out' msg~\"x\" age>1h", {}, {}, true));
        QCOMPARE(qwords(inv.argv),
            QStringList({"kiqdesk-cli", "--profile", "Billing 'EU'", "--arm",
                "INC-42: retry the \"timeout\" jobs\nafter the fix", "jobs", "retry", "--set", "dead", "--filter",
                "class=Foo error~'time out' msg~\"x\" age>1h", "--yes"}));
        QCOMPARE(shellWords(inv.line), qwords(inv.argv));
    }

    void argvPerAction()
    {
        CliTarget t;
        t.profileName = "Billing";
        t.readOnly = true; // not armed: the placeholder
        auto argv = [&](const CliAction& a) {
            auto v = cliInvocation(t, a).argv;
            return qwords(std::vector<std::string>(v.begin() + 5, v.end())); // after the profile and --arm
        };
        const QStringList head = qwords(cliInvocation(t, kiq::write::aclLogReset()).argv).mid(0, 5);
        QCOMPARE(head, QStringList({"kiqdesk-cli", "--profile", "Billing", "--arm", kiq::write::kArmPlaceholder}));
        QCOMPARE(argv(kiq::write::jobsAction("delete", "dead", {}, words({"a1", "b2"}))),
            QStringList({"jobs", "delete", "--set", "dead", "--jid", "a1", "--jid", "b2", "--yes"}));
        QCOMPARE(argv(kiq::write::jobsAction("retry", "retry", {}, {}, {}, true)),
            QStringList({"jobs", "retry", "--set", "retry", "--all", "--yes"})); // an empty filter: the whole set
        QCOMPARE(argv(kiq::write::jobsAction("move", "scheduled", "class=A", {}, "low", true)),
            QStringList({"jobs", "move", "--set", "scheduled", "--filter", "class=A", "--to", "low", "--yes"}));
        QCOMPARE(
            argv(kiq::write::queueAction("clear", "default")), QStringList({"queue", "clear", "--yes", "default"}));
        QCOMPARE(argv(kiq::write::queueAction("pause", "default")), QStringList({"queue", "pause", "default"}));
        QCOMPARE(argv(kiq::write::processSignal("quiet", words({"h:1:a", "h:2:b"}), false)),
            QStringList({"quiet", "h:1:a", "h:2:b"}));
        QCOMPARE(argv(kiq::write::processSignal("stop", words({"h:1:a"}), true)), QStringList({"stop", "--all"}));
        // A rule starting with "-" would read as an option: "--" ends the options.
        QCOMPARE(argv(kiq::write::aclSet("ci", words({"on", "-@all", "+get"}))),
            QStringList({"acl", "set", "--yes", "--", "ci", "on", "-@all", "+get"}));
        QCOMPARE(argv(kiq::write::aclDelete("ci")), QStringList({"acl", "delete", "--yes", "ci"}));
        QCOMPARE(argv(kiq::write::aclApplyRole("worker", "w1")),
            QStringList({"acl", "apply-role", "--name", "w1", "--yes", "worker"}));
        QCOMPARE(argv(kiq::write::undoRestore(17)), QStringList({"undo", "restore", "17"}));
        kiq::write::WorkSpec pool;
        pool.queues = {"critical,5", "default"};
        pool.concurrency = 3;
        pool.builtins = false;
        pool.logLevel = "WARN";
        pool.shutdownTimeoutSeconds = 20;
        QCOMPARE(argv(kiq::write::work(pool)),
            QStringList({"work", "-q", "critical,5", "-q", "default", "-c", "3", "--no-builtins", "--log-level", "WARN",
                "-t", "20"}));
        // A read is never armed.
        QCOMPARE(qwords(cliInvocation(t, kiq::write::jobsList("dead", "class=A")).argv),
            QStringList(
                {"kiqdesk-cli", "--profile", "Billing", "jobs", "list", "--set", "dead", "--filter", "class=A"}));
    }

    // Without a saved profile: the connection's flags, never its secrets.
    void connectionFlagsWithoutSecrets()
    {
        CliTarget t;
        t.readOnly = true; // ignored: flags on the command line are writable
        t.options.endpoint = {"redis.example", 6380};
        t.options.db = 2;
        t.options.user = "ops";
        t.options.password = "hunter2";
        t.options.tls.enabled = true;
        t.options.tls.caFile = "/etc/ssl/my ca.pem";
        t.options.tls.sni = "redis.internal";
        t.options.tls.keyPassphrase = "pass-phrase";
        t.options.keyPrefix = "myapp:";
        const auto inv = cliInvocation(t, kiq::write::aclLogReset());
        QCOMPARE(qwords(inv.argv),
            QStringList({"kiqdesk-cli", "-h", "redis.example", "-p", "6380", "-n", "2", "--user", "ops", "--tls",
                "--cacert", "/etc/ssl/my ca.pem", "--sni", "redis.internal", "--namespace", "myapp:", "acl", "log",
                "--reset"}));
        QVERIFY(inv.line.find("hunter2") == std::string::npos && inv.line.find("pass-phrase") == std::string::npos);

        CliTarget s;
        s.options.topology = kiq::redis::Topology::Sentinel;
        s.options.seeds = {{"10.0.0.1", 26379}, {"::1", 26380}};
        s.options.sentinelMaster = "mymaster";
        s.options.sentinelPassword = "sentinel-secret";
        const auto sentinel = cliInvocation(s, kiq::write::undoRestore(1));
        QCOMPARE(qwords(sentinel.argv),
            QStringList({"kiqdesk-cli", "--sentinel", "10.0.0.1:26379", "--sentinel", "[::1]:26380", "--master",
                "mymaster", "undo", "restore", "1"}));
        QVERIFY(sentinel.line.find("sentinel-secret") == std::string::npos);
        CliTarget c;
        c.options.topology = kiq::redis::Topology::Cluster;
        c.options.seeds = {{"10.0.0.1", 7000}};
        QCOMPARE(qwords(cliInvocation(c, kiq::write::queueAction("resume", "q")).argv),
            QStringList({"kiqdesk-cli", "--cluster", "10.0.0.1:7000", "queue", "resume", "q"}));
    }

    // Retry of a filter on a production profile: refused without --arm, done with it.
    void roundTripFilterRetryOnProduction()
    {
        auto p = kiq::deployment::ConnectionProfile::create("Billing EU");
        p.environment = kiq::deployment::Environment::Production;
        p.options.endpoint = {"127.0.0.1", m_server->port()};
        {
            QSettings settings(m_home.filePath("Kiqdesk/kiqdesk.conf"), QSettings::IniFormat);
            kiq::storage::ProfileStore(settings).save({p});
        }
        seedSet("dead", "Billing::Charge", 4);
        seedSet("dead", "Other", 3, 10);
        const auto inv = cliInvocation(CliTarget::of(p, true, "INC-9 it's fixed"),
            kiq::write::jobsAction("retry", "dead", "class=Billing::* error~it's", {}, {}, true));
        QVERIFY(inv.line.find("--arm 'INC-9 it'\\''s fixed'") != std::string::npos);

        kiq::write::CliInvocation unarmed = inv;
        unarmed.argv.erase(unarmed.argv.begin() + 3, unarmed.argv.begin() + 5); // --arm REASON
        const auto refused = run(unarmed);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("pass --arm"), qPrintable(refused.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("7"));

        const auto done = run(inv);
        QVERIFY2(done.exitCode == 0, qPrintable(done.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("3"));
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("4"));

        // The ACL editor's change, on the same profile.
        const std::string hash = kiq::acl::sha256Hex("s3cret pw");
        const auto acl = cliInvocation(
            CliTarget::of(p, true, "INC-9"), kiq::write::aclSet("ci", {"on", "#" + hash, "~queue:*", "-@all", "+get"}));
        QVERIFY(acl.line.find("s3cret") == std::string::npos);
        const auto aclDone = run(acl);
        QVERIFY2(aclDone.exitCode == 0, qPrintable(aclDone.err + aclDone.out));
        const QString user = m_server->cli({"ACL", "GETUSER", "ci"});
        QVERIFY2(user.contains("~queue:*") && user.contains(QString::fromStdString(hash)) && user.contains("+get"),
            qPrintable(user));
        QVERIFY(m_server->cli({"ACL", "DRYRUN", "ci", "GET", "queue:x"}).contains("OK"));
        QVERIFY(!m_server->cli({"ACL", "DRYRUN", "ci", "SET", "queue:x", "1"}).contains("OK"));
        QVERIFY2(run(cliInvocation(CliTarget::of(p, true, "INC-9"), kiq::write::aclDelete("ci"))).exitCode == 0,
            "acl delete");
        QVERIFY(!m_server->cli({"ACL", "USERS"}).contains("ci"));
    }

    // Several selected jobs by JID, kill and move, through the connection flags (the sandbox's way).
    void roundTripJobActions()
    {
        seedSet("dead", "A", 5);
        QCOMPARE(
            run(cliInvocation(flagsTarget(), kiq::write::jobsAction("delete", "dead", {}, {jid(1), jid(3)}))).exitCode,
            0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("3"));
        QVERIFY(!m_server->cli({"ZRANGE", "dead", "0", "-1"}).contains(QString::fromStdString(jid(1))));
        QVERIFY(!m_server->cli({"ZRANGE", "dead", "0", "-1"}).contains(QString::fromStdString(jid(3))));

        seedSet("retry", "B", 3, 20);
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::jobsAction("kill", "retry", {}, {jid(21)}))).exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "retry"}), QString("2"));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("4"));

        const auto moved
            = run(cliInvocation(flagsTarget(), kiq::write::jobsAction("move", "dead", "class=A", {}, "low", true)));
        QVERIFY2(moved.exitCode == 0, qPrintable(moved.err));
        QCOMPARE(m_server->cli({"LLEN", "queue:low"}), QString("3"));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("1")); // the killed B
    }

    void roundTripQueueAndProcesses()
    {
        for (int i = 0; i < 4; ++i)
            m_server->cli({"LPUSH", "queue:default",
                QStringLiteral("{\"class\":\"A\",\"queue\":\"default\",\"args\":[],\"jid\":\"%1\"}")
                    .arg(QString::fromStdString(jid(100 + i)))});
        m_server->cli({"SADD", "queues", "default"});
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::queueAction("pause", "default"))).exitCode, 0);
        QCOMPARE(m_server->cli({"SISMEMBER", "paused", "default"}), QString("1"));
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::queueAction("resume", "default"))).exitCode, 0);
        QCOMPARE(m_server->cli({"SISMEMBER", "paused", "default"}), QString("0"));
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::jobsAction("delete", "queue:default", {}, {jid(102)})))
                     .exitCode,
            0);
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("3"));
        // The Queues page's move of selected jobs: out of one queue, into another with its queue field set.
        QCOMPARE(
            run(cliInvocation(flagsTarget(), kiq::write::jobsAction("move", "queue:default", {}, {jid(101)}, "other")))
                .exitCode,
            0);
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("2"));
        QVERIFY(m_server->cli({"LINDEX", "queue:other", "0"}).contains("\"queue\":\"other\""));
        QVERIFY(m_server->cli({"LINDEX", "queue:other", "0"}).contains(QString::fromStdString(jid(101))));
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::queueAction("clear", "default"))).exitCode, 0);
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("0"));

        for (const char* id : {"host:1:abc", "host:2:def"}) {
            m_server->cli({"SADD", "processes", id});
            m_server->cli({"HSET", id, "beat", QString::number(QDateTime::currentSecsSinceEpoch()), "info", "{}"});
        }
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::processSignal("quiet", words({"host:1:abc"}), false)))
                     .exitCode,
            0);
        QCOMPARE(m_server->cli({"LRANGE", "host:1:abc-signals", "0", "-1"}).trimmed(), QString("TSTP"));
        QCOMPARE(m_server->cli({"LLEN", "host:2:def-signals"}), QString("0"));
        QCOMPARE(run(cliInvocation(flagsTarget(), kiq::write::processSignal("stop", {}, true))).exitCode, 0);
        QCOMPARE(m_server->cli({"LLEN", "host:2:def-signals"}), QString("1"));
        QCOMPARE(m_server->cli({"LINDEX", "host:1:abc-signals", "0"}).trimmed(), QString("TERM"));
    }
};

QTEST_GUILESS_MAIN(TestCliInvocation)
#include "tst_cli_invocation.moc"
