// kiqdesk-cli as a script sees it: real binary, real servers, exit codes and JSON.
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/Process.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"
#include "redis/Client.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq_fixtures_641.h"
#include "storage/BulkCursorStore.h"
#include "storage/ConnectionProfileStore.h"
#include "storage/ProfileFile.h"
#include "storage/SampleHistory.h"
#include "write/AuditTrail.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kiq::test;

class TestCli : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    QTemporaryDir m_home;

    ProcessResult cli(QStringList args, int timeoutMs = 60000)
    {
        args.prepend(QString::number(m_server->port()));
        args.prepend("-p");
        return runProcess(qEnvironmentVariable("KIQDESK_CLI"), args, timeoutMs);
    }
    // Without -p: the connection comes from --profile alone.
    static ProcessResult cliBare(const QStringList& args)
    {
        return runProcess(qEnvironmentVariable("KIQDESK_CLI"), args, 60000);
    }
    // Saves profiles where the desktop app keeps them (XDG_CONFIG_HOME is ours, inherited by the CLI).
    void saveProfiles(const QList<kiq::deployment::ConnectionProfile>& profiles)
    {
        QSettings settings(m_home.filePath("Kiqdesk/kiqdesk.conf"), QSettings::IniFormat);
        kiq::storage::ProfileStore(settings).save(profiles);
    }
    kiq::deployment::ConnectionProfile profileHere(const QString& name, kiq::deployment::Environment environment)
    {
        auto p = kiq::deployment::ConnectionProfile::create(name);
        p.environment = environment;
        p.options.endpoint = {"127.0.0.1", m_server->port()};
        return p;
    }
    static QJsonDocument json(const ProcessResult& r) { return QJsonDocument::fromJson(r.out.toUtf8()); }

    void seedDead(int n, const QString& cls)
    {
        QStringList args {"ZADD", "dead"};
        for (int i = 0; i < n; ++i)
            args
                << QString::number(1700000000 + i)
                << QStringLiteral(
                       R"({"retry":true,"queue":"default","class":"%1","args":[%2],"jid":"%3","created_at":1700000000.5,"error_class":"Boom","error_message":"failed %2","retry_count":25,"failed_at":1700000001.5})")
                       .arg(cls)
                       .arg(i)
                       .arg(QString("%1").arg(i, 24, 16, QChar('0')));
        QCOMPARE(m_server->cli(args), QString::number(n));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("KIQDESK_CLI")), "KIQDESK_CLI must point at the built kiqdesk-cli");
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // bulk cursors go here, inherited by the child
        qputenv("XDG_CONFIG_HOME", m_home.path().toUtf8()); // and the saved profiles here
        qputenv("REDISCLI_AUTH", "");
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
    }
    void init() { m_server->cli({"FLUSHALL"}); }

    void statsMatchSidekiq()
    {
        runSidekiqRuby(m_server->port(), "4.times { |i| EchoJob.perform_async(i) }; EchoJob.perform_in(600, 'x')");
        seedDead(3, "HardJob");
        const auto r = cli({"--json", "stats"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r).object();
        QCOMPARE(o["enqueued"].toInteger(), 4);
        QCOMPARE(o["scheduled"].toInteger(), 1);
        QCOMPARE(o["dead"].toInteger(), 3);
        QCOMPARE(o["queues"].toArray().size(), 1);
        const auto text = cli({"queues"});
        QVERIFY(text.out.contains("default"));
    }

    // The connection census (issue 20, item 5) from a script: two app connections that name themselves
    // but send no CLIENT SETINFO are one not-identified group; the CLI's own connection is Kiqdesk's.
    void clientsCensus()
    {
        auto options = optionsFor(m_server->port());
        options.clientName = "app-web-7";
        kiq::redis::Client app1(options), app2(options);
        app1.command(kiq::redis::Command("PING"));
        app2.command(kiq::redis::Command("PING"));
        const auto r = cli({"--json", "clients"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r).object();
        QCOMPARE(o["hosts"].toInteger(), 1);
        QVERIFY(o["sidekiq_versions"].toObject().isEmpty());
        long long sum = 0, apps = -1, ours = -1;
        for (const auto& g : o["groups"].toArray()) {
            const QJsonObject group = g.toObject();
            sum += group["connections"].toInteger();
            QCOMPARE(group["host"].toString(), QStringLiteral("127.0.0.1"));
            if (group["kiqdesk"].toBool()) ours = group["connections"].toInteger();
            if (group["names"].toArray().contains(QStringLiteral("app-web-7"))) {
                QVERIFY(!group["identified"].toBool());
                apps = group["connections"].toInteger();
            }
        }
        QCOMPARE(sum, o["connections"].toInteger());
        QVERIFY(apps >= 2); // and any unnamed connection the harness holds
        QVERIFY(ours >= 1);
        QCOMPARE(o["not_identified"].toInteger(), apps);
        const auto text = cli({"clients"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("not identified") && text.out.contains("app-web-7")
                && text.out.contains(QStringLiteral("from 1 host, not identified: %1").arg(apps)),
            qPrintable(text.out));
    }

    void checkExitsLikeNagios()
    {
        // A clean deployment: ok, exit 0, nothing but the summary.
        auto r = cli({"check", "--window", "0"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("OK: "), qPrintable(r.out));
        // A job waiting 90 s with nobody listening: latency over the 60 s SLO and an unwatched queue, warn.
        m_server->cli({"SADD", "queues", "default"});
        m_server->cli({"LPUSH", "queue:default",
            QStringLiteral(R"({"class":"X","jid":"c1","enqueued_at":%1})")
                .arg(QDateTime::currentMSecsSinceEpoch() / 1000.0 - 90.2, 0, 'f', 3)});
        r = cli({"check", "--window", "0"});
        QCOMPARE(r.exitCode, 1);
        // 90 s when the check runs at once, 91 s when the process starts slowly (sanitizers).
        QVERIFY2(
            r.out.contains(QRegularExpression("queue default: latency 9[01] s over the 60 s SLO")), qPrintable(r.out));
        QVERIFY(r.out.contains("queue.unwatched"));
        // A profile whose SLO for that queue is 10 minutes, and which parks it on purpose: ok again.
        auto p = profileHere(QStringLiteral("Checked"), kiq::deployment::Environment::Production);
        p.health.queues["default"].latencyWarnSeconds = 600;
        p.health.queues["default"].expectUnwatched = true;
        saveProfiles({p});
        QCOMPARE(cliBare({"--profile", "Checked", "check", "--window", "0"}).exitCode, 0);
        // A retry overdue by two minutes: no poller runs, critical, exit 2; --json lists every check.
        m_server->cli({"ZADD", "retry", QString::number(QDateTime::currentSecsSinceEpoch() - 120), "{}"});
        r = cli({"--json", "check", "--window", "1"});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject o = json(r).object();
        QCOMPARE(o["state"].toString(), QString("critical"));
        bool sawScheduler = false, sawRate = false;
        for (const auto& v : o["checks"].toArray()) {
            const QJsonObject c = v.toObject();
            QVERIFY(c.contains("value") && c.contains("threshold") && !c["message"].toString().isEmpty());
            if (c["id"] == "scheduler.stalled") {
                sawScheduler = c["state"] == "critical" && c["threshold"].toDouble() == 60;
            }
            if (c["id"] == "failure.rate") sawRate = c["state"] != "unknown"; // two samples a second apart
        }
        QVERIFY(sawScheduler);
        QVERIFY(sawRate);
        // Unreachable: critical.
        const int freePort = kiq::test::freePort();
        r = runProcess(
            qEnvironmentVariable("KIQDESK_CLI"), {"-p", QString::number(freePort), "check", "--window", "0"}, 60000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.contains("redis.reachable"), qPrintable(r.out));
        // Bad usage is Nagios's "unknown", not a warning.
        QCOMPARE(cli({"check", "--window", "-1"}).exitCode, 3);
    }

    void historyReadsWhatTheOverviewKept()
    {
        // Where the desktop app keeps it for the CLI's own name (XDG_DATA_HOME is the test's home).
        const QString file = m_home.path() + QStringLiteral("/Kiqdesk/kiqdesk/overview-history.sqlite");
        const QString key = QString::fromStdString(kiq::test::optionsFor(*m_server).describe());
        const double now = QDateTime::currentMSecsSinceEpoch() / 1000.0;
        {
            kiq::storage::SampleHistory history(file);
            QVERIFY2(history.isOpen(), qPrintable(history.error()));
            history.append(key, {now - 3 * 3600, 100, 1, 5, 2, 1 << 20, 40});
            history.append(key, {now - 60, 250, 3, 7, 4, 2 << 20, 55});
            history.append(QStringLiteral("redis://elsewhere:6379"), {now - 30, 9, 9, 9, 9, 9, 9});
        }
        const auto r = cli({"--json", "history", "--hours", "1"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray rows = json(r).array();
        QCOMPARE(rows.size(), 1); // the older one is outside the hour, the other deployment's is not ours
        QCOMPARE(rows[0].toObject()["processed"].toInteger(), 250);
        QCOMPARE(rows[0].toObject()["used_memory"].toInteger(), 2 << 20);
        const auto all = cli({"history"});
        QCOMPARE(all.exitCode, 0);
        QCOMPARE(all.out.trimmed().split(QLatin1Char('\n')).size(), 3); // the header and our two samples
        QVERIFY2(all.out.contains(" 100 ") && all.out.contains(" 250 "), qPrintable(all.out));
    }

    void listAndShowWithFilter()
    {
        seedDead(20, "HardJob");
        seedDead(5, "Billing::Charge"); // same jids as above would collide: scores differ, members differ by class
        const auto r = cli({"--json", "jobs", "list", "--set", "dead", "--filter", "class=Billing::*", "--limit", "3"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray rows = json(r).array();
        QCOMPARE(rows.size(), 3);
        for (const auto& row : rows) QCOMPARE(row.toObject()["class"].toString(), QString("Billing::Charge"));
        const QString jid = rows[0].toObject()["jid"].toString();
        const auto show = cli({"--json", "jobs", "show", "--set", "dead", jid});
        QCOMPARE(show.exitCode, 0);
        QCOMPARE(json(show).object()["payload"].toObject()["jid"].toString(), jid);
        QCOMPARE(cli({"jobs", "show", "--set", "dead", "abcdef"}).exitCode, 5);
        const auto bad = cli({"jobs", "list", "--filter", "colour=red"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("unknown field 'colour'"));
    }

    // Job arguments leave the CLI as the profile's rules show them; --no-redact shows them as they are.
    void outputIsRedactedByTheProfile()
    {
        auto p = profileHere("Payments", kiq::deployment::Environment::Development);
        p.redaction.paths = {"args[0]"};
        saveProfiles({p});
        const QString payload = QStringLiteral(
            R"({"retry":true,"queue":"default","class":"Charge","args":["pos-secret",{"card_number":"4111111111111111","note":"hi"}],"jid":"0123456789abcdef01234567","created_at":1700000000.5,"error_class":"Declined","error_message":"token=tok-secret refused","failed_at":1700000001.5})");
        QCOMPARE(m_server->cli({"ZADD", "dead", "1700000001", payload}), QString("1"));
        const QList<QStringList> reads {
            {"jobs", "list", "--set", "dead"},
            {"--json", "jobs", "list", "--set", "dead"},
            {"jobs", "show", "--set", "dead", "0123456789abcdef01234567"},
            {"--json", "jobs", "show", "--set", "dead", "0123456789abcdef01234567"},
        };
        for (const QStringList& read : reads) {
            const auto r = cliBare(QStringList {"--profile", "Payments"} + read);
            QCOMPARE(r.exitCode, 0);
            for (const char* secret : {"pos-secret", "4111111111111111", "tok-secret"})
                QVERIFY2(!r.out.contains(QLatin1String(secret)), qPrintable(read.join(' ') + ": " + r.out));
            QVERIFY2(r.out.contains(QLatin1String("REDACTED")), qPrintable(r.out));
        }
        const auto shown = cliBare(
            {"--profile", "Payments", "--no-redact", "jobs", "show", "--set", "dead", "0123456789abcdef01234567"});
        QCOMPARE(shown.exitCode, 0);
        for (const char* secret : {"pos-secret", "4111111111111111", "tok-secret"})
            QVERIFY2(shown.out.contains(QLatin1String(secret)), secret);
        // Showing them is recorded in the deployment's audit trail.
        const QJsonArray trail = json(cliBare({"--profile", "Payments", "--json", "trail", "list"})).array();
        QCOMPARE(trail.size(), 1);
        QCOMPARE(trail[0]["action"].toString(), QString("reveal"));
        QCOMPARE(trail[0]["detail"].toString(), QString("--no-redact"));
        // Filters see what is shown: a hidden value is not found by filtering for it, the mask is.
        const auto filtered = [&](const QStringList& flags, const QString& filter) {
            return json(cliBare(QStringList {"--profile", "Payments"} + flags
                            + QStringList {"--json", "jobs", "list", "--set", "dead", "--filter", filter}))
                .array()
                .size();
        };
        QCOMPARE(filtered({}, "args~pos-secret"), 0);
        QCOMPARE(filtered({}, "error~tok-secret"), 0);
        QCOMPARE(filtered({}, "args~REDACTED"), 1);
        QCOMPARE(filtered({}, "error~refused"), 1);
        const auto bulk = cliBare(
            {"--profile", "Payments", "--json", "jobs", "delete", "--set", "dead", "--filter", "args~pos-secret"});
        QCOMPARE(json(bulk).object()["matched"].toInteger(), 0); // a bulk action chooses the same way
        QCOMPARE(filtered({"--no-redact"}, "args~pos-secret"), 1); // recorded as a reveal, like the show above
        // Without a profile the default rules apply: the card is hidden, the positional argument is not.
        const auto plain = cli({"jobs", "show", "--set", "dead", "0123456789abcdef01234567"});
        QVERIFY(!plain.out.contains(QLatin1String("4111111111111111")));
        QVERIFY(plain.out.contains(QLatin1String("pos-secret")));
    }

    void bulkNeedsConsentThenActs()
    {
        seedDead(30, "HardJob");
        const auto dry = cli({"--json", "jobs", "retry", "--set", "dead", "--filter", "class=HardJob", "--dry-run"});
        QCOMPARE(dry.exitCode, 0);
        QCOMPARE(json(dry).object()["matched"].toInteger(), 30);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("30"));

        const auto refused = cli({"jobs", "retry", "--set", "dead", "--filter", "class=HardJob"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.err.contains("--yes"));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("30"));
        QCOMPARE(cli({"jobs", "retry", "--set", "dead"}).exitCode, 1); // no filter and no --all

        const auto done = cli({"jobs", "retry", "--set", "dead", "--filter", "class=HardJob", "--yes"});
        QCOMPARE(done.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("30"));
    }

    // Replay (issue 23) from a script: a dead job as Sidekiq 6.4.1 left it, and one with a password, copied from
    // a production profile into a development one on another server; the source byte for byte as it was;
    // the refusals (production target, the source's own server, a big count without --count).
    void replayCopiesDeadJobsIntoADevelopmentDeployment()
    {
        using kiq::deployment::Environment;
        RedisServer dev(RedisServer::Options {});
        auto prod = profileHere("Billing", Environment::Production);
        auto laptop = profileHere("Laptop", Environment::Development);
        laptop.options.endpoint = {"127.0.0.1", dev.port()};
        auto prodAgain = profileHere("Billing copy", Environment::Development); // the source's own server
        prodAgain.options.db = 2;
        saveProfiles({prod, laptop, prodAgain, profileHere("Other prod", Environment::Production)});
        m_server->cli({"ZADD", "dead", "1795435956.841809",
            QString::fromUtf8(fixtures641::kDeadNoRetryJob.data(), qsizetype(fixtures641::kDeadNoRetryJob.size()))});
        m_server->cli({"ZADD", "dead", "1795435957",
            R"({"retry":true,"queue":"mail","class":"MailJob","args":[{"to":"a@b.c","password":"hunter2"}],"jid":"00000000000000000000beef","created_at":1795435950.5,"error_class":"Net::ReadTimeout","error_message":"slow","retry_count":25,"failed_at":1795435951.5})"});
        const QString before = m_server->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"});
        const QStringList replay {"replay", "--from", "Billing", "--to", "Laptop", "--set", "dead"};

        const auto preview = cliBare(replay + QStringList {"--all", "--dry-run"});
        QCOMPARE(preview.exitCode, 0);
        QCOMPARE(preview.out.count('\n'), 2);
        QVERIFY(!preview.out.contains("hunter2") && preview.out.contains("[REDACTED]"));
        QVERIFY2(preview.err.contains("would replay 2 jobs from Billing dead into Laptop (Development)"),
            qPrintable(preview.err));
        QCOMPARE(dev.cli({"DBSIZE"}), QString("0"));

        const auto done = cliBare(
            QStringList {"--json"} + replay + QStringList {"--filter", "class=NoRetryJob", "--queue", "replays", "-y"});
        QCOMPARE(done.exitCode, 0);
        const QJsonArray copies = json(done).array();
        QCOMPARE(copies.size(), 1);
        QCOMPARE(copies[0].toObject()["original_jid"].toString(), QString("0a0d6dee9ccc8afeff944249"));
        const QString newJid = copies[0].toObject()["jid"].toString();
        QVERIFY(newJid.size() == 24 && newJid != "0a0d6dee9ccc8afeff944249");
        const QJsonObject job = QJsonDocument::fromJson(dev.cli({"LINDEX", "queue:replays", "0"}).toUtf8()).object();
        QCOMPARE(job["jid"].toString(), newJid);
        QCOMPARE(job["class"].toString(), QString("NoRetryJob"));
        QCOMPARE(job["queue"].toString(), QString("replays"));
        QVERIFY(!job.contains("error_class") && !job.contains("failed_at") && !job.contains("retry_count"));
        const QJsonObject link = job["replayed_from"].toObject();
        QCOMPARE(link["deployment"].toString(), QString("Billing"));
        QCOMPARE(link["jid"].toString(), QString("0a0d6dee9ccc8afeff944249"));
        QCOMPARE(link["error_class"].toString(), QString("RuntimeError"));
        QCOMPARE(link["error_message"].toString(), QString("dies immediately"));
        QVERIFY(dev.cli({"SMEMBERS", "queues"}).contains("replays"));
        // Noted in the replay journal the app shares (its inspectors show the copy's outcome there).
        QDirIterator found(m_home.path(), {"replays.jsonl"}, QDir::Files, QDirIterator::Subdirectories);
        QVERIFY(found.hasNext());
        QFile journal(found.next());
        QVERIFY(journal.open(QIODevice::ReadOnly));
        const QByteArray noted = journal.readAll();
        QVERIFY(noted.contains(newJid.toUtf8()) && noted.contains("\"target\":\"Laptop\""));
        QVERIFY(!noted.contains("hunter2"));
        // Our pool runs the copy on the development server (no handler for the class: it fails as Sidekiq
        // would, and retry 0 sends it to that server's morgue) and notes the outcome in the same journal.
        const QString workLog = m_home.filePath("replay-work.log");
        const pid_t work = spawnProcess(qEnvironmentVariable("KIQDESK_CLI"),
            {"-p", QString::number(dev.port()), "work", "-q", "replays", "-c", "1", "--fail-unknown-classes"}, workLog);
        QVERIFY(waitUntil([&] { return dev.cli({"ZCARD", "dead"}) == "1"; }, 10000));
        ::kill(work, SIGINT);
        QVERIFY(waitUntil([&] { return !processRunning(work); }, 10000));
        QVERIFY(dev.cli({"ZRANGE", "dead", "0", "-1"}).contains(newJid));
        journal.close();
        QVERIFY(journal.open(QIODevice::ReadOnly));
        const QByteArray withOutcome = journal.readAll();
        QVERIFY2(withOutcome.contains("\"ok\":false") && withOutcome.contains("uninitialized constant NoRetryJob"),
            withOutcome.constData());

        QDir().mkpath(m_home.filePath("edit"));
        QFile edited(m_home.filePath("edit/args.json"));
        QVERIFY(edited.open(QIODevice::WriteOnly));
        edited.write(R"([{"to":"dev@localhost","password":"local-only"}])");
        edited.close();
        const auto withArgs = cliBare(
            replay + QStringList {"--jid", "00000000000000000000beef", "--edit-args", edited.fileName(), "-y"});
        QCOMPARE(withArgs.exitCode, 0);
        const QJsonObject mail = QJsonDocument::fromJson(dev.cli({"LINDEX", "queue:mail", "0"}).toUtf8()).object();
        QCOMPARE(mail["args"].toArray()[0].toObject()["to"].toString(), QString("dev@localhost"));
        QCOMPARE(mail["replayed_from"].toObject()["error_class"].toString(), QString("Net::ReadTimeout"));

        const auto toProduction
            = cliBare({"replay", "--from", "Laptop", "--to", "Other prod", "--set", "queue:mail", "--all", "-y"});
        QCOMPARE(toProduction.exitCode, 1);
        QVERIFY2(toProduction.err.contains("never writes to a production deployment"), qPrintable(toProduction.err));
        const auto sameServer = cliBare({"replay", "--from", "Billing", "--to", "Billing copy", "--all", "-y"});
        QCOMPARE(sameServer.exitCode, 1);
        QVERIFY2(sameServer.err.contains("the source's own Redis server"), qPrintable(sameServer.err));
        QCOMPARE(m_server->cli({"DBSIZE"}), QString("1")); // nothing in db 0 but the dead set

        seedDead(25, "BulkJob");
        const auto many = cliBare(replay + QStringList {"--filter", "class=BulkJob", "-y"});
        QCOMPARE(many.exitCode, 1);
        QVERIFY2(many.err.contains("pass --count 25"), qPrintable(many.err));
        QCOMPARE(dev.cli({"LLEN", "queue:default"}), QString("0"));
        QCOMPARE(cliBare(replay + QStringList {"--filter", "class=BulkJob", "-y", "--count", "25"}).exitCode, 0);
        QCOMPARE(dev.cli({"LLEN", "queue:default"}), QString("25"));
        m_server->cli({"ZREMRANGEBYSCORE", "dead", "1700000000", "1700000100"});
        QCOMPARE(m_server->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"}), before);
        const auto bad = cliBare(replay + QStringList {"--all", "--edit-args", m_home.filePath("missing.json")});
        QCOMPARE(bad.exitCode, 1);
    }

    // A bulk run takes the profile's load budget (staging: 50% of Redis time), --budget overrides it,
    // and the progress on stderr says what the run costs Redis.
    void bulkRunsWithinTheLoadBudget()
    {
        using kiq::deployment::Environment;
        saveProfiles({profileHere("Stage", Environment::Staging)});
        seedDead(300, "HardJob");
        const auto staged = cliBare({"--profile", "Stage", "jobs", "retry", "--set", "dead", "--all", "--yes"});
        QCOMPARE(staged.exitCode, 0);
        QVERIFY2(staged.err.contains("load on Redis: 50% of Redis time, calls of 1 ms"), qPrintable(staged.err));
        QVERIFY2(staged.err.contains(" jobs/s · Redis busy "), qPrintable(staged.err));
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("300"));

        m_server->cli({"DEL", "queue:default"});
        seedDead(300, "HardJob");
        const auto unlimited
            = cliBare({"--profile", "Stage", "jobs", "retry", "--set", "dead", "--all", "--yes", "--budget", "off"});
        QCOMPARE(unlimited.exitCode, 0);
        QVERIFY2(unlimited.err.contains("load on Redis: unlimited"), qPrintable(unlimited.err));
        const auto bad = cli({"jobs", "retry", "--set", "dead", "--all", "--yes", "--budget", "0"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("--budget takes a percentage of Redis time"), qPrintable(bad.err));
        seedDead(300, "HardJob");
        const auto tight
            = cli({"jobs", "retry", "--set", "dead", "--all", "--yes", "--budget", "10%", "--call-ms", "2"});
        QCOMPARE(tight.exitCode, 0);
        QVERIFY2(tight.err.contains("load on Redis: 10% of Redis time, calls of 2 ms"), qPrintable(tight.err));
    }

    // A production profile is read-only: every write is refused, with the way out, until --arm "reason".
    void productionProfileNeedsArm()
    {
        using kiq::deployment::Environment;
        auto shared = profileHere("Shared", Environment::Staging);
        shared.readOnly = true;
        saveProfiles(
            {profileHere("Billing", Environment::Production), shared, profileHere("Dev", Environment::Development)});
        seedDead(3, "HardJob");
        m_server->cli({"SADD", "processes", "host:1:abc"});
        m_server->cli(
            {"HSET", "host:1:abc", "beat", QString::number(QDateTime::currentSecsSinceEpoch()), "info", "{}"});
        const QString refusal = QStringLiteral("Billing (Production) is read-only: pass --arm \"reason\" to write");
        const QList<QStringList> writes {
            {"jobs", "delete", "--set", "dead", "--all", "--yes"},
            {"jobs", "retry", "--set", "dead", "--filter", "class=HardJob", "--yes"},
            {"quiet", "--all"},
            {"acl", "log", "--reset"},
            {"work", "-c", "1"},
        };
        m_server->cli({"AUTH", "nobody", "wrong"}); // an ACL LOG entry that a reset would clear
        const QString keys = m_server->cli({"KEYS", "*"});
        for (const QStringList& write : writes) {
            const auto refused = cliBare(QStringList {"--profile", "Billing"} + write);
            QCOMPARE(refused.exitCode, 1);
            QVERIFY2(refused.err.contains(refusal), qPrintable(write.join(' ') + ": " + refused.err));
        }
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("3"));
        QCOMPARE(m_server->cli({"LLEN", "host:1:abc-signals"}), QString("0"));
        QCOMPARE(m_server->cli({"KEYS", "*"}), keys);
        QVERIFY(!m_server->cli({"ACL", "LOG"}).trimmed().isEmpty());

        // Reads need no arming; a dry run is a read.
        QCOMPARE(cliBare({"--profile", "Billing", "stats"}).exitCode, 0);
        QCOMPARE(
            cliBare({"--profile", "Billing", "jobs", "delete", "--set", "dead", "--all", "--dry-run"}).exitCode, 0);

        // Marked read-only: the same. Development: no ceremony.
        const auto sharedRefused = cliBare({"--profile", "Shared", "jobs", "delete", "--set", "dead", "--jid",
            QString("%1").arg(0, 24, 16, QChar('0')), "--yes"});
        QCOMPARE(sharedRefused.exitCode, 1);
        QVERIFY2(sharedRefused.err.contains("Shared (Staging) is read-only"), qPrintable(sharedRefused.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("3"));
        const auto dev = cliBare({"--profile", "Dev", "jobs", "delete", "--set", "dead", "--jid",
            QString("%1").arg(0, 24, 16, QChar('0')), "--yes"});
        QCOMPARE(dev.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("2"));

        // Armed for this invocation only.
        const auto armed = cliBare(
            {"--profile", "Billing", "--arm", "INC-42 purge", "jobs", "delete", "--set", "dead", "--all", "--yes"});
        QCOMPARE(armed.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        seedDead(1, "HardJob");
        QCOMPARE(cliBare({"--profile", "Billing", "jobs", "delete", "--set", "dead", "--all", "--yes"}).exitCode, 1);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("1"));

        // A reason is required; the profile says where to connect; an unknown name lists the saved ones.
        const auto noReason = cliBare({"--profile", "Billing", "--arm", " ", "stats"});
        QCOMPARE(noReason.exitCode, 1);
        QVERIFY2(noReason.err.contains("--arm needs a reason"), qPrintable(noReason.err));
        const auto both = cliBare({"--profile", "Billing", "-p", "1", "stats"});
        QCOMPARE(both.exitCode, 1);
        QVERIFY2(both.err.contains("cannot be combined with --profile"), qPrintable(both.err));
        const auto unknown = cliBare({"--profile", "Nope", "stats"});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("saved: Billing, Shared, Dev"), qPrintable(unknown.err));
    }

    // A delete says how to undo it; undo list shows it; undo restore puts the jobs back with their scores,
    // once; on a production profile only with --arm. The journal is the desktop app's file, 0600.
    void undoListAndRestore()
    {
        saveProfiles({profileHere("Billing", kiq::deployment::Environment::Production)});
        seedDead(25, "Gone");
        const QString before = m_server->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"});
        const auto deleted = cli({"jobs", "delete", "--set", "dead", "--filter", "class=Gone", "--yes"});
        QCOMPARE(deleted.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        const QRegularExpression undoLine(QStringLiteral("undo restore (\\d+)"));
        const auto match = undoLine.match(deleted.err);
        QVERIFY2(match.hasMatch(), qPrintable(deleted.err));
        const QString id = match.captured(1);
        const QString file = m_home.path() + QStringLiteral("/Kiqdesk/kiqdesk/undo.sqlite");
        QCOMPARE(QFile::permissions(file) & 0x7777,
            QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);

        const auto listed = cli({"--json", "undo", "list"});
        QCOMPARE(listed.exitCode, 0);
        QJsonObject record;
        for (const auto& v : json(listed).array())
            if (QString::number(v.toObject()["id"].toInteger()) == id) record = v.toObject();
        QCOMPARE(record["action"].toString(), QStringLiteral("delete"));
        QCOMPARE(record["target"].toString(), QStringLiteral("dead"));
        QCOMPARE(record["count"].toInteger(), 25);
        QCOMPARE(record["restorable"].toInteger(), 25);
        QVERIFY(cli({"undo", "list"}).out.contains(QStringLiteral("delete")));

        // Production: refused without --arm, and nothing comes back.
        const auto refused = cliBare({"--profile", "Billing", "undo", "restore", id});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("pass --arm"), qPrintable(refused.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        const auto restored = cliBare({"--profile", "Billing", "--arm", "INC-5 undo", "--json", "undo", "restore", id});
        QCOMPARE(restored.exitCode, 0);
        QCOMPARE(json(restored).object()["restored"].toInteger(), 25);
        QCOMPARE(m_server->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"}), before);

        const auto again = cli({"undo", "restore", id});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.err.contains("restored 0 jobs"), qPrintable(again.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("25"));
        QCOMPARE(cli({"undo", "restore", "999999"}).exitCode, 5);
    }

    // One job is "1 job", not "1 jobs" (issue 14).
    void countsOfOne()
    {
        seedDead(1, "HardJob");
        const auto dry = cli({"jobs", "retry", "--set", "dead", "--filter", "class=HardJob", "--dry-run"});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.err.contains("1 of 1 job in ") && dry.err.contains(" matches"), qPrintable(dry.err));
        const auto refused = cli({"jobs", "retry", "--set", "dead", "--filter", "class=HardJob"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(" 1 job in ") && !refused.err.contains("jobs in"), qPrintable(refused.err));
    }

    void interruptThenResume()
    {
        seedDead(400, "HardJob");
        const QString program = qEnvironmentVariable("KIQDESK_CLI");
        const QString log = m_home.filePath("bulk.log");
        // A paced delete (100/s) is slow enough to interrupt part-way.
        const pid_t del = spawnProcess(program,
            {"-p", QString::number(m_server->port()), "jobs", "delete", "--set", "dead", "--all", "--yes", "--rate",
                "100"},
            log);
        QVERIFY(waitUntil([&] { return m_server->cli({"ZCARD", "dead"}).toInt() < 380; }, 10000));
        ::kill(del, SIGINT);
        QVERIFY(waitUntil([&] { return !processRunning(del); }, 10000));
        const int left = m_server->cli({"ZCARD", "dead"}).toInt();
        QVERIFY2(left > 0 && left < 400, qPrintable(QString::number(left)));

        const auto pending = cli({"--json", "jobs", "pending"});
        QCOMPARE(pending.exitCode, 0);
        const QJsonArray ops = json(pending).array();
        QCOMPARE(ops.size(), 1);
        const QString id = ops[0].toObject()["id"].toString();
        const auto resumed = cli({"jobs", "resume", id});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        QCOMPARE(json(cli({"--json", "jobs", "pending"})).array().size(), 0);
    }

    // An operation the GUI started (its connection options: a client name, a user, a password) names
    // the same deployment as the CLI's flags for that server, so `jobs pending` shows it as this
    // connection's and `jobs resume` continues it here, and only here: on another server its cursor
    // and counts would be wrong.
    void bulkFromTheGuiResumesOnItsOwnDeployment()
    {
        seedDead(20, "HardJob");
        RedisServer other(RedisServer::Options {});
        QCOMPARE(other.cli({"ZADD", "dead", "1700000000", R"({"class":"HardJob","queue":"default","jid":"b1"})"}),
            QString("1"));
        const auto gui = optionsFor(m_server->port(), "ops", "gui-secret");
        const auto op = kiq::sidekiq::BulkExecutor::create(
            gui, {kiq::sidekiq::JobSetKind::Dead, "class=HardJob", kiq::sidekiq::JobAction::Retry, {}, 0});
        kiq::storage::BulkCursorStore(m_home.filePath("Kiqdesk/kiqdesk/bulk").toStdString()).save(op);
        const QString id = QString::fromStdString(op.id);

        const QJsonArray pending = json(cli({"--json", "jobs", "pending"})).array();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].toObject()["id"].toString(), id);
        QCOMPARE(pending[0].toObject()["deployment"].toString(), QString("redis://127.0.0.1:%1").arg(m_server->port()));

        const auto elsewhere = runProcess(
            qEnvironmentVariable("KIQDESK_CLI"), {"-p", QString::number(other.port()), "jobs", "resume", id}, 60000);
        QCOMPARE(elsewhere.exitCode, 1);
        QVERIFY2(elsewhere.err.contains("was started on redis://127.0.0.1:" + QString::number(m_server->port())),
            qPrintable(elsewhere.err));
        QVERIFY(!elsewhere.err.contains("gui-secret"));
        QCOMPARE(other.cli({"ZCARD", "dead"}), QString("1"));
        QCOMPARE(other.cli({"LLEN", "queue:default"}), QString("0"));

        const auto here = cli({"jobs", "resume", id});
        QCOMPARE(here.exitCode, 0);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("0"));
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("20"));
        QCOMPARE(json(cli({"--json", "jobs", "pending"})).array().size(), 0);
    }

    // work hands a job it has no handler for back unchanged; --fail-unknown-classes fails it like Sidekiq.
    void workLeavesUnknownClassesAlone()
    {
        const QString hard
            = R"({"retry":20,"queue":"default","class":"HardJob","args":[1],"jid":"0123456789abcdef01234567","created_at":1700000000.5,"enqueued_at":1700000000.5})";
        const QString echo
            = R"({"retry":true,"queue":"default","class":"Kiqdesk::Echo","args":["hi"],"jid":"abcdef0123456789abcdef01","created_at":1700000000.5,"enqueued_at":1700000000.5})";
        const QString program = qEnvironmentVariable("KIQDESK_CLI");
        for (const bool failThem : {false, true}) {
            m_server->cli({"FLUSHALL"});
            QCOMPARE(m_server->cli({"LPUSH", "queue:default", hard, echo}), QString("2"));
            const QString log = m_home.filePath(failThem ? "work-fail.log" : "work.log");
            QStringList args {"-p", QString::number(m_server->port()), "work", "-c", "2"};
            if (failThem) args << "--fail-unknown-classes";
            const pid_t work = spawnProcess(program, args, log);
            const auto logText = [&] {
                QFile f(log);
                return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
            };
            QVERIFY(waitUntil([&] { return logText().contains("Kiqdesk::Echo jid="); }, 10000));
            if (failThem)
                QVERIFY(waitUntil([&] { return m_server->cli({"ZCARD", "retry"}) == "1"; }, 10000));
            else
                QVERIFY2(waitUntil([&] { return logText().contains("holds only jobs without a handler"); }, 10000),
                    qPrintable(logText()));
            ::kill(work, SIGINT);
            QVERIFY(waitUntil([&] { return !processRunning(work); }, 10000));
            QVERIFY2(logText().contains(failThem ? "stopped: 2 processed, 1 failed" : "stopped: 1 processed, 0 failed"),
                qPrintable(logText()));
            if (failThem) {
                QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("0"));
                QVERIFY(m_server->cli({"ZRANGE", "retry", "0", "-1"}).contains("uninitialized constant HardJob"));
            } else {
                QCOMPARE(m_server->cli({"LRANGE", "queue:default", "0", "-1"}), hard);
                QCOMPARE(m_server->cli({"ZCARD", "retry"}), QString("0"));
                QCOMPARE(m_server->cli({"GET", "stat:failed"}).toInt(), 0);
            }
        }
    }

    void authAndPermissions()
    {
        m_server->cli({"ACL", "SETUSER", "monitor", "on", ">mon-pw", "~*", "+@read", "+@connection", "+info"});
        seedDead(2, "HardJob");
        qputenv("REDISCLI_AUTH", "mon-pw");
        const auto ok = cli({"--user", "monitor", "--json", "stats"});
        QCOMPARE(ok.exitCode, 0);
        const auto denied = cli({"--user", "monitor", "jobs", "delete", "--set", "dead", "--all", "--yes"});
        QCOMPARE(denied.exitCode, 3);
        QVERIFY2(denied.err.contains("not permitted for user monitor: needs +"), qPrintable(denied.err));
        const auto acl = cli({"--user", "monitor", "acl", "list"});
        QCOMPARE(acl.exitCode, 3);
        QVERIFY2(acl.err.contains("not permitted for user monitor: needs +acl|users"), qPrintable(acl.err));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QString("2"));
        qputenv("REDISCLI_AUTH", "wrong");
        const auto wrong = cli({"--user", "monitor", "stats"});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY(wrong.err.contains("wrong username or password"));
        QVERIFY(!wrong.err.contains("wrong\"") && !wrong.out.contains("mon-pw"));
        qputenv("REDISCLI_AUTH", "");
        m_server->cli({"ACL", "DELUSER", "monitor"});
    }

    // The CLI reads its secrets from the environment and used to leave them there: every worker
    // handler inherited them, and /proc/<pid>/environ showed them for as long as the CLI ran.
    void workHandlersNeverSeeTheCliSecrets()
    {
        const QString password = QStringLiteral("work-pw-5e1f");
        RedisServer::Options o;
        o.extraArgs = {"--requirepass", password};
        RedisServer server(o);
        QTemporaryDir dir;
        const QString handlers = dir.filePath("handlers.toml");
        QFile toml(handlers);
        QVERIFY(toml.open(QIODevice::WriteOnly));
        // $PPID is the CLI: the handler reads what the CLI's environment still shows to the user's processes.
        toml.write(QStringLiteral(
            "[[handler]]\nclass = \"EnvDump\"\ncommand = [\"/bin/sh\", \"-c\", \"env > %1/env.txt; "
            "tr '\\\\000' '\\\\n' < /proc/$PPID/environ > %1/parent.tmp; mv %1/parent.tmp %1/parent.txt\"]\n")
                       .arg(dir.path())
                       .toUtf8());
        toml.close();
        qputenv("REDISCLI_AUTH", password.toUtf8()); // also authenticates the harness's redis-cli
        qputenv("KIQDESK_SENTINEL_AUTH", "sentinel-pw-77c2");
        qputenv("KIQDESK_ACL_PASSWORD", "acl-pw-90ad");
        const pid_t work = spawnProcess(qEnvironmentVariable("KIQDESK_CLI"),
            {"-p", QString::number(server.port()), "work", "-c", "1", "--handlers", handlers},
            dir.filePath("work.log"));
        qputenv("KIQDESK_SENTINEL_AUTH", "");
        qputenv("KIQDESK_ACL_PASSWORD", "");
        server.cli({"SADD", "queues", "default"});
        server.cli({"LPUSH", "queue:default",
            R"({"class":"EnvDump","args":[],"jid":"0123456789abcdef01234567","queue":"default","retry":false})"});
        const bool ran = waitUntil([&] { return QFile::exists(dir.filePath("parent.txt")); }, 15000);
        stopProcess(work, 10000);
        qputenv("REDISCLI_AUTH", "");
        QFile log(dir.filePath("work.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(ran, log.readAll().constData());
        for (const char* name : {"env.txt", "parent.txt"}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            QVERIFY2(text.contains("PATH="), name);
            for (const QByteArray& secret :
                {password.toUtf8(), QByteArray("sentinel-pw-77c2"), QByteArray("acl-pw-90ad")})
                QVERIFY2(!text.contains(secret), qPrintable(QStringLiteral("%1 holds %2").arg(name, secret)));
        }
    }

    // A password in -u is readable by every local user through ps: warned about, never echoed.
    void passwordInUrlIsWarnedAbout()
    {
        m_server->cli({"ACL", "SETUSER", "urluser", "on", ">Sekr1t", "~*", "+@all"});
        const QString url = QStringLiteral("redis://urluser:Sekr1t@127.0.0.1:%1").arg(m_server->port());
        const auto r = runProcess(qEnvironmentVariable("KIQDESK_CLI"), {"-u", url, "--json", "stats"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(
            r.err.contains("warning") && r.err.contains("ps") && r.err.contains("REDISCLI_AUTH"), qPrintable(r.err));
        QVERIFY(!r.err.contains("Sekr1t") && !r.out.contains("Sekr1t"));
        // The same login through REDISCLI_AUTH is not warned about.
        qputenv("REDISCLI_AUTH", "Sekr1t");
        const auto env = cli({"--user", "urluser", "--json", "stats"});
        qputenv("REDISCLI_AUTH", "");
        QCOMPARE(env.exitCode, 0);
        QVERIFY2(!env.err.contains("warning"), qPrintable(env.err));
        m_server->cli({"ACL", "DELUSER", "urluser"});
    }

    void namespaceAndUnreachable()
    {
        m_server->cli({"SADD", "myapp:queues", "default"});
        m_server->cli({"LPUSH", "myapp:queue:default",
            R"({"class":"A","args":[],"jid":"aa","queue":"default","enqueued_at":1700000000.0})"});
        const auto r = cli({"--namespace", "myapp:", "--json", "stats"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json(r).object()["enqueued"].toInteger(), 1);
        QCOMPARE(json(cli({"--json", "stats"})).object()["enqueued"].toInteger(), 0);
        const auto down = runProcess(qEnvironmentVariable("KIQDESK_CLI"), {"-p", QString::number(freePort()), "stats"});
        QCOMPARE(down.exitCode, 2);
        QVERIFY(down.err.contains("refused"));
        QCOMPARE(cli({"quiet", "no-such-process"}).exitCode, 5);
    }

    // A resolver that never answers (glibc waits 5 s per attempt and server; here 2 × 5 s) costs no
    // more than the connect timeout: the CLI runs in a private mount namespace whose resolv.conf names
    // a UDP socket of ours that reads nothing. Needs root (mount); skipped otherwise.
    void silentResolverIsCutAtTheConnectTimeout()
    {
        if (geteuid() != 0) QSKIP("needs root for a private mount namespace");
        const int dns = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        QVERIFY(dns >= 0);
        auto closeDns = qScopeGuard([dns] { ::close(dns); });
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(53);
        inet_pton(AF_INET, "127.0.0.153", &addr.sin_addr);
        if (::bind(dns, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            QSKIP("127.0.0.153:53 is taken; cannot stand in for a silent DNS server");
        QTemporaryDir dir;
        QFile conf(dir.filePath("resolv.conf"));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("nameserver 127.0.0.153\noptions timeout:5 attempts:2\n");
        conf.close();
        const QString script = QStringLiteral("mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"");
        const QStringList args {"--mount", "--propagation", "private", "sh", "-c", script, conf.fileName(),
            qEnvironmentVariable("KIQDESK_CLI"), "-h", "kiq-slow-dns.test", "-p", QString::number(m_server->port()),
            "--connect-timeout", "700", "stats"};
        QElapsedTimer t;
        t.start();
        const auto r = runProcess("unshare", args, 60000);
        if (r.err.contains("unshare failed") || r.err.contains("mount:"))
            QSKIP(qPrintable("no mount namespace: " + r.err));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("kiq-slow-dns.test") && r.err.contains("timed out"), qPrintable(r.err));
        // Every connect attempt ends at 0.7 s; one unbounded lookup alone would take 10 s.
        QVERIFY2(t.elapsed() < 6000, qPrintable(QString("took %1 ms").arg(t.elapsed())));
    }

    void aclCommands()
    {
        qputenv("KIQDESK_ACL_PASSWORD", "cli-pw");
        const auto dry = cli({"acl", "apply-role", "monitor", "--name", "cli-mon", "--dry-run"});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY(dry.err.contains("ACL SETUSER cli-mon"));
        QVERIFY(!dry.err.contains("cli-pw")); // hashed in the line shown
        QCOMPARE(m_server->cli({"ACL", "GETUSER", "cli-mon"}), QString());
        const auto applied = cli({"acl", "apply-role", "monitor", "--name", "cli-mon", "--yes"});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.err));
        QVERIFY(applied.err.contains("check ok"));
        QVERIFY(!applied.err.contains("check FAILED"));
        const auto list = cli({"--json", "acl", "list"});
        QCOMPARE(list.exitCode, 0);
        bool found = false;
        for (const auto& u : json(list).array()) found = found || u.toObject()["name"].toString() == "cli-mon";
        QVERIFY(found);
        QCOMPARE(cli({"acl", "show", "nobody"}).exitCode, 5);
        qputenv("KIQDESK_ACL_PASSWORD", "");
        m_server->cli({"ACL", "DELUSER", "cli-mon"});
    }

    // On Redis Cluster a job action says before acting that the namespace has no {hash tag} (so
    // retry fails with CROSSSLOT); with a hash-tagged namespace it says nothing and the retry works.
    void clusterNamespaceWarningBeforeJobAction()
    {
        qunsetenv("REDISCLI_AUTH"); // redis-cli would send an empty AUTH to the cluster nodes
        const auto restore = qScopeGuard([] { qputenv("REDISCLI_AUTH", ""); });
        ClusterGroup cluster;
        const QString job = QStringLiteral(
            R"({"retry":true,"queue":"default","class":"HardJob","args":[1],"jid":"00000000000000000000abcd","created_at":1700000000.5,"error_class":"Boom","error_message":"x","retry_count":3,"failed_at":1700000001.5})");
        const QString seed = QStringLiteral("127.0.0.1:%1").arg(cluster.seedPort());
        for (const QString ns : {QStringLiteral("cliapp:"), QStringLiteral("{cliapp}:")}) {
            QCOMPARE(cluster.node(0).cli({"-c", "ZADD", ns + "dead", "1700000001.5", job}), QString("1"));
            const auto r = runProcess(qEnvironmentVariable("KIQDESK_CLI"),
                {"--cluster", seed, "--namespace", ns, "jobs", "retry", "--set", "dead", "--all", "--yes"});
            if (ns.startsWith('{')) {
                QVERIFY2(r.exitCode == 0, qPrintable(r.err));
                QVERIFY2(!r.err.contains("warning: Redis Cluster"), qPrintable(r.err));
            } else {
                QVERIFY2(r.err.contains("warning: Redis Cluster with the namespace 'cliapp:' (no {hash tag})"),
                    qPrintable(r.err));
                QVERIFY2(r.err.contains("'{cliapp}:'"), qPrintable(r.err));
                QVERIFY2(r.err.indexOf("warning: Redis Cluster") < r.err.indexOf("CROSSSLOT ")
                        || !r.err.contains("CROSSSLOT "),
                    qPrintable(r.err));
                QVERIFY(r.exitCode != 0);
            }
        }
    }

    // find: one JID across every saved profile at once (a plain server, a second one and a Cluster), hits
    // as the redaction rules show them, --in, and a profile that cannot be reached.
    void findSearchesEverySavedProfile()
    {
        qunsetenv("REDISCLI_AUTH");
        const auto restore = qScopeGuard([this] {
            qputenv("REDISCLI_AUTH", "");
            saveProfiles({});
        });
        const QString jid = "00000000000000000000f1d0";
        const QString planted = QStringLiteral("{\"retry\":true,\"queue\":\"%1\",\"class\":\"PlantedJob\","
                                               "\"args\":[{\"password\":\"hunter2\"}],\"jid\":\"%2\","
                                               "\"created_at\":1700000000.5,\"error_class\":\"Boom\","
                                               "\"error_message\":\"x\",\"failed_at\":1700000001.5}");
        seedDead(2000, "NoiseJob");
        QCOMPARE(m_server->cli({"ZADD", "dead", "1800000000", planted.arg("default", jid)}), QString("1"));
        RedisServer second(RedisServer::Options {});
        ClusterGroup cluster;
        QCOMPARE(cluster.node(0).cli({"-c", "SADD", "queues", "critical"}), QString("1"));
        QCOMPARE(cluster.node(0).cli({"-c", "LPUSH", "queue:critical", planted.arg("critical", jid)}), QString("1"));
        auto clusterProfile = kiq::deployment::ConnectionProfile::create("gamma");
        clusterProfile.options = kiq::test::clusterOptionsFor(cluster);
        auto secondProfile = profileHere("beta", kiq::deployment::Environment::Staging);
        secondProfile.options.endpoint.port = second.port();
        saveProfiles({profileHere("alpha", kiq::deployment::Environment::Production), secondProfile, clusterProfile});

        auto r = cliBare({"find", jid});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3); // the header and two hits
        QVERIFY2(r.out.contains(QRegularExpression("alpha +dead +" + jid + " +PlantedJob")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression("gamma +queue:critical +" + jid)), qPrintable(r.out));
        QVERIFY2(!r.out.contains("hunter2"), qPrintable(r.out)); // shown redacted
        QVERIFY2(r.err.contains("alpha: 2001 jobs examined, 1 hit"), qPrintable(r.err));
        QVERIFY2(r.err.contains("beta: 0 jobs examined, 0 hits"), qPrintable(r.err));

        r = cliBare({"--json", "find", jid});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r).object();
        QCOMPARE(o["hits"].toArray().size(), 2);
        QCOMPARE(o["deployments"].toArray().size(), 3);
        for (const auto& hit : o["hits"].toArray())
            QVERIFY(
                hit.toObject()["deployment"].toString() == "alpha" || hit.toObject()["place"].toString() == "queue");

        // Text matches as shown: the hidden password is not there to find, unless asked for as it is.
        QCOMPARE(cliBare({"find", "--text", "hunter2"}).exitCode, 5);
        r = cliBare({"--no-redact", "find", "--text", "HUNTER2"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("hunter2"), qPrintable(r.out));
        // --in picks profiles; nothing there is exit 5.
        QCOMPARE(cliBare({"find", jid, "--in", "beta"}).exitCode, 5);
        QCOMPARE(cliBare({"find", jid, "--in", "beta", "--in", "alpha"}).exitCode, 0);
        QCOMPARE(cliBare({"find", jid, "--in", "nobody"}).exitCode, 1);
        QCOMPARE(cliBare({"find"}).exitCode, 1); // neither a JID nor --text
        // One connection named by the flags: that one only.
        QCOMPARE(cli({"find", jid}).exitCode, 0);

        // A profile that cannot be reached: the others are still searched, and the exit says partly.
        auto gone = profileHere("delta", kiq::deployment::Environment::Development);
        gone.options.endpoint.port = kiq::test::freePort();
        saveProfiles({profileHere("alpha", kiq::deployment::Environment::Production), gone});
        r = cliBare({"find", jid});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.out.contains("alpha"), qPrintable(r.out));
        QVERIFY2(r.err.contains("delta: error: "), qPrintable(r.err));
    }

    // snapshot: the incident archive of the connection, every part listed, nothing secret in it.
    void snapshotWritesARedactedArchive()
    {
        const double t = QDateTime::currentMSecsSinceEpoch() / 1000.0;
        m_server->cli({"ZADD", "dead", QString::number(t - 60, 'f', 3),
            QStringLiteral("{\"class\":\"ChargeJob\",\"queue\":\"default\",\"args\":[{\"password\":\"cli-s3cret\"}],"
                           "\"jid\":\"abc\",\"error_class\":\"Boom\",\"error_message\":\"x\",\"failed_at\":%1}")
                .arg(t - 60, 0, 'f', 3)});
        QTemporaryDir dir;
        const QString path = dir.filePath("incident.tar.gz");
        auto r = cli({"--json", "snapshot", "--since", "30m", "-o", path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = json(r).object();
        QCOMPARE(o["path"].toString(), path);
        QVERIFY(o["files"].toArray().contains(QJsonValue("failure-groups.json")));
        QVERIFY(o["files"].toArray().contains(QJsonValue("slowlog.json")));
        QVERIFY(o["problems"].toArray().isEmpty());
        const auto untar = runProcess("tar", {"-xzf", path, "-C", dir.path()});
        QCOMPARE(untar.exitCode, 0);
        const auto grep = runProcess("grep", {"-rl", "cli-s3cret", dir.path()});
        QCOMPARE(grep.exitCode, 1); // found nowhere (the archive itself is compressed)
        const auto listed = runProcess("grep", {"-rl", "ChargeJob", dir.path()});
        QVERIFY2(listed.out.contains("failure-groups.json"), qPrintable(listed.out));
        QCOMPARE(cli({"snapshot", "--since", "tomorrow"}).exitCode, 1);
    }

    // metrics: Sidekiq 8's per-minute counters and histogram (keys spelled here with QDateTime, as
    // tracking.rb's strftime writes them), and a plain "none" on a Sidekiq 6 deployment.
    void metricsReadSidekiq8Counters()
    {
        auto r = cli({"metrics"});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("Sidekiq writes them from 7.0 on"), qPrintable(r.err));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QString minute
            = "j|" + now.toString("yyMMdd") + "|" + QString::number(now.time().hour()) + ":" + now.toString("mm");
        m_server->cli({"HINCRBY", minute, "HardJob|p", "12"});
        m_server->cli({"HINCRBY", minute, "HardJob|f", "2"});
        m_server->cli({"HINCRBY", minute, "HardJob|ms", "5000"});
        const QString gram = "h|HardJob-" + QString::number(now.date().day()) + "-" + QString::number(now.time().hour())
            + ":" + QString::number(now.time().minute());
        m_server->cli({"BITFIELD", gram, "OVERFLOW", "SAT", "INCRBY", "u16", "#8", "10"});
        r = cli({"--json", "metrics", "--period", "2h"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = json(r).object();
        QCOMPARE(o["format"].toString(), QString("8"));
        const QJsonObject hard = o["classes"].toArray().first().toObject();
        QCOMPARE(hard["class"].toString(), QString("HardJob"));
        QCOMPARE(hard["processed"].toInteger(), 12);
        QCOMPARE(hard["mean_ms"].toDouble(), 500.0);
        QCOMPARE(hard["series"].toArray().size(), 120);
        r = cli({"metrics", "--class", "HardJob"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QRegularExpression("HardJob +12 +2 +500.0 ms +5.00 s")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression("< 500ms +10")), qPrintable(r.out));
        QCOMPARE(cli({"metrics", "--period", "100h"}).exitCode, 1);
    }

    void mutualTls()
    {
        QTemporaryDir dir;
        const TlsFiles tls = TlsFiles::generate(dir.path());
        RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &tls;
        o.requireClientCert = true;
        RedisServer server(o);
        const QString program = qEnvironmentVariable("KIQDESK_CLI");
        const auto ok = runProcess(program,
            {"-p", QString::number(server.port()), "--tls", "--cacert", tls.caCert, "--cert", tls.clientCert, "--key",
                tls.clientKey, "--json", "stats"});
        QCOMPARE(ok.exitCode, 0);
        const auto noCert
            = runProcess(program, {"-p", QString::number(server.port()), "--tls", "--cacert", tls.caCert, "stats"});
        QCOMPARE(noCert.exitCode, 2);
        QVERIFY2(noCert.err.contains("client certificate"), qPrintable(noCert.err));
        const auto wrongCa = runProcess(program,
            {"-p", QString::number(server.port()), "--tls", "--cacert", tls.otherCaCert, "--cert", tls.clientCert,
                "--key", tls.clientKey, "stats"});
        QCOMPARE(wrongCa.exitCode, 2);
        QVERIFY(wrongCa.err.contains("trusted CA"));

        // An encrypted key: its passphrase comes from KIQDESK_KEY_PASSPHRASE; without it, or with a wrong
        // one, the CLI says so at once instead of waiting on OpenSSL's terminal prompt.
        const QString encrypted = dir.filePath("client-encrypted.key");
        QCOMPARE(runProcess("openssl",
                     {"pkey", "-in", tls.clientKey, "-aes256", "-passout", "pass:cli key pass", "-out", encrypted})
                     .exitCode,
            0);
        const QStringList withEncryptedKey {"-p", QString::number(server.port()), "--tls", "--cacert", tls.caCert,
            "--cert", tls.clientCert, "--key", encrypted, "--json", "stats"};
        qunsetenv("KIQDESK_KEY_PASSPHRASE");
        const auto missing = runProcess(program, withEncryptedKey, 10000);
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains("is encrypted: give its passphrase"), qPrintable(missing.err));
        qputenv("KIQDESK_KEY_PASSPHRASE", "not-the-pass-4711");
        const auto wrong = runProcess(program, withEncryptedKey, 10000);
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("wrong passphrase for the client key"), qPrintable(wrong.err));
        QVERIFY(!wrong.err.contains("4711") && !wrong.out.contains("4711"));
        qputenv("KIQDESK_KEY_PASSPHRASE", "cli key pass");
        const auto right = runProcess(program, withEncryptedKey, 10000);
        qunsetenv("KIQDESK_KEY_PASSPHRASE");
        QVERIFY2(right.exitCode == 0, qPrintable(right.err));
        QVERIFY(json(right).isObject());
    }

    // The desktop app's gate and the CLI append to one chain; list, verify and export read it, and
    // verify names a deleted entry with a non-zero exit.
    void trailChainsAppAndCliWrites()
    {
        seedDead(2, "HardJob");
        const auto options = optionsFor(*m_server);
        {
            kiq::redis::Client client(options);
            kiq::write::WriteGate gate("Billing");
            kiq::write::AuditTrail trail(options, m_home.filePath("app-audit.jsonl").toStdString());
            gate.addAuditSink([&](const kiq::write::AuditEntry& e) { trail.append(e); });
            gate.perform({"pause", "queue:default", 1, {}, {}}, [] { return kiq::write::WriteOutcome {1, {}, 0}; });
        }
        const QString jid = QString("%1").arg(1, 24, 16, QChar('0'));
        const auto retried = cli({"jobs", "retry", "--set", "dead", "--jid", jid, "--yes"});
        QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        QVERIFY2(!retried.err.contains("audit"), qPrintable(retried.err));

        const auto listed = cli({"--json", "trail", "list"});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray rows = json(listed).array();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0]["action"].toString(), QString("retry"));
        QCOMPARE(rows[0]["jids"].toString(), jid);
        QCOMPARE(rows[0]["done"].toString(), QString("1"));
        QCOMPARE(rows[1]["action"].toString(), QString("pause"));
        QCOMPARE(rows[0]["prev"].toString(), rows[1]["hash"].toString());
        QCOMPARE(cli({"--json", "trail", "list", "--action", "pause"}).out.count("\"pause\""), 1);
        QVERIFY(cli({"trail", "list", "--since", "1h"}).out.contains("retry"));

        const auto verified = cli({"trail", "verify"});
        QVERIFY2(verified.exitCode == 0, qPrintable(verified.out + verified.err));
        QVERIFY2(verified.out.contains("2 entries, chain intact"), qPrintable(verified.out));

        const QString file = m_home.filePath("export.jsonl");
        QCOMPARE(cli({"trail", "export", "--output", file}).exitCode, 0);
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const auto lines = exported.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object()["id"].toString(), rows[0]["id"].toString());

        // The pause entry, deleted: the retry entry after it no longer chains.
        m_server->cli({"XDEL", "kiqdesk:audit", rows[1]["id"].toString()});
        const auto broken = cli({"trail", "verify"});
        QCOMPARE(broken.exitCode, 6);
        QVERIFY2(broken.out.contains(rows[0]["id"].toString()) && broken.out.contains("XDEL"), qPrintable(broken.out));
    }

    // The profile's cap is the one the CLI trims the shared stream to (about: MAXLEN ~ drops whole
    // stream nodes of 100 entries), and the chain still verifies after the trim.
    void trailKeepsAboutTheProfilesCap()
    {
        seedDead(1, "HardJob");
        auto p = profileHere("Capped", kiq::deployment::Environment::Development);
        p.auditMaxLen = 100;
        saveProfiles({p});
        fillAuditStream(optionsFor(*m_server), m_home.filePath("app-audit.jsonl"), 300);
        QCOMPARE(m_server->cli({"XLEN", "kiqdesk:audit"}), QString("300"));
        const auto retried = cliBare({"--profile", "Capped", "jobs", "retry", "--set", "dead", "--jid",
            QString("%1").arg(0, 24, 16, QChar('0')), "--yes"});
        QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        const int length = m_server->cli({"XLEN", "kiqdesk:audit"}).toInt();
        QVERIFY2(length >= 100 && length <= 201, qPrintable(QString::number(length)));
        const auto verified = cliBare({"--profile", "Capped", "trail", "verify"});
        QVERIFY2(verified.exitCode == 0, qPrintable(verified.out + verified.err));
        QVERIFY2(verified.out.contains("chain intact"), qPrintable(verified.out));
    }

    // profiles list|export|import over the app's saved profiles: no secret in the file, an import shows
    // what it changes and saves only with --yes, a second import has nothing to do, a bad file is refused.
    void profilesListExportImport()
    {
        auto billing = profileHere("Billing", kiq::deployment::Environment::Production);
        billing.source(kiq::credentials::Secret::Password)
            = {kiq::credentials::SourceKind::Helper, {"pass", "show", "redis/billing"}};
        billing.options.password = "never-Exported-9";
        saveProfiles({billing, profileHere("Dev", kiq::deployment::Environment::Development)});
        const auto listed = cliBare({"profiles", "list"});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(listed.out.contains("Billing") && listed.out.contains("production") && listed.out.contains("read-only")
                && listed.out.contains("helper: pass show redis/billing"),
            qPrintable(listed.out));
        QCOMPARE(json(cliBare({"--json", "profiles", "list"})).array().size(), 2);

        const QString file = m_home.filePath("team.json");
        QCOMPARE(cliBare({"profiles", "export", "-o", file, "Billing"}).exitCode, 0);
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QByteArray bytes = exported.readAll();
        exported.close();
        QVERIFY(!bytes.contains("never-Exported-9"));
        auto incoming = kiq::storage::readProfilesFile(bytes).profiles;
        QCOMPARE(incoming.size(), 1);
        QCOMPARE(cliBare({"profiles", "export", "Nope"}).exitCode, 5);

        incoming[0].options.endpoint.port = 6390;
        incoming << profileHere("Staging", kiq::deployment::Environment::Staging);
        QVERIFY(exported.open(QIODevice::WriteOnly | QIODevice::Truncate));
        exported.write(kiq::storage::writeProfilesFile(incoming));
        exported.close();
        const auto asked = cliBare({"profiles", "import", file});
        QCOMPARE(asked.exitCode, 1);
        QVERIFY2(asked.err.contains("~ Billing (changed: port)") && asked.err.contains("+ Staging (new)")
                && asked.err.contains("Pass --yes"),
            qPrintable(asked.err));
        QCOMPARE(json(cliBare({"--json", "profiles", "list"})).array().size(), 2);
        const auto imported = cliBare({"profiles", "import", file, "--yes"});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        QSettings settings(m_home.filePath("Kiqdesk/kiqdesk.conf"), QSettings::IniFormat);
        const auto saved = kiq::storage::ProfileStore(settings).load();
        QCOMPARE(saved.size(), 3);
        QCOMPARE(saved[0].options.endpoint.port, 6390);
        QCOMPARE(
            saved[0].source(kiq::credentials::Secret::Password).helper.join(' '), QString("pass show redis/billing"));
        const auto again = cliBare({"profiles", "import", file});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.err.contains("nothing to import"), qPrintable(again.err));

        QVERIFY(exported.open(QIODevice::WriteOnly | QIODevice::Truncate));
        exported.write("{\"kiqdesk_profiles\": 3}");
        exported.close();
        const auto newer = cliBare({"profiles", "import", file, "--yes"});
        QCOMPARE(newer.exitCode, 1);
        QVERIFY2(newer.err.contains("newer Kiqdesk"), qPrintable(newer.err));
    }

    // A user who may not write the stream still writes; the entry goes to a 0600 local file, the CLI
    // says so, and the password is nowhere in it.
    void trailFallsBackToALocalFile()
    {
        seedDead(1, "HardJob");
        m_server->cli({"ACL", "SETUSER", "ops", "reset", "on", ">ops-Secret-881", "~*", "&*", "+@all", "-xadd"});
        qputenv("REDISCLI_AUTH", "ops-Secret-881");
        auto reset = qScopeGuard([] { qputenv("REDISCLI_AUTH", ""); });
        const QString jid = QString("%1").arg(0, 24, 16, QChar('0'));
        const auto retried = cli({"--user", "ops", "jobs", "retry", "--set", "dead", "--jid", jid, "--yes"});
        QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("1"));
        QCOMPARE(m_server->cli({"EXISTS", "kiqdesk:audit"}), QString("0"));
        QVERIFY2(
            retried.err.contains("warning: audit stream not writable (") && retried.err.contains("entries kept in "),
            qPrintable(retried.err));

        // Where the desktop app keeps its data (XDG_DATA_HOME is the test's home), named after the server.
        const QString path = retried.err.section("entries kept in ", 1).section(QChar('\n'), 0, 0).trimmed();
        QVERIFY2(path.startsWith(m_home.filePath("Kiqdesk/kiqdesk/audit/")), qPrintable(path));
        const QFileInfo info(path);
        QCOMPARE(
            int(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)), 0);
        QVERIFY(info.permissions() & QFile::WriteOwner);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(!text.contains("ops-Secret-881"));
        QCOMPARE(QJsonDocument::fromJson(text.trimmed()).object()["acl_user"].toString(), QString("ops"));
        QVERIFY(!retried.err.contains("ops-Secret-881"));

        const auto local = cli({"--user", "ops", "--json", "trail", "list", "--local"});
        QCOMPARE(local.exitCode, 0);
        QCOMPARE(json(local).array().size(), 1);
        QCOMPARE(cli({"--user", "ops", "trail", "verify", "--local"}).exitCode, 0);
        m_server->cli({"ACL", "DELUSER", "ops"});
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
