// The deployment security audit (issue 18) against real servers configured well and badly: a hardened
// server (TLS with client certificates, default user off, least-privilege users, noeviction, AOF, an
// aclfile) passes; each bad setting, made one at a time, turns exactly its check; a user without CONFIG
// gets "could not check"; secrets planted in job arguments are found and shown masked; the audit runs
// only commands without the write flag. Also `kiqdesk-cli audit`.
#include "acl/SidekiqRoles.h"
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TlsFiles.h"
#include "redis/Client.h"
#include "security/SecurityAudit.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace kiq;
using kiq::security::AuditReport;
using kiq::security::Status;
using kiq::test::RedisServer;
using kiq::test::TlsFiles;

namespace {
QByteArray dump(const AuditReport& r)
{
    std::string out = r.target + "\n";
    for (const auto& f : r.findings)
        out += "  " + f.id + ": " + security::statusName(f.status) + " (" + f.evidence + ")\n";
    return QByteArray::fromStdString(out);
}

Status statusOf(const AuditReport& r, const std::string& id)
{
    const auto* f = r.find(id);
    if (!f) throw std::runtime_error("no finding " + id);
    return f->status;
}

QString evidence(const AuditReport& r, const std::string& id)
{
    const auto* f = r.find(id);
    return f ? QString::fromStdString(f->evidence + " | " + f->fix) : QString();
}

// The ids whose status differs between two reports.
QStringList changed(const AuditReport& before, const AuditReport& after)
{
    QStringList out;
    for (const auto& f : after.findings) {
        const auto* b = before.find(f.id);
        if (!b || b->status != f.status) out << QString::fromStdString(f.id);
    }
    return out;
}

AuditReport audit(const redis::ConnectionOptions& o, security::AuditOptions a = {})
{
    redis::Client client(o);
    return security::auditDeployment(client, o, a);
}

// A Sidekiq job as JSON, built rather than written out (moc reads this file).
QString job(const QString& cls, const QJsonArray& args, const QString& jid)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonObject {{"class", cls}, {"args", args}, {"jid", jid}, {"queue", "default"}})
            .toJson(QJsonDocument::Compact));
}

QString fixOf(const AuditReport& r, const QString& id)
{
    const auto* f = r.find(id.toStdString());
    return f ? QString::fromStdString(f->fix) : QString();
}

const QStringList kAuditorRules {"on", ">audit-Pw-1", "~*", "&*", "-@all", "+@read", "+@connection", "-@dangerous",
    "+info", "+config|get", "+acl|users", "+acl|getuser", "+acl|whoami", "+acl|dryrun", "+command|info"};
} // namespace

#define EXPECT_FINDING(report, id, expected) QVERIFY2(statusOf(report, id) == (expected), dump(report).constData())

class TestSecurityAudit : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    TlsFiles m_tls;
    std::unique_ptr<RedisServer> m_hardened;
    std::unique_ptr<RedisServer> m_plain; // a good baseline, made bad one setting at a time

    QString admin(const QStringList& args) const
    {
        return m_plain->cli(QStringList {"-a", "admin-Pw-1", "--no-auth-warning"} + args);
    }
    redis::ConnectionOptions auditor() const { return test::optionsFor(m_plain->port(), "auditor", "audit-Pw-1"); }

private slots:
    void initTestCase()
    {
        m_tls = TlsFiles::generate(m_dir.path());
        const QString aclFile = m_dir.filePath("users.acl");
        QFile touch(aclFile);
        QVERIFY(touch.open(QIODevice::WriteOnly));
        touch.close();
        RedisServer::Options o;
        o.name = "hardened";
        o.tls = true;
        o.tlsFiles = &m_tls;
        o.requireClientCert = true;
        o.extraArgs
            = {"--appendonly", "yes", "--maxmemory", "256mb", "--aclfile", aclFile, "--rename-command", "FLUSHALL", ""};
        m_hardened = std::make_unique<RedisServer>(o);
        QCOMPARE(m_hardened->cli(QStringList {"ACL", "SETUSER", "auditor"} + kAuditorRules), QStringLiteral("OK"));
        for (const auto role : {acl::Role::Worker, acl::Role::Monitor}) {
            const auto t = acl::roleTemplate(role, "");
            QStringList rules {
                "ACL", "SETUSER", QString::fromStdString(t.name), "on", ">" + QString::fromStdString(t.name) + "-Pw-1"};
            for (const auto& token : t.rules.tokens()) rules << QString::fromStdString(token);
            QCOMPARE(m_hardened->cli(rules), QStringLiteral("OK"));
        }
        QCOMPARE(m_hardened->cli({"ACL", "SAVE"}), QStringLiteral("OK"));
        QCOMPARE(m_hardened->cli({"ACL", "SETUSER", "default", "off"}), QStringLiteral("OK"));

        RedisServer::Options p;
        p.name = "plain";
        p.extraArgs = {"--appendonly", "yes", "--maxmemory", "256mb", "--requirepass", "admin-Pw-1"};
        m_plain = std::make_unique<RedisServer>(p);
        QCOMPARE(admin(QStringList {"ACL", "SETUSER", "auditor"} + kAuditorRules), QStringLiteral("OK"));
        const auto monitor = acl::roleTemplate(acl::Role::Monitor, "");
        QStringList rules {"ACL", "SETUSER", "sidekiq-monitor", "on", ">monitor-Pw-1"};
        for (const auto& token : monitor.rules.tokens()) rules << QString::fromStdString(token);
        QCOMPARE(admin(rules), QStringLiteral("OK"));
    }

    void hardenedServerPasses()
    {
        auto o = test::tlsOptionsFor(m_hardened->port(), m_tls, true);
        o.user = "auditor";
        o.password = "audit-Pw-1";
        const AuditReport r = audit(o);
        for (const auto& f : r.findings) {
            // The version is the one thing the test cannot choose: the machine's Redis may be past support.
            if (f.id == "server.version") continue;
            QVERIFY2(f.status == Status::Pass || f.status == Status::Info, dump(r).constData());
        }
        for (const char* id : {"transport.tls", "transport.verify", "transport.certificates",
                 "transport.client-certificates", "auth.default-user", "auth.nopass", "authz.dangerous",
                 "config.persistence", "config.aclfile", "data.secrets", "ops.redis.eviction_policy"})
            QVERIFY2(r.find(id), (std::string("missing ") + id + "\n" + dump(r).toStdString()).c_str());
        QVERIFY2(evidence(r, "auth.default-user").startsWith("off"), dump(r).constData());
        QVERIFY2(evidence(r, "transport.client-certificates").contains("tls-auth-clients yes"), dump(r).constData());
        QVERIFY2(evidence(r, "transport.version").startsWith("TLSv1.3"), dump(r).constData());
        QVERIFY2(
            evidence(r, "config.renamed-commands").startsWith("FLUSHALL renamed or disabled"), dump(r).constData());
        QVERIFY2(
            evidence(r, "authz.roles").contains("sidekiq-worker (sidekiq-worker): as the role"), dump(r).constData());
        QVERIFY2(
            evidence(r, "authz.roles").contains("sidekiq-monitor (sidekiq-monitor): as the role"), dump(r).constData());
    }

    void eachBadSettingTurnsExactlyItsCheck_data()
    {
        QTest::addColumn<QStringList>("make");
        QTest::addColumn<QStringList>("undo");
        QTest::addColumn<QString>("check");
        QTest::addColumn<int>("status");
        QTest::newRow("eviction") << QStringList {"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}
                                  << QStringList {"CONFIG", "SET", "maxmemory-policy", "noeviction"}
                                  << "ops.redis.eviction_policy" << int(Status::Fail);
        QTest::newRow("no persistence") << QStringList {"CONFIG", "SET", "appendonly", "no"}
                                        << QStringList {"CONFIG", "SET", "appendonly", "yes"} << "config.persistence"
                                        << int(Status::Fail);
        QTest::newRow("no memory limit") << QStringList {"CONFIG", "SET", "maxmemory", "0"}
                                         << QStringList {"CONFIG", "SET", "maxmemory", "256mb"} << "config.maxmemory"
                                         << int(Status::Warn);
        QTest::newRow("all interfaces, unprotected")
            << QStringList {"CONFIG", "SET", "protected-mode", "no", "bind", "* -::*"}
            << QStringList {"CONFIG", "SET", "protected-mode", "yes", "bind", "127.0.0.1"} << "config.network"
            << int(Status::Fail);
        QTest::newRow("channels open by default")
            << QStringList {"CONFIG", "SET", "acl-pubsub-default", "allchannels"}
            << QStringList {"CONFIG", "SET", "acl-pubsub-default", "resetchannels"} << "config.pubsub"
            << int(Status::Warn);
        QTest::newRow("user without password")
            << QStringList {"ACL", "SETUSER", "legacy", "on", "nopass", "~*", "+get"}
            << QStringList {"ACL", "DELUSER", "legacy"} << "auth.nopass" << int(Status::Fail);
        QTest::newRow("shared password") << QStringList {"ACL", "SETUSER", "twin", "on", ">audit-Pw-1", "~*", "+get"}
                                         << QStringList {"ACL", "DELUSER", "twin"} << "auth.shared-passwords"
                                         << int(Status::Warn);
        QTest::newRow("monitor may write")
            << QStringList {"ACL", "SETUSER", "sidekiq-monitor", "+lpush", "%W~*"}
            << QStringList {"ACL", "SETUSER", "sidekiq-monitor", "-lpush"} << "authz.roles" << int(Status::Warn);
        QTest::newRow("default user open") << QStringList {"ACL", "SETUSER", "default", "nopass"}
                                           << QStringList {"ACL", "SETUSER", "default", "resetpass", ">admin-Pw-1"}
                                           << "auth.default-user" << int(Status::Fail);
    }

    void eachBadSettingTurnsExactlyItsCheck()
    {
        QFETCH(QStringList, make);
        QFETCH(QStringList, undo);
        QFETCH(QString, check);
        QFETCH(int, status);
        const AuditReport before = audit(auditor());
        QVERIFY2(statusOf(before, check.toStdString()) == Status::Pass, dump(before).constData());
        const QString made = admin(make);
        QVERIFY2(made == QStringLiteral("OK"), qPrintable(made));
        const AuditReport after = audit(auditor());
        const QString undone = admin(undo);
        QVERIFY2(!undone.startsWith(QStringLiteral("ERR")), qPrintable(undone));
        QCOMPARE(changed(before, after), QStringList {check});
        QVERIFY2(statusOf(after, check.toStdString()) == Status(status), dump(after).constData());
        QVERIFY(!fixOf(after, check).isEmpty());
    }

    // The transport's own bad settings, each on a server made for it: a certificate about to expire
    // (warn), no client certificates required (warn), and verification turned off on our side (fail).
    void transportWeaknesses()
    {
        RedisServer::Options o;
        o.name = "soon";
        o.tls = true;
        o.tlsFiles = &m_tls;
        o.tlsCertFile = m_tls.soonServerCert;
        o.tlsKeyFile = m_tls.soonServerKey;
        RedisServer soon(o);
        auto options = test::tlsOptionsFor(soon.port(), m_tls);
        AuditReport r = audit(options);
        EXPECT_FINDING(r, "transport.certificates", Status::Warn);
        QVERIFY2(evidence(r, "transport.certificates").contains("'localhost'"), dump(r).constData());
        EXPECT_FINDING(r, "transport.client-certificates", Status::Warn);
        QVERIFY2(evidence(r, "transport.client-certificates").contains("tls-auth-clients no"), dump(r).constData());
        EXPECT_FINDING(r, "transport.verify", Status::Pass);

        options.tls.verifyPeer = false;
        r = audit(options);
        EXPECT_FINDING(r, "transport.verify", Status::Fail);
        options.tls.verifyPeer = true;
        options.tls.verifyHostname = false;
        r = audit(options);
        EXPECT_FINDING(r, "transport.verify", Status::Warn);
    }

    void debugCommandEnabled()
    {
        RedisServer::Options o;
        o.name = "debug";
        o.extraArgs = {"--enable-debug-command", "yes"};
        RedisServer debug(o);
        const AuditReport r = audit(test::optionsFor(debug.port()));
        EXPECT_FINDING(r, "config.debug-module", Status::Fail);
        QVERIFY2(evidence(r, "config.debug-module").contains("enable-debug-command yes"), dump(r).constData());
    }

    // Past Sidekiq's 10,000 dead jobs the oldest are dropped silently.
    void deadSetAtTheCap()
    {
        const QString filled = admin({"EVAL",
            "for i = 1, 10000 do redis.call('ZADD', KEYS[1], i, 'dead-' .. i) end return redis.call('ZCARD', KEYS[1])",
            "1", "dead"});
        QCOMPARE(filled, QStringLiteral("10000"));
        AuditReport r = audit(auditor());
        EXPECT_FINDING(r, "ops.dead-cap", Status::Fail);
        QCOMPARE(admin({"ZREMRANGEBYRANK", "dead", "0", "499"}), QStringLiteral("500"));
        r = audit(auditor());
        EXPECT_FINDING(r, "ops.dead-cap", Status::Warn); // 9,500: near it
        admin({"DEL", "dead"});
        EXPECT_FINDING(audit(auditor()), "ops.dead-cap", Status::Pass);
    }

    void dangerousRightsAreNamed()
    {
        QCOMPARE(admin({"ACL", "SETUSER", "ops", "on", ">ops-Pw-1", "~*", "&*", "+@all"}), QStringLiteral("OK"));
        const AuditReport r = audit(auditor());
        admin({"ACL", "DELUSER", "ops"});
        EXPECT_FINDING(r, "authz.dangerous", Status::Warn);
        QVERIFY2(
            evidence(r, "authz.dangerous").contains("ops (FLUSHALL FLUSHDB CONFIG SET KEYS DEBUG MODULE SHUTDOWN)"),
            dump(r).constData());
        QVERIFY2(!evidence(r, "authz.dangerous").contains("auditor"), dump(r).constData());
    }

    void withoutConfigRightsItCouldNotCheck()
    {
        QCOMPARE(admin({"ACL", "SETUSER", "noconfig", "on", ">noconfig-Pw-1", "~*", "&*", "-@all", "+@read",
                     "+@connection", "+info"}),
            QStringLiteral("OK"));
        const AuditReport r = audit(test::optionsFor(m_plain->port(), "noconfig", "noconfig-Pw-1"));
        admin({"ACL", "DELUSER", "noconfig"});
        for (const char* id : {"config.persistence", "config.network", "config.maxmemory"}) {
            EXPECT_FINDING(r, id, Status::Unknown);
            QVERIFY2(evidence(r, id).contains("needs +config|get"), dump(r).constData());
        }
        EXPECT_FINDING(r, "authz.dangerous", Status::Unknown);
        QVERIFY2(evidence(r, "auth.default-user").contains("needs +acl"), dump(r).constData());
    }

    void plantedSecretsAreFoundMasked()
    {
        const QString jwt
            = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        const QString job1
            = job("Billing::Charge", {QJsonObject {{"card", "4111 1111 1111 1111"}, {"amount", 12}}}, "a1");
        const QString job2 = job("Auth::Notify", {jwt}, "a2");
        const QString job3 = job("Mailer", {"hello", QJsonObject {{"password", "hunter2-Pw"}}}, "a3");
        QCOMPARE(admin({"SADD", "queues", "default"}), QStringLiteral("1"));
        QCOMPARE(admin({"RPUSH", "queue:default", job1, job2}), QStringLiteral("2"));
        QCOMPARE(admin({"ZADD", "retry", "1", job3}), QStringLiteral("1"));
        const AuditReport r = audit(auditor());
        admin({"DEL", "queues", "queue:default", "retry"});
        EXPECT_FINDING(r, "data.secrets", Status::Fail);
        const QString e = evidence(r, "data.secrets");
        for (const char* cls : {"Billing::Charge: 1 job (queue default)", "Auth::Notify", "Mailer: 1 job (retry)"})
            QVERIFY2(e.contains(QString::fromUtf8(cls)), qPrintable(e));
        QVERIFY2(e.contains("[REDACTED]"), qPrintable(e));
        for (const QString& secret : {QStringLiteral("4111"), jwt.left(20), QStringLiteral("hunter2")})
            QVERIFY2(!QString::fromStdString(r.toJson()).contains(secret), qPrintable(secret));
        QVERIFY2(!QString::fromStdString(r.toMarkdown()).contains(QStringLiteral("hunter2")), "masked in Markdown too");

        // E-mail addresses count only when asked for.
        QCOMPARE(admin({"SADD", "queues", "default"}), QStringLiteral("1"));
        QCOMPARE(admin({"RPUSH", "queue:default", job("Welcome", {"ana@example.com"}, "a4")}), QStringLiteral("1"));
        EXPECT_FINDING(audit(auditor()), "data.secrets", Status::Pass);
        security::AuditOptions emails;
        emails.emails = true;
        const AuditReport withEmails = audit(auditor(), emails);
        admin({"DEL", "queues", "queue:default"});
        EXPECT_FINDING(withEmails, "data.secrets", Status::Warn);
        QVERIFY2(!evidence(withEmails, "data.secrets").contains("ana@example.com"), dump(withEmails).constData());
    }

    // Every command the audit sent, as INFO commandstats counts them, has no write flag.
    void theAuditOnlyReads()
    {
        QCOMPARE(admin({"SADD", "queues", "default"}), QStringLiteral("1"));
        QCOMPARE(admin({"RPUSH", "queue:default", job("A", {1}, "r1")}), QStringLiteral("1"));
        const QString keysBefore = admin({"DBSIZE"});
        QCOMPARE(admin({"CONFIG", "RESETSTAT"}), QStringLiteral("OK"));
        audit(auditor());
        const QString stats = admin({"INFO", "commandstats"});
        QCOMPARE(admin({"DBSIZE"}), keysBefore);
        admin({"DEL", "queues", "queue:default"});
        QStringList commands;
        for (const QString& line : stats.split(QLatin1Char('\n'))) {
            if (!line.startsWith(QLatin1String("cmdstat_"))) continue;
            commands << line.mid(8, line.indexOf(QLatin1Char(':')) - 8);
        }
        QVERIFY2(commands.contains(QStringLiteral("config|get")) && commands.contains(QStringLiteral("acl|dryrun")),
            qPrintable(commands.join(' ')));
        for (const QString& c : commands) {
            if (c == QLatin1String("config|resetstat")) continue; // the test's own
            const QString info = admin({"COMMAND", "INFO", c});
            QVERIFY2(!info.contains(QStringLiteral("\nwrite\n")) && !info.startsWith(QStringLiteral("write")),
                qPrintable(c + ": " + info));
        }
    }

    void cliAudit()
    {
        const QString cli = qEnvironmentVariable("KIQDESK_CLI");
        QVERIFY2(QFile::exists(cli), "KIQDESK_CLI must point at the built kiqdesk-cli");
        const QString markdown = m_dir.filePath("audit.md");
        qputenv("REDISCLI_AUTH", "audit-Pw-1");
        auto ok = test::runProcess(cli,
            {"-p", QString::number(m_plain->port()), "--user", "auditor", "--json", "audit", "--markdown", markdown},
            60000);
        QCOMPARE(ok.exitCode, 0); // warnings only (plain TCP on loopback, no aclfile, an old Redis at most)
        const QJsonObject report = QJsonDocument::fromJson(ok.out.toUtf8()).object();
        QCOMPARE(report["summary"].toObject()["fail"].toInt(), 0);
        QVERIFY(report["findings"].toArray().size() > 15);
        QFile md(markdown);
        QVERIFY(md.open(QIODevice::ReadOnly));
        QVERIFY(md.readAll().contains("| Status | Check | Evidence | Why | Fix |"));

        QCOMPARE(admin({"CONFIG", "SET", "appendonly", "no"}), QStringLiteral("OK"));
        QCOMPARE(admin({"CONFIG", "SET", "save", ""}), QStringLiteral("OK"));
        auto failing
            = test::runProcess(cli, {"-p", QString::number(m_plain->port()), "--user", "auditor", "audit"}, 60000);
        admin({"CONFIG", "SET", "appendonly", "yes"});
        qunsetenv("REDISCLI_AUTH");
        QCOMPARE(failing.exitCode, 7);
        QVERIFY2(failing.out.contains("fail            Persistence"), qPrintable(failing.out));
        QVERIFY2(!failing.out.contains("audit-Pw-1"), "the password must not appear in the output");
    }
};

QTEST_GUILESS_MAIN(TestSecurityAudit)
#include "tst_security_audit.moc"
