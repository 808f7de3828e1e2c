// ProcessRecord: heartbeat hashes from 6.4.1 (captured) and 7.x/8.x (built from docs/sidekiq-data-model.md §6).

#include "sidekiq/model/ProcessRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QTest>

using namespace kiq::sidekiq;

class TestProcessRecord : public QObject {
    Q_OBJECT

private slots:
    void sidekiq641Heartbeat();
    void sidekiq702WeightsMap();
    void sidekiq81Capsules();
    void hashConcurrencyWinsOverInfo();
    void malformedInfo();
    void rubyNumberConversions();
};

namespace {
ProcessFields fields641()
{
    ProcessFields f;
    f.identity = std::string(fixtures641::kProcessIdentity);
    f.info = std::string(fixtures641::kProcess_info);
    f.busy = std::string(fixtures641::kProcess_busy);
    f.beat = std::string(fixtures641::kProcess_beat);
    f.quiet = std::string(fixtures641::kProcess_quiet);
    f.rss = std::string(fixtures641::kProcess_rss);
    f.rttUs = std::string(fixtures641::kProcess_rtt_us);
    return f;
}
} // namespace

void TestProcessRecord::sidekiq641Heartbeat()
{
    const ProcessRecord p = ProcessRecord::parse(fields641());
    QVERIFY2(p.ok(), p.parseError.c_str());
    QCOMPARE(p.identity, std::string("vm:4994:9daa76d8cf82"));
    QCOMPARE(p.hostname, std::string("vm"));
    QCOMPARE(p.pid, std::int64_t(4994));
    QCOMPARE(p.tag, std::string("mytag"));
    QCOMPARE(p.concurrency, std::optional<std::int64_t>(3));
    // -q default,2 -q critical,3 -q low: info lists the deduplicated names, no weights in 6.4.
    QCOMPARE(p.queues, (std::vector<std::string> {"default", "critical", "low"}));
    QVERIFY(p.weights.empty());
    QVERIFY(p.labels.empty());
    QVERIFY(p.version.empty());
    QCOMPARE(p.versionLabel(), std::string("6.x or older"));
    QVERIFY(!p.embedded);
    QCOMPARE(*p.startedAt, 1795435956.8338947);
    QCOMPARE(*p.beat, 1795435971.8599043);
    QCOMPARE(p.busy, std::int64_t(1));
    QCOMPARE(p.quiet, false);
    QCOMPARE(p.rssKb, std::int64_t(31340));
    QCOMPARE(p.rttUs, std::optional<std::int64_t>(290));
    QVERIFY(!p.isStale(1795435971.8599043 + 30));
    QVERIFY(p.isStale(1795435971.8599043 + 61));
    QVERIFY(!p.isStale(1795435971.8599043 + 61, 120));
}

void TestProcessRecord::sidekiq702WeightsMap()
{
    // 7.0.2: version, and weights as one {queue: count} map.
    ProcessFields f;
    f.identity = "h:1:abc";
    f.info = R"({"hostname":"h","started_at":1.5,"pid":1,"tag":"","concurrency":5,"queues":["a","b"],)"
             R"("weights":{"a":2,"b":1},"labels":["l1"],"identity":"h:1:abc","version":"7.0.2"})";
    f.quiet = "true";
    const ProcessRecord p = ProcessRecord::parse(f);
    QVERIFY2(p.ok(), p.parseError.c_str());
    QCOMPARE(p.versionLabel(), std::string("7.0.2"));
    QCOMPARE(p.weights.size(), std::size_t(1));
    QCOMPARE(p.weights[0], (std::vector<QueueWeight> {{"a", 2}, {"b", 1}}));
    QCOMPARE(p.labels, std::vector<std::string> {"l1"});
    QCOMPARE(p.quiet, true);
    QVERIFY(!p.beat);
    QVERIFY(p.isStale(2.0)); // no beat at all
}

void TestProcessRecord::sidekiq81Capsules()
{
    // 7.0.3+: weights is an array of per-capsule maps, embedded; 8.0.9+: capsules;
    // 8.1.2+: concurrency moved from info to a hash field.
    ProcessFields f;
    f.identity = "web-1:77:0123456789ab";
    f.info = R"({"hostname":"web-1","started_at":1717171717.5,"pid":77,"tag":"app","queues":["critical","default"],)"
             R"("weights":[{"critical":0,"default":0},{"low":3}],"labels":[],"identity":"web-1:77:0123456789ab",)"
             R"("version":"8.1.7","embedded":true,)"
             R"("capsules":{"default":{"concurrency":5,"mode":"strict","weights":{"critical":0,"default":0}},)"
             R"("low":{"concurrency":2,"mode":"weighted","weights":{"low":3}}}})";
    f.concurrency = "7";
    f.busy = "2";
    f.beat = "1717171800.25";
    const ProcessRecord p = ProcessRecord::parse(f);
    QVERIFY2(p.ok(), p.parseError.c_str());
    QCOMPARE(p.concurrency, std::optional<std::int64_t>(7));
    QCOMPARE(p.embedded, std::optional<bool>(true));
    QCOMPARE(p.weights.size(), std::size_t(2));
    QCOMPARE(p.weights[1], (std::vector<QueueWeight> {{"low", 3}}));
    QCOMPARE(p.capsules.size(), std::size_t(2));
    QCOMPARE(p.capsules[1].name, std::string("low"));
    QCOMPARE(p.capsules[1].concurrency, std::int64_t(2));
    QCOMPARE(p.capsules[1].mode, std::string("weighted"));
    QCOMPARE(p.capsules[0].weights, (std::vector<QueueWeight> {{"critical", 0}, {"default", 0}}));
    QCOMPARE(*p.beat, 1717171800.25);
    QCOMPARE(p.busy, std::int64_t(2));
}

void TestProcessRecord::hashConcurrencyWinsOverInfo()
{
    ProcessFields f = fields641();
    f.concurrency = "10";
    QCOMPARE(ProcessRecord::parse(f).concurrency, std::optional<std::int64_t>(10));
}

void TestProcessRecord::malformedInfo()
{
    ProcessFields missing;
    missing.identity = "gone:1:x";
    missing.beat = "100.0";
    const ProcessRecord expired = ProcessRecord::parse(missing);
    QVERIFY(!expired.ok());
    QVERIFY(expired.parseError.find("no 'info'") != std::string::npos);
    QCOMPARE(expired.identity, std::string("gone:1:x"));
    QCOMPARE(*expired.beat, 100.0);

    ProcessFields broken = fields641();
    broken.info = R"({"hostname":"vm","pid":)";
    const ProcessRecord b = ProcessRecord::parse(broken);
    QCOMPARE(b.parseError, std::string("info: invalid JSON at byte 23: unexpected end of input, expected a value"));
    QCOMPARE(b.busy, std::int64_t(1)); // the other fields are still read

    ProcessFields array = fields641();
    array.info = "[]";
    QCOMPARE(ProcessRecord::parse(array).parseError, std::string("info is an array, expected an object"));

    ProcessFields types = fields641();
    types.info = R"({"hostname":7,"pid":"12","queues":"default","weights":5,"embedded":"yes","tag":"t"})";
    const ProcessRecord t = ProcessRecord::parse(types);
    QCOMPARE(t.parseError,
        std::string("info field 'hostname' is a number, expected a string; "
                    "info field 'pid' is a string, expected an integer; "
                    "info field 'queues' is a string, expected an array; "
                    "info field 'weights' is a number, expected an array or an object; "
                    "info field 'embedded' is a string, expected a boolean"));
    QCOMPARE(t.tag, std::string("t"));

    ProcessFields badUtf8 = fields641();
    badUtf8.info = "{\"hostname\":\"\xFF\"}";
    QVERIFY(ProcessRecord::parse(badUtf8).parseError.starts_with("info: invalid UTF-8"));
}

void TestProcessRecord::rubyNumberConversions()
{
    QCOMPARE(rubyToI("42"), std::int64_t(42));
    QCOMPARE(rubyToI(" 42abc"), std::int64_t(42));
    QCOMPARE(rubyToI("-3"), std::int64_t(-3));
    QCOMPARE(rubyToI("abc"), std::int64_t(0));
    QCOMPARE(rubyToI(""), std::int64_t(0));
    QCOMPARE(rubyToF("1795435971.8599043"), 1795435971.8599043);
    QCOMPARE(rubyToF("1.5e3x"), 1500.0);
    QCOMPARE(rubyToF("nope"), 0.0);
    ProcessFields f = fields641();
    f.busy = "lots";
    f.rss = "";
    const ProcessRecord p = ProcessRecord::parse(f);
    QCOMPARE(p.busy, std::int64_t(0));
    QCOMPARE(p.rssKb, std::int64_t(0));
}

QTEST_APPLESS_MAIN(TestProcessRecord)
#include "tst_processrecord.moc"
