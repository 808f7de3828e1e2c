// The shared audit trail against a real redis-server: writes through a gate become chained entries in
// the deployment's `kiqdesk:audit` stream (under its key prefix), concurrent writers still form one
// chain, a deleted, edited or forged entry is found and located, MAXLEN trimming is not a break, and
// an ACL user who may not write the stream still writes (the entry goes to a 0600 local file, and the
// failure is reported) without the password showing anywhere.
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/model/JobBuilder.h"
#include "write/AuditChain.h"
#include "write/AuditReader.h"
#include "write/AuditTrail.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <set>
#include <sys/stat.h>
#include <thread>

using namespace kiq;
using namespace kiq::sidekiq;

namespace {
const std::string kPassword = "Pa55-audit-secret-91";
const std::string kSecretArg = "s3cret-card-4242";

write::AuditEntry entryFor(const std::string& action, double time)
{
    write::AuditEntry e;
    e.deployment = "Billing";
    e.time = time;
    e.intent = {action, "queue:default", 1, {}, {}};
    e.ok = true;
    e.affected = 1;
    return e;
}

bool containsBreakAt(const write::ChainReport& report, const std::string& id)
{
    for (const auto& b : report.breaks)
        if (b.id == id) return true;
    return false;
}
} // namespace

class TestAuditTrail : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string localFile() const { return m_dir.filePath("audit/Billing.jsonl").toStdString(); }
    QString stream() const { return QString::fromUtf8(write::AuditTrail::kStreamKey); }

    std::string deadJob(redis::Client& client, int i)
    {
        JobBuilder b("ChargeCard", "[\"" + kSecretArg + "\"," + std::to_string(i) + "]");
        b.setJid("jid" + std::to_string(i) + "abcdefabcdefabcdef");
        const std::string json = b.build().json;
        client.command(redis::Command("ZADD").key("dead").arg(1700000000 + i).arg(json)).throwIfError();
        return json;
    }

    std::vector<std::string> streamIds(const QString& key)
    {
        std::vector<std::string> ids;
        const auto reply = m_client->command(redis::Command("XRANGE").arg(key.toStdString()).arg("-").arg("+"));
        for (const auto& r : reply.asArray()) ids.push_back(r.elements.at(0).str);
        return ids;
    }

private slots:
    void initTestCase() { startServer(); }
    void init()
    {
        flushAll();
        QFile::remove(QString::fromStdString(localFile()));
        m_server->cli({"ACL", "DELUSER", "ops"});
    }

    void gateWritesChainedEntriesUnderThePrefix()
    {
        auto options = test::optionsFor(*m_server);
        options.keyPrefix = "billing:";
        redis::Client client(options);
        const std::vector<std::string> jobs {deadJob(client, 0), deadJob(client, 1), deadJob(client, 2)};
        write::WriteGate gate("Billing");
        write::AuditTrail trail(options, localFile());
        gate.addAuditSink([&](const write::AuditEntry& e) { trail.append(e); });

        QCOMPARE(retryNow(client, gate, JobSetKind::Dead, {jobs[0], jobs[1]}).affected, 2LL);
        deleteJobs(client, gate, JobSetKind::Dead, {jobs[2], jobs[0]}); // jobs[0] is gone already
        QVERIFY_THROWS_EXCEPTION(redis::UsageError,
            gate.perform(
                {"pause", "queue:x", 1, {}, {}}, []() -> write::WriteOutcome { throw redis::UsageError("boom"); }));

        QCOMPARE(m_server->cli({"XLEN", "billing:" + stream()}), QString("3"));
        QCOMPARE(m_server->cli({"EXISTS", stream()}), QString("0"));
        const auto records = write::readAuditStream(client);
        QCOMPARE(records.size(), std::size_t(3));
        const auto& retry = records[0];
        QCOMPARE(retry.get("action"), std::string("retry"));
        QCOMPARE(retry.get("target"), std::string("dead"));
        QCOMPARE(retry.get("requested"), std::string("2"));
        QCOMPARE(retry.get("done"), std::string("2"));
        QCOMPARE(retry.get("skipped"), std::string("0"));
        QCOMPARE(retry.get("jids"), std::string("jid0abcdefabcdefabcdef,jid1abcdefabcdefabcdef"));
        QCOMPARE(retry.get("user"), write::osUser());
        QVERIFY(!retry.get("host").empty());
        QCOMPARE(retry.get("acl_user"), std::string("default"));
        QCOMPARE(retry.get("deployment"), std::string("Billing"));
        QCOMPARE(retry.get("outcome"), std::string("ok"));
        QCOMPARE(retry.get("prev"), std::string());
        // Milliseconds with a dot whatever the locale, and read back as the time of the write.
        QVERIFY2(QRegularExpression("^[0-9]+\\.[0-9]{3}$").match(QString::fromStdString(retry.get("time"))).hasMatch(),
            retry.get("time").c_str());
        QVERIFY(std::abs(retry.time() - double(QDateTime::currentMSecsSinceEpoch()) / 1000) < 60);
        QCOMPARE(records[1].get("action"), std::string("delete"));
        QCOMPARE(records[1].get("done"), std::string("1"));
        QCOMPARE(records[1].get("skipped"), std::string("1"));
        QCOMPARE(records[2].get("outcome"), std::string("error"));
        QCOMPARE(records[2].get("error"), std::string("boom"));
        for (const auto& r : records) {
            QVERIFY(r.hashMatches());
            for (const auto& [key, value] : r.fields)
                QVERIFY2(value.find(kSecretArg) == std::string::npos, key.c_str());
        }
        QCOMPARE(records[1].get("prev"), records[0].get("hash"));

        const auto report = write::verifyAuditStream(client);
        QVERIFY2(report.intact(), report.summary().c_str());
        QCOMPARE(report.entries, std::size_t(3));
        QVERIFY(!report.trimmedBefore);
        QCOMPARE(trail.problem(), std::string());
        QVERIFY(!QFile::exists(QString::fromStdString(localFile())));
    }

    // Two desktop apps (or an app and the CLI) writing at once: every entry lands, one chain.
    void concurrentWritersStillChain()
    {
        const auto options = test::optionsFor(*m_server);
        write::AuditTrail trailA(options, localFile()), trailB(options, localFile());
        write::WriteGate gateA("A"), gateB("B");
        gateA.addAuditSink([&](const write::AuditEntry& e) { trailA.append(e); });
        gateB.addAuditSink([&](const write::AuditEntry& e) { trailB.append(e); });
        auto writeMany = [](write::WriteGate& gate) {
            for (int i = 0; i < 200; ++i)
                gate.perform({"pause", "queue:q" + std::to_string(i), 1, {}, {}}, [] {
                    return write::WriteOutcome {1, {}, 0};
                });
        };
        std::thread a(writeMany, std::ref(gateA)), b(writeMany, std::ref(gateB));
        a.join();
        b.join();

        QCOMPARE(m_server->cli({"XLEN", stream()}), QString("400"));
        const auto records = write::readAuditStream(*m_client);
        std::set<std::string> prevs;
        for (const auto& r : records) prevs.insert(r.get("prev"));
        QCOMPARE(prevs.size(), records.size()); // no two entries chained to the same one
        const auto report = write::verifyAuditStream(*m_client);
        QVERIFY2(report.intact(), report.summary().c_str());
        QCOMPARE(report.entries, std::size_t(400));
        QCOMPARE(trailA.problem() + trailB.problem(), std::string());
    }

    void deletedEntryIsLocated()
    {
        write::AuditTrail trail(test::optionsFor(*m_server), localFile());
        for (int i = 0; i < 5; ++i) trail.append(entryFor("retry", 1764680000 + i));
        auto ids = streamIds(stream());
        QCOMPARE(ids.size(), std::size_t(5));
        QCOMPARE(write::verifyAuditStream(*m_client).intact(), true);

        m_server->cli({"XDEL", stream(), QString::fromStdString(ids[2])});
        auto report = write::verifyAuditStream(*m_client);
        QVERIFY(!report.intact());
        QCOMPARE(report.breaks.size(), std::size_t(1));
        QCOMPARE(report.breaks[0].id, ids[3]); // the hole is just before this entry
        QVERIFY2(report.summary().find(ids[3]) != std::string::npos, report.summary().c_str());

        // The newest entry leaves no successor to break; Redis's record of the XDEL still shows it.
        m_server->cli({"DEL", stream()});
        for (int i = 0; i < 3; ++i) trail.append(entryFor("retry", 1764690000 + i));
        ids = streamIds(stream());
        m_server->cli({"XDEL", stream(), QString::fromStdString(ids[2])});
        report = write::verifyAuditStream(*m_client);
        QVERIFY(!report.intact());
        QCOMPARE(report.breaks.size(), std::size_t(1));
        QCOMPARE(report.breaks[0].id, ids[1]);
        QVERIFY2(report.breaks[0].what.find(ids[2]) != std::string::npos, report.breaks[0].what.c_str());
    }

    void forgedAndEditedEntriesAreDetected()
    {
        write::AuditTrail trail(test::optionsFor(*m_server), localFile());
        for (int i = 0; i < 3; ++i) trail.append(entryFor("delete", 1764680000 + i));
        const auto before = write::readAuditStream(*m_client);

        // Forged: added by hand, chained to nothing real.
        const QString forged = m_server->cli({"XADD", stream(), "*", "time", "1764680100.000", "user", "mallory",
            "action", "retry", "outcome", "ok", "prev", QString(64, '0'), "hash", QString(64, 'f')});
        auto report = write::verifyAuditStream(*m_client);
        QVERIFY(containsBreakAt(report, forged.toStdString()));
        QCOMPARE(report.breaks.size(), std::size_t(1));

        // Edited: entry 2 taken out and put back with a smaller count, its own prev and hash kept.
        auto edited = before[1];
        edited.set("done", "0");
        m_server->cli({"XDEL", stream(), QString::fromStdString(edited.id)});
        QStringList args {"XADD", stream(), "*"};
        for (const auto& [key, value] : edited.fields)
            args << QString::fromStdString(key) << QString::fromStdString(value);
        const QString readded = m_server->cli(args);
        report = write::verifyAuditStream(*m_client);
        QVERIFY2(containsBreakAt(report, before[2].id), report.summary().c_str()); // the hole
        QVERIFY2(containsBreakAt(report, readded.toStdString()), report.summary().c_str());
        for (const auto& b : report.breaks)
            if (b.id == readded.toStdString()) QVERIFY2(b.what.find("edited") != std::string::npos, b.what.c_str());

        // Appending goes on after a forgery: the next entry chains to whatever is newest.
        trail.append(entryFor("retry", 1764680200));
        const auto after = write::readAuditStream(*m_client);
        QCOMPARE(after.back().get("prev"), after[after.size() - 2].get("hash"));
    }

    void aclDenialFallsBackToALocalFile()
    {
        m_server->cli(
            {"ACL", "SETUSER", "ops", "on", QString::fromStdString(">" + kPassword), "~*", "&*", "+@all", "-xadd"});
        const auto options = test::optionsFor(m_server->port(), "ops", kPassword);
        redis::Client client(options);
        const std::string job = deadJob(client, 7);
        write::WriteGate gate("Billing");
        write::AuditTrail trail(options, localFile());
        std::vector<std::string> reported;
        trail.setProblemListener([&](const std::string& p) { reported.push_back(p); });
        gate.addAuditSink([&](const write::AuditEntry& e) { trail.append(e); });

        QCOMPARE(retryNow(client, gate, JobSetKind::Dead, {job}).affected, 1LL); // the write stands
        QCOMPARE(m_server->cli({"LLEN", "queue:default"}), QString("1"));
        QCOMPARE(m_server->cli({"EXISTS", stream()}), QString("0"));
        QCOMPARE(reported.size(), std::size_t(1));
        // Redis 7.0 words a refusal inside a script as "ERR The user executing the script can't run…".
        QVERIFY2(reported[0].find("NOPERM") != std::string::npos || reported[0].find("can't run") != std::string::npos,
            reported[0].c_str());
        QVERIFY2(reported[0].rfind("audit stream not writable (", 0) == 0, reported[0].c_str());
        QVERIFY2(reported[0].find(localFile()) != std::string::npos, reported[0].c_str());
        QCOMPARE(trail.problem(), reported[0]);

        struct stat st { };
        QCOMPARE(::stat(localFile().c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        setQueuePaused(client, gate, "default", true); // a second entry, chained in the file
        auto local = write::readAuditFile(localFile());
        QCOMPARE(local.size(), std::size_t(2));
        QCOMPARE(local[0].get("action"), std::string("retry"));
        QCOMPARE(local[0].get("acl_user"), std::string("ops"));
        QCOMPARE(local[0].get("jids"), std::string("jid7abcdefabcdefabcdef"));
        QCOMPARE(local[1].get("action"), std::string("pause"));
        QVERIFY2(write::verifyChain(local).intact(), write::verifyChain(local).summary().c_str());
        QCOMPARE(reported.size(), std::size_t(1)); // reported once, not per entry

        QFile file(QString::fromStdString(localFile()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        file.close();
        QVERIFY(!text.contains(QByteArray::fromStdString(kPassword)));
        QVERIFY(!text.contains(QByteArray::fromStdString(kSecretArg)));
        QVERIFY(trail.problem().find(kPassword) == std::string::npos);

        // The local file is tamper-evident too.
        QByteArray edited = text;
        edited.replace("\"done\":\"1\"", "\"done\":\"9\"");
        QVERIFY(edited != text);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(edited);
        file.close();
        local = write::readAuditFile(localFile());
        const auto report = write::verifyChain(local);
        QVERIFY(!report.intact());
        QCOMPARE(report.breaks.front().id, std::string("local:1"));

        // Once the stream takes entries again, the problem clears.
        m_server->cli({"ACL", "SETUSER", "ops", "+xadd"});
        trail.append(entryFor("resume", 1764680300));
        QCOMPARE(trail.problem(), std::string());
        QCOMPARE(reported.back(), std::string());
        QCOMPARE(m_server->cli({"XLEN", stream()}), QString("1"));
    }

    void maxlenTrimmingKeepsTheChainGreen()
    {
        write::AuditTrail trail(test::optionsFor(*m_server), localFile(), 50);
        for (int i = 0; i < 600; ++i) trail.append(entryFor("retry", 1764680000 + i));
        const long long length = m_server->cli({"XLEN", stream()}).toLongLong();
        QVERIFY2(length >= 50 && length < 600, qPrintable(QString::number(length)));
        const auto report = write::verifyAuditStream(*m_client);
        QVERIFY2(report.intact(), report.summary().c_str());
        QVERIFY(report.trimmedBefore);
        QVERIFY2(
            report.summary().find("chain starts at " + report.firstId) != std::string::npos, report.summary().c_str());
    }

    void listFiltersNewestFirst()
    {
        write::AuditTrail trail(test::optionsFor(*m_server), localFile());
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
        trail.append(entryFor("retry", now - 7200));
        trail.append(entryFor("delete", now - 60));
        trail.append(entryFor("retry", now - 30));
        write::AuditFilter filter;
        filter.action = "retry";
        auto rows = write::listAuditStream(*m_client, filter);
        QCOMPARE(rows.size(), std::size_t(2));
        QVERIFY(rows[0].time() > rows[1].time());
        filter.since = write::parseAuditTime("1h", now);
        QCOMPARE(write::listAuditStream(*m_client, filter).size(), std::size_t(1));
        filter = {};
        filter.user = write::osUser();
        filter.limit = 2;
        rows = write::listAuditStream(*m_client, filter);
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].get("action"), std::string("retry"));
        filter.user = "nobody-else";
        QCOMPARE(write::listAuditStream(*m_client, filter).size(), std::size_t(0));
        QVERIFY(!write::parseAuditTime("soon", now));
        QCOMPARE(*write::parseAuditTime("90s", now), now - 90);
    }

    // One key, so the append script and the reads route to its node.
    void worksOnCluster()
    {
        test::ClusterGroup cluster;
        auto options = test::clusterOptionsFor(cluster);
        options.keyPrefix = "{billing}:";
        write::AuditTrail trail(options, localFile());
        for (int i = 0; i < 5; ++i) QVERIFY(!trail.append(entryFor("retry", 1764680000 + i)).empty());
        QCOMPARE(trail.problem(), std::string());
        redis::Client client(options);
        const auto report = write::verifyAuditStream(client);
        QVERIFY2(report.intact(), report.summary().c_str());
        QCOMPARE(report.entries, std::size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestAuditTrail)
#include "tst_audit_trail.moc"
