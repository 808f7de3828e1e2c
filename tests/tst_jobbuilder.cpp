// JobBuilder: new payloads as Sidekiq's client writes them.

#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QTest>

#include <set>

using namespace kiq::sidekiq;

class TestJobBuilder : public QObject {
    Q_OBJECT

private slots:
    void byteIdenticalToSidekiq641Push();
    void defaultsAndRequiredFields();
    void jidsAreRandomLowercaseHex();
    void retryVariants();
    void sidekiq8Milliseconds();
    void scheduledHasNoEnqueuedAt();
    void extrasGoAfterQueue();
    void validation();
};

void TestJobBuilder::byteIdenticalToSidekiq641Push()
{
    // Sidekiq::Client.push("class" => "StringClassJob", "args" => [], "queue" => "low") gave
    // fixtures641::kQueuedStringClassJob; with the same jid and clock we produce the same bytes.
    JobBuilder builder("StringClassJob", "[]");
    builder.setQueue("low")
        .setJid("410736b9d971a3c3d4d6256e")
        .setCreatedAt(Timestamp::fromSeconds(1795436692.1127782))
        .setNow(Timestamp::fromSeconds(1795436692.1128047));
    const JobBuilder::Result built = builder.build();
    QVERIFY2(built.ok(), built.error.c_str());
    QCOMPARE(built.json, std::string(fixtures641::kQueuedStringClassJob));
    QCOMPARE(built.jid, std::string("410736b9d971a3c3d4d6256e"));
}

void TestJobBuilder::defaultsAndRequiredFields()
{
    JobBuilder builder("HardJob", R"([1,"x"])");
    builder.setNow(Timestamp::fromSeconds(1700000000.0));
    const auto built = builder.build();
    QVERIFY(built.ok());
    QCOMPARE(built.json.substr(0, 36), std::string(R"({"retry":true,"queue":"default","cla)"));
    const JobRecord job = JobRecord::parse(built.json);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QVERIFY(job.hasRetryKey);
    QCOMPARE(job.retry.kind, RetryPolicy::Kind::True);
    QCOMPARE(job.queue, std::string("default"));
    QCOMPARE(job.className, std::string("HardJob"));
    QCOMPARE(job.argsJson(), std::string_view(R"([1,"x"])"));
    QCOMPARE(job.jid, built.jid);
    QCOMPARE(job.createdAt->toJson(), std::string("1700000000.0"));
    QCOMPARE(job.enqueuedAt->toJson(), std::string("1700000000.0"));
    QCOMPARE(job.createdAt->unit(), Timestamp::Unit::Seconds);
}

void TestJobBuilder::jidsAreRandomLowercaseHex()
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string jid = JobBuilder::generateJid();
        QCOMPARE(jid.size(), std::size_t(24));
        for (const char c : jid) QVERIFY((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        seen.insert(jid);
    }
    QCOMPARE(seen.size(), std::size_t(1000));
    // build() makes a fresh one each time unless one is set.
    JobBuilder builder("A", "[]");
    QVERIFY(builder.build().jid != builder.build().jid);
}

void TestJobBuilder::retryVariants()
{
    JobBuilder builder("A", "[]");
    builder.setRetry(RetryPolicy::never());
    QVERIFY(builder.build().json.starts_with(R"({"retry":false,)"));
    builder.setRetry(RetryPolicy::times(0));
    QVERIFY(builder.build().json.starts_with(R"({"retry":0,)"));
    // Always write a retry key (docs/sidekiq-data-model.md §4): Default becomes true.
    builder.setRetry(RetryPolicy {});
    QVERIFY(builder.build().json.starts_with(R"({"retry":true,)"));
}

void TestJobBuilder::sidekiq8Milliseconds()
{
    JobBuilder builder("A", "[]");
    builder.setTimestampUnit(Timestamp::Unit::Milliseconds).setNow(Timestamp::fromSeconds(1717171717.125));
    const JobRecord job = JobRecord::parse(builder.build().json);
    QCOMPARE(job.createdAt->unit(), Timestamp::Unit::Milliseconds);
    QCOMPARE(job.createdAt->toJson(), std::string("1717171717125"));
    QCOMPARE(job.enqueuedAt->toJson(), std::string("1717171717125"));
    // Without setNow the clock is read in the chosen unit.
    JobBuilder clock("A", "[]");
    clock.setTimestampUnit(Timestamp::Unit::Milliseconds);
    const JobRecord now = JobRecord::parse(clock.build().json);
    QCOMPARE(now.createdAt->unit(), Timestamp::Unit::Milliseconds);
    QVERIFY(now.createdAt->millis() > std::int64_t(1600000000000));
}

void TestJobBuilder::scheduledHasNoEnqueuedAt()
{
    JobBuilder builder("SlowJob", "[7]");
    builder.setScheduled(true).setJid("49fd3bc62dca967160243ebf").setNow(Timestamp::fromSeconds(1795436692.1124153));
    // Same bytes as SlowJob.perform_in(3600, 7) stored in `schedule` by 6.4.1.
    QCOMPARE(builder.build().json, std::string(fixtures641::kScheduledSlowJob));
}

void TestJobBuilder::extrasGoAfterQueue()
{
    JobBuilder builder("HardJob", R"( [1,"x"] )");
    builder.setExtraRaw("backtrace", "3").setExtraRaw("tags", R"(["t1"])").setExtraString("display_class", "H\"J");
    builder.setJid("j").setNow(Timestamp::fromSeconds(1.5));
    QCOMPARE(builder.build().json,
        std::string(R"({"retry":true,"queue":"default","backtrace":3,"tags":["t1"],"display_class":"H\"J",)"
                    R"("class":"HardJob","args":[1,"x"],"jid":"j","created_at":1.5,"enqueued_at":1.5})"));
    builder.setExtraRaw("backtrace", "true"); // replaces, keeps position
    QVERIFY(builder.build().json.find(R"("queue":"default","backtrace":true,"tags")") != std::string::npos);
}

void TestJobBuilder::validation()
{
    QCOMPARE(JobBuilder("", "[]").build().error, std::string("job class must not be empty"));
    QCOMPARE(JobBuilder("A", R"({"a":1})").build().error, std::string("args is an object, expected an array"));
    QCOMPARE(JobBuilder("A", "[1,").build().error,
        std::string("args: invalid JSON at byte 3: unexpected end of input, expected a value"));
    JobBuilder emptyQueue("A", "[]");
    emptyQueue.setQueue("");
    QCOMPARE(emptyQueue.build().error, std::string("job must include a valid queue name"));
    JobBuilder reserved("A", "[]");
    reserved.setExtraRaw("jid", "\"x\"");
    QVERIFY(reserved.build().error.find("reserved") != std::string::npos);
    JobBuilder badExtra("A", "[]");
    badExtra.setExtraRaw("tags", "[");
    QVERIFY(badExtra.build().error.starts_with("extra field 'tags': invalid JSON"));
    QVERIFY(badExtra.build().json.empty());
    JobBuilder badUtf8("A\xFF", "[]");
    QVERIFY(!badUtf8.build().ok());
}

QTEST_APPLESS_MAIN(TestJobBuilder)
#include "tst_jobbuilder.moc"
