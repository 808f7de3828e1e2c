// The incident snapshot (health/IncidentSnapshot.h, issue 22 item 4) of a real server holding real
// Sidekiq 6.4.1 jobs, failures, a busy process, a slow-log entry and audit entries, each carrying a
// secret: every listed part is in the .tar.gz (read back with libarchive), the window is kept, and the
// secret appears nowhere. A least-privilege user gets the parts it may read and a README that says
// what is missing.
#include "harness/Archive.h"
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "health/IncidentSnapshot.h"
#include "redaction/Redaction.h"
#include "redis/Client.h"
#include "sidekiq/model/Timestamp.h"
#include "write/AuditTrail.h"
#include "write/WriteGate.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::test::RedisServer;

namespace {

const std::string kSecret = "hunter2-s3cret";

double now()
{
    return sidekiq::Timestamp::now().seconds();
}

std::string failedJob(const std::string& cls, int i, double failedAt, const std::string& error)
{
    return "{\"retry\":true,\"queue\":\"default\",\"class\":\"" + cls + "\",\"args\":[{\"user\":" + std::to_string(i)
        + ",\"password\":\"" + kSecret + "\"}],\"jid\":\"j" + cls + std::to_string(i)
        + "\",\"created_at\":" + std::to_string(failedAt - 5) + ",\"error_class\":\"" + error
        + "\",\"error_message\":\"login failed password=" + kSecret + " for user " + std::to_string(i)
        + "\",\"failed_at\":" + std::to_string(failedAt) + ",\"retry_count\":1}";
}

QJsonObject object(const std::string& bytes)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(bytes)).object();
}

} // namespace

class TestIncidentSnapshot : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Client> m_client;
    QTemporaryDir m_dir;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }

    health::IncidentOptions options(std::vector<health::OverviewSample> series = {})
    {
        health::IncidentOptions o;
        o.deployment = "billing eu";
        o.windowSeconds = 3600;
        o.redactor = std::make_shared<const redaction::Redactor>(redaction::RedactionRules {});
        o.series = std::move(series);
        return o;
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<Client>(test::optionsFor(*m_server));
    }

    void holdsEveryPartRedacted()
    {
        run({"FLUSHALL"});
        // Real Sidekiq's jobs, with a secret in their arguments.
        test::runSidekiqRuby(m_server->port(),
            "2.times { |i| EchoJob.perform_async({'password' => '" + QString::fromStdString(kSecret) + "'}) }");
        // Failures in the window (two causes) and one from two days ago, outside it.
        const double t = now();
        for (int i = 0; i < 5; ++i)
            run({"ZADD", "dead", std::to_string(t - 60 - i),
                failedJob("ChargeJob", i, t - 60 - i, "Stripe::AuthError")});
        for (int i = 0; i < 2; ++i)
            run({"ZADD", "retry", std::to_string(t + 30), failedJob("MailJob", i, t - 30, "Net::ReadTimeout")});
        run({"ZADD", "dead", std::to_string(t - 2 * 86400), failedJob("OldJob", 0, t - 2 * 86400, "Ancient")});
        // A process running a job that carries the secret.
        const std::string id = "web-1:4242:abcdef";
        run({"SADD", "processes", id});
        run({"HSET", id, "info",
            "{\"hostname\":\"web-1\",\"pid\":4242,\"identity\":\"" + id
                + "\",\"queues\":[\"default\"],\"concurrency\":5,\"tag\":\"billing\",\"labels\":[],\"started_at\":1}",
            "beat", std::to_string(t), "busy", "1", "rss", "123456"});
        std::string payload = failedJob("SlowJob", 1, t, "None");
        std::string escaped;
        for (char c : payload) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
        run({"HSET", id + ":work", "tid-1",
            "{\"queue\":\"default\",\"payload\":\"" + escaped + "\",\"run_at\":" + std::to_string(long(t)) + "}"});
        // A slow-log entry whose arguments carry the secret.
        run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
        run({"LPUSH", "queue:slow", failedJob("SlowLogged", 1, t, "None")});
        run({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
        // An audit entry, through the real trail.
        {
            write::WriteGate gate("billing eu");
            write::AuditTrail trail(test::optionsFor(*m_server), m_dir.filePath("audit-local.jsonl").toStdString());
            gate.addAuditSink([&](const write::AuditEntry& e) { trail.append(e); });
            gate.record({"reveal", "job arguments", 0, "incident test", {}});
        }

        std::vector<health::OverviewSample> series;
        for (int i = 0; i < 3; ++i) series.push_back({t - 30 + i * 10, 100 + i, 5 + i, 7, 1, 1 << 20, 50});
        health::IncidentSnapshot snapshot = health::collectIncident(*m_client, options(series), t);
        QVERIFY2(snapshot.problems.empty(), snapshot.problems.empty() ? "" : snapshot.problems.front().c_str());
        health::addIncidentFile(snapshot, "charts/throughput.png", "\x89PNG fake");
        const QString path = m_dir.filePath("snapshot.tar.gz");
        QCOMPARE(QString::fromStdString(health::writeIncidentArchive(snapshot, path.toStdString())), QString());
        QCOMPARE(
            QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions {});

        const auto archive = test::readTarGz(path);
        const auto& files = archive.files;
        const std::string& folder = archive.folder;
        QVERIFY2(folder.rfind("kiqdesk-snapshot-billing-eu-", 0) == 0, folder.c_str());
        for (const char* name :
            {"README.txt", "counters.json", "health.json", "series.csv", "daily-history.csv", "failure-groups.json",
                "processes.json", "info.txt", "slowlog.json", "clients.json", "audit.jsonl", "charts/throughput.png"})
            QVERIFY2(files.count(name) == 1, name);
        // The secret is nowhere, while the archive says where it was hidden.
        for (const auto& [name, bytes] : files) QVERIFY2(bytes.find(kSecret) == std::string::npos, name.c_str());
        QVERIFY(files.at("README.txt").find("charts/throughput.png") != std::string::npos);

        QCOMPARE(
            object(files.at("counters.json"))["enqueued"].toInteger(), 2); // Sidekiq's (queue:slow is in no `queues`)
        QCOMPARE(object(files.at("counters.json"))["dead"].toInteger(), 6);
        QCOMPARE(object(files.at("health.json"))["checks"].toArray().isEmpty(), false);
        QCOMPARE(QString::fromStdString(files.at("series.csv")).count('\n'), 4); // header + 3 samples
        // Failure groups: the window's two causes, biggest first, the old one left out; samples redacted.
        const QJsonArray groups = object(files.at("failure-groups.json"))["groups"].toArray();
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups[0].toObject()["error_class"].toString(), QString("Stripe::AuthError"));
        QCOMPARE(groups[0].toObject()["count"].toInteger(), 5);
        QCOMPARE(groups[0].toObject()["samples"].toArray().size(), 3);
        QCOMPARE(groups[1].toObject()["retry"].toInteger(), 2);
        QVERIFY(files.at("failure-groups.json").find("[REDACTED]") != std::string::npos);
        // The process and its busy job; the slow push with its payload masked; the census; the audit entry.
        const QJsonArray processes = object(files.at("processes.json"))["processes"].toArray();
        QCOMPARE(processes.size(), 1);
        QCOMPARE(processes[0].toObject()["jobs"].toArray().size(), 1);
        QVERIFY(files.at("slowlog.json").find("queue:slow") != std::string::npos);
        QVERIFY(files.at("slowlog.json").find("[REDACTED]") != std::string::npos);
        QVERIFY(object(files.at("clients.json"))["total"].toInteger() >= 1);
        QVERIFY(files.at("audit.jsonl").find("incident test") != std::string::npos);
        QVERIFY(files.at("info.txt").find("redis_version:") != std::string::npos);

        // A window that ends before the failures: no groups.
        auto earlier = options();
        earlier.windowSeconds = 10;
        const auto later = health::collectIncident(*m_client, earlier, t + 3600);
        for (const auto& f : later.files)
            if (f.name == "failure-groups.json") QCOMPARE(object(f.bytes)["groups"].toArray().size(), 0);
    }

    void saysWhatALeastPrivilegeUserCouldNotRead()
    {
        run({"ACL", "SETUSER", "snapper", "on", ">pw", "~*", "+@read", "+ping", "+client|setname", "+hello", "-info",
            "-slowlog", "-client|list"});
        auto o = test::optionsFor(m_server->port(), "snapper", "pw");
        Client limited(o);
        const auto snapshot = health::collectIncident(limited, options(), now());
        QVERIFY(snapshot.problems.size() >= 3); // INFO, SLOWLOG, CLIENT LIST
        const std::string& readme = snapshot.files.front().bytes;
        QVERIFY2(readme.find("Not included") != std::string::npos, readme.c_str());
        QVERIFY2(readme.find("SLOWLOG: ") != std::string::npos, readme.c_str());
        bool hasGroups = false;
        for (const auto& f : snapshot.files) hasGroups = hasGroups || f.name == "failure-groups.json";
        QVERIFY(hasGroups);
        run({"ACL", "DELUSER", "snapper"});
    }
};

QTEST_GUILESS_MAIN(TestIncidentSnapshot)
#include "tst_incident_snapshot.moc"
