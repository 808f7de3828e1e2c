// Job export files (sidekiq/actions/JobTransfer.h) against a real server: byte-exact round trips
// (payloads that are not UTF-8, quotes, newlines, exact scores), a redacted export that masks the
// arguments and cannot be imported, bad lines named by number while the good ones are kept, imports
// into a set (never overwriting a job already there) and into a queue (the first line runs first,
// the job names its new queue), audited, and refused on a read-only deployment.
#include "harness/Fixture.h"
#include "redaction/Redaction.h"
#include "sidekiq/actions/JobTransfer.h"
#include "sidekiq/json/PayloadEditor.h"
#include "write/WriteGate.h"

#include <QTest>

using namespace kiq;
using namespace kiq::sidekiq;

class TestJobTransfer : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    std::vector<std::string> zrangeWithScores(const std::string& key)
    {
        return m_client->command(redis::Command("ZRANGE").key(key).arg(0).arg(-1).arg("WITHSCORES"))
            .throwIfError()
            .asStringList();
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void exportsByteExactAndImportsIntoASet()
    {
        const std::string plain
            = "{\"class\":\"HardJob\",\"args\":[1,\"a \\\"quoted\\\"\\nline\"],\"jid\":\"j1\",\"queue\":\"default\"}";
        const std::string latin1
            = std::string("{\"class\":\"OldJob\",\"args\":[\"caf") + '\xe9' + "\"],\"jid\":\"j2\"}";
        std::string file = transferLine({"dead", 1796385600.123456, plain, false})
            + transferLine({"dead", 1796385601.5, latin1, false});
        QVERIFY(file.find("payload_base64") != std::string::npos); // the Latin-1 byte survives as base64
        QCOMPARE(std::count(file.begin(), file.end(), '\n'), 2L); // one line each, the newline escaped

        const TransferRead read = readTransfer(file);
        QVERIFY(read.errors.empty());
        QCOMPARE(read.jobs.size(), std::size_t(2));
        QCOMPARE(read.jobs[0].payload, plain);
        QCOMPARE(read.jobs[1].payload, latin1);
        QCOMPARE(*read.jobs[0].score, 1796385600.123456);
        QCOMPARE(read.jobs[0].from, std::string("dead"));

        write::WriteGate gate("test");
        std::vector<write::AuditEntry> audit;
        gate.addAuditSink([&audit](const write::AuditEntry& e) { audit.push_back(e); });
        const auto target = TransferTarget::parse("retry");
        QVERIFY(target && target->set == JobSetKind::Retry);
        const ActionResult first = importJobs(*m_client, gate, *target, read.jobs);
        QCOMPARE(first.affected, 2LL);
        const auto members = zrangeWithScores("retry");
        QCOMPARE(members.size(), std::size_t(4));
        QCOMPARE(members[0], plain); // the same bytes, at the same score
        QCOMPARE(std::stod(members[1]), 1796385600.123456);
        QCOMPARE(members[2], latin1);
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].intent.action, std::string("import"));
        QCOMPARE(audit[0].intent.target, std::string("retry"));
        QVERIFY(audit[0].ok);

        // Again: both are there already, so nothing is added and nothing overwritten.
        m_client->command(redis::Command("ZADD").key("retry").arg("XX").arg(5.0).arg(plain)).throwIfError();
        const ActionResult second = importJobs(*m_client, gate, *target, read.jobs);
        QCOMPARE(second.affected, 0LL);
        QCOMPARE(second.missing, 2LL);
        QCOMPARE(std::stod(zrangeWithScores("retry")[1]), 5.0); // the score someone set is kept
    }

    void importsIntoAQueueInFileOrder()
    {
        std::string file;
        for (int i = 0; i < 3; ++i)
            file += transferLine({"queue:mailers", std::nullopt,
                "{\"class\":\"MailJob\",\"args\":[" + std::to_string(i) + "],\"jid\":\"m" + std::to_string(i)
                    + "\",\"queue\":\"mailers\"}",
                false});
        file += "not json\n{\"kiqdesk\":\"other\"}\n\n"
            + transferLine({"queue:mailers", std::nullopt, "[1,2]", false}); // not a job object
        const TransferRead read = readTransfer(file);
        QCOMPARE(read.jobs.size(), std::size_t(4));
        QCOMPARE(read.errors.size(), std::size_t(2));
        QVERIFY2(read.errors[0].rfind("line 4: not JSON", 0) == 0, read.errors[0].c_str());
        QVERIFY2(read.errors[1].rfind("line 5: ", 0) == 0, read.errors[1].c_str());

        write::WriteGate gate("test");
        const ActionResult r = importJobs(*m_client, gate, *TransferTarget::parse("queue:critical"), read.jobs);
        QCOMPARE(r.affected, 3LL);
        QCOMPARE(r.skipped.size(), std::size_t(1));
        QCOMPARE(m_client->command(redis::Command("LLEN").key("queue:critical")).asInteger(), 3LL);
        QVERIFY(m_client->command(redis::Command("SISMEMBER").key("queues").arg("critical")).asInteger() == 1);
        // Workers take from the right: the first line runs first, and knows its queue.
        const std::string next
            = *m_client->command(redis::Command("LINDEX").key("queue:critical").arg(-1)).asOptionalString();
        PayloadEditor job(next);
        QCOMPARE(*job.rawValue("jid"), std::string("\"m0\""));
        QCOMPARE(*job.rawValue("queue"), std::string("\"critical\""));
    }

    void redactedExportsAreForReadingOnly()
    {
        const std::string secret
            = "{\"class\":\"PayJob\",\"args\":[{\"password\":\"hunter2\",\"amount\":5}],\"jid\":\"p1\"}";
        const redaction::Redactor redactor;
        const std::string line = transferLine({"dead", 1.0, secret, false}, &redactor);
        QVERIFY(line.find("hunter2") == std::string::npos);
        QVERIFY(line.find("\"redacted\":true") != std::string::npos);
        const TransferRead read = readTransfer(line);
        QCOMPARE(read.redactedLines, 1LL);

        write::WriteGate gate("test");
        bool refused = false;
        try {
            importJobs(*m_client, gate, *TransferTarget::parse("dead"), read.jobs);
        } catch (const redis::Error& e) {
            refused = e.kind() == redis::ErrorKind::Usage;
        }
        QVERIFY(refused);
        QCOMPARE(m_client->command(redis::Command("ZCARD").key("dead")).asInteger(), 0LL);

        // A read-only deployment refuses an import like any write.
        write::WriteGate readOnly("prod", true);
        const TransferRead plain = readTransfer(transferLine({"dead", 1.0, secret, false}));
        QVERIFY_THROWS_EXCEPTION(
            write::WriteRefused, importJobs(*m_client, readOnly, *TransferTarget::parse("dead"), plain.jobs));
        QCOMPARE(m_client->command(redis::Command("ZCARD").key("dead")).asInteger(), 0LL);
        QVERIFY(!TransferTarget::parse("queue:"));
        QVERIFY(!TransferTarget::parse("graveyard"));
    }
};

QTEST_GUILESS_MAIN(TestJobTransfer)
#include "tst_job_transfer.moc"
