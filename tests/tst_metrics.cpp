// Sidekiq ≥ 7's job metrics (sidekiq/api/Metrics.h, docs/sidekiq-data-model.md §15), from fixtures written
// at test time in the exact key names and byte layouts of tracking.rb, shared.rb and deploy.rb (the keys
// are spelled out here, not built with the code under test).
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "sidekiq/api/Metrics.h"

#include <QTest>

#include <ctime>

using namespace kiq::sidekiq;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::test::RedisServer;

namespace {
double utc(int y, int mo, int d, int h, int mi, int s)
{
    std::tm tm {};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return double(timegm(&tm));
}
const double kNow = utc(2025, 2, 14, 8, 3, 30); // Friday 14 February 2025, 08:03:30 UTC
} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Client> m_client;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }
    void counts(const std::string& key, const std::string& jobClass, long long p, long long f, long long ms)
    {
        run({"HINCRBY", key, jobClass + "|p", std::to_string(p)});
        if (f) run({"HINCRBY", key, jobClass + "|f", std::to_string(f)});
        if (ms) run({"HINCRBY", key, jobClass + "|ms", std::to_string(ms)});
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<Client>(kiq::test::optionsFor(*m_server));
    }
    void init() { run({"FLUSHALL"}); }

    void keysAreSidekiqs()
    {
        QCOMPARE(minuteKey(MetricsFormat::V8, kNow), std::string("j|250214|8:03"));
        QCOMPARE(tenMinuteKey(kNow), std::string("j|250214|8:0"));
        QCOMPARE(minuteKey(MetricsFormat::V7, kNow), std::string("j|20250214|8:3"));
        QCOMPARE(histogramKey(MetricsFormat::V8, "HardJob", kNow), std::string("h|HardJob-14-8:3"));
        QCOMPARE(histogramKey(MetricsFormat::V7, "HardJob", kNow), std::string("HardJob-14-08:3"));
        QCOMPARE(marksKey(kNow), std::string("20250214-marks"));
        const double later = utc(2025, 12, 5, 13, 47, 0);
        QCOMPARE(minuteKey(MetricsFormat::V8, later), std::string("j|251205|13:47"));
        QCOMPARE(tenMinuteKey(later), std::string("j|251205|13:4"));
        QCOMPARE(minuteKey(MetricsFormat::V7, later), std::string("j|20251205|13:47"));
        QCOMPARE(histogramKey(MetricsFormat::V8, "A::B", later), std::string("h|A::B-5-13:47"));
        QCOMPARE(histogramKey(MetricsFormat::V7, "A::B", later), std::string("A::B-05-13:47"));
    }

    void readsSidekiq8MinutesHistogramsAndMarks()
    {
        counts("j|250214|8:03", "HardJob", 10, 2, 4000);
        counts("j|250214|8:03", "EasyJob", 5, 0, 50);
        counts("j|250214|8:01", "HardJob", 4, 0, 400);
        counts("j|250214|6:59", "HardJob", 100, 0, 1); // outside the hour
        // histogram.rb's persist: 3 runs in bucket 7 (225–335 ms), 1 "Slow"; big-endian u16 counters.
        run({"BITFIELD", "h|HardJob-14-8:3", "OVERFLOW", "SAT", "INCRBY", "u16", "#7", "3", "INCRBY", "u16", "#25",
            "1"});
        const std::string raw = m_client->command(Command("GET").key("h|HardJob-14-8:3")).asString();
        QCOMPARE(raw.size(), std::size_t(52)); // 26 counters of 2 bytes
        QCOMPARE(int(static_cast<unsigned char>(raw[14])), 0);
        QCOMPARE(int(static_cast<unsigned char>(raw[15])), 3);
        QCOMPARE(int(static_cast<unsigned char>(raw[51])), 1);
        run({"HSET", "20250214-marks", "2025-02-14T07:30:00Z", "abc1234 Faster charges", "2025-02-14T06:00:00Z",
            "old deploy"});

        const MetricsResult r = readMetrics(*m_client, {3600, {}, true}, kNow);
        QVERIFY(r.format == MetricsFormat::V8);
        QCOMPARE(r.bucketSeconds, 60);
        QCOMPARE(r.classes.size(), std::size_t(2));
        const ClassMetrics& hard = r.classes[0];
        QCOMPARE(hard.jobClass, std::string("HardJob"));
        QCOMPARE(hard.processed, 14LL);
        QCOMPARE(hard.failed, 2LL);
        QCOMPARE(hard.milliseconds, 4400LL);
        QCOMPARE(hard.meanMilliseconds(), 4400.0 / 12);
        QCOMPARE(hard.series.size(), std::size_t(60));
        QCOMPARE(hard.series.back().processed, 10LL);
        QCOMPARE(hard.series.back().time, utc(2025, 2, 14, 8, 3, 0));
        QCOMPARE(hard.series[hard.series.size() - 3].processed, 4LL);
        QCOMPARE(hard.histogram[7], 3LL);
        QCOMPARE(hard.histogram[25], 1LL);
        QCOMPARE(r.classes[1].histogram[7], 0LL);
        QCOMPARE(r.marks.size(), std::size_t(1));
        QCOMPARE(r.marks[0].label, std::string("abc1234 Faster charges"));
        QCOMPARE(r.marks[0].time, utc(2025, 2, 14, 7, 30, 0));

        // One class: the same numbers, the others left out.
        const MetricsResult easy = readMetrics(*m_client, {3600, "EasyJob", false}, kNow);
        QCOMPARE(easy.classes.size(), std::size_t(1));
        QCOMPARE(easy.classes[0].processed, 5LL);
        QCOMPARE(easy.classes[0].meanMilliseconds(), 10.0);
    }

    void longPeriodsUseTenMinuteBucketsOnSidekiq8()
    {
        counts("j|250214|8:0", "HardJob", 7, 1, 600); // 08:00–08:09
        counts("j|250213|9:1", "HardJob", 3, 0, 300); // 13 Feb 09:10–09:19, inside 24 h
        counts("j|250213|7:5", "HardJob", 50, 0, 0); // 13 Feb 07:50, outside
        const MetricsResult r = readMetrics(*m_client, {24 * 3600, {}, false}, kNow);
        QVERIFY(r.format == MetricsFormat::V8);
        QCOMPARE(r.bucketSeconds, 600);
        QCOMPARE(r.classes.size(), std::size_t(1));
        QCOMPARE(r.classes[0].processed, 10LL);
        QCOMPARE(r.classes[0].series.size(), std::size_t(144));
        QVERIFY(!r.truncated);
    }

    void readsSidekiq7AndSaysWhenItKeepsLess()
    {
        counts("j|20250214|8:3", "OldJob", 6, 0, 60);
        counts("j|20250214|8:2", "OldJob", 2, 1, 10);
        run({"BITFIELD", "OldJob-14-08:3", "OVERFLOW", "SAT", "INCRBY", "u16", "#0", "6"});
        MetricsResult r = readMetrics(*m_client, {3600, {}, true}, kNow);
        QVERIFY(r.format == MetricsFormat::V7);
        QCOMPARE(r.classes.size(), std::size_t(1));
        QCOMPARE(r.classes[0].processed, 8LL);
        QCOMPARE(r.classes[0].histogram[0], 6LL);
        QVERIFY(!r.truncated);
        r = readMetrics(*m_client, {24 * 3600, {}, false}, kNow);
        QVERIFY(r.format == MetricsFormat::V7);
        QCOMPARE(r.bucketSeconds, 60); // 7.x keeps minutes only: 8 h of them
        QVERIFY(r.truncated);
        QCOMPARE(r.classes[0].series.size(), std::size_t(480));
    }

    void sidekiq6HasNone()
    {
        run({"SET", "stat:processed", "100"});
        const MetricsResult r = readMetrics(*m_client, {3600, {}, true}, kNow);
        QVERIFY(r.format == MetricsFormat::None);
        QVERIFY(r.classes.empty());
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
