// WorkRecord: in-progress entries (`<identity>:workers` ≤ 6.4.1, `<identity>:work` 6.4.2+).

#include "sidekiq/model/WorkRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QTest>

using namespace kiq::sidekiq;

class TestWorkRecord : public QObject {
    Q_OBJECT

private slots:
    void sidekiq641StringPayload();
    void objectPayloadIsAccepted();
    void sidekiq8PayloadInsideWork();
    void malformedEntries();
};

void TestWorkRecord::sidekiq641StringPayload()
{
    // processor.rb `stats` stores the fetched job string, so payload is a JSON string.
    const WorkRecord w = WorkRecord::parse(std::string(fixtures641::kWorkersThreadId), fixtures641::kWorkersValue);
    QVERIFY2(w.ok(), w.parseError.c_str());
    QCOMPARE(w.threadId, std::string("4fm"));
    QCOMPARE(w.queue, std::string("default"));
    QCOMPARE(w.runAt, std::optional<std::int64_t>(1795435956));
    QCOMPARE(w.payloadForm, WorkRecord::PayloadForm::String);
    QVERIFY2(w.payload.ok(), w.payload.parseError.c_str());
    QCOMPARE(w.payload.className, std::string("SlowJob"));
    QCOMPARE(w.payload.jid, std::string("f74fe1e18519ea6000cab586"));
    QCOMPARE(w.payload.argsJson(), std::string_view("[20]"));
    // The payload's raw is the job string exactly as it was in the queue.
    QCOMPARE(w.payload.raw,
        std::string(R"({"retry":true,"queue":"default","args":[20],"class":"SlowJob","jid":"f74fe1e18519ea6000cab586",)"
                    R"("created_at":1795435956.4164996,"enqueued_at":1795435956.4166708})"));
}

void TestWorkRecord::objectPayloadIsAccepted()
{
    const std::string value = R"({"queue":"q","payload":{"class":"A","args":[1, 2],"jid":"j"},"run_at":1700000000})";
    const WorkRecord w = WorkRecord::parse("t1", value);
    QVERIFY2(w.ok(), w.parseError.c_str());
    QCOMPARE(w.payloadForm, WorkRecord::PayloadForm::Object);
    QCOMPARE(w.payload.raw, std::string(R"({"class":"A","args":[1, 2],"jid":"j"})"));
    QCOMPARE(w.payload.argsDisplay, std::string("1, 2"));
    QCOMPARE(w.runAt, std::optional<std::int64_t>(1700000000));
}

void TestWorkRecord::sidekiq8PayloadInsideWork()
{
    // 7.x/8.x keep the same entry shape; the job inside may use 8.x ms timestamps.
    const std::string value
        = R"({"queue":"default","payload":"{\"retry\":true,\"queue\":\"default\",\"class\":\"A\",\"args\":[],)"
          R"(\"jid\":\"j\",\"created_at\":1717171717125,\"enqueued_at\":1717171717126}","run_at":1717171718})";
    const WorkRecord w = WorkRecord::parse("abc", value);
    QVERIFY2(w.ok(), w.parseError.c_str());
    QVERIFY(w.payload.ok());
    QCOMPARE(w.payload.enqueuedAt->unit(), Timestamp::Unit::Milliseconds);
}

void TestWorkRecord::malformedEntries()
{
    const WorkRecord notJson = WorkRecord::parse("t", "{\"queue\":\"q\",");
    QVERIFY(notJson.parseError.starts_with("work entry: invalid JSON at byte 13"));
    QCOMPARE(notJson.queue, std::string("q"));
    QCOMPARE(notJson.payloadForm, WorkRecord::PayloadForm::Missing);

    const WorkRecord noPayload = WorkRecord::parse("t", R"({"queue":"q","run_at":5})");
    QCOMPARE(noPayload.parseError, std::string("work entry has no 'payload'"));

    const WorkRecord wrong = WorkRecord::parse("t", R"({"queue":1,"payload":[],"run_at":"x"})");
    QCOMPARE(wrong.parseError,
        std::string("work field 'queue' is a number, expected a string; "
                    "work field 'payload' is an array, expected a string or an object; "
                    "work field 'run_at' is a string, expected a number; "
                    "work entry has no 'payload'"));

    // The entry is fine but the job string inside is not: reported on the payload, raw kept.
    const WorkRecord badJob = WorkRecord::parse("t", R"({"queue":"q","payload":"{\"class\":","run_at":1})");
    QVERIFY(badJob.ok());
    QCOMPARE(badJob.payload.raw, std::string(R"({"class":)"));
    QVERIFY(badJob.payload.parseError.starts_with("invalid JSON at byte 9"));

    QCOMPARE(WorkRecord::parse("t", "[]").parseError, std::string("work entry is an array, expected an object"));
}

QTEST_APPLESS_MAIN(TestWorkRecord)
#include "tst_workrecord.moc"
