// Timestamp: unit detection from JSON number tokens and Ruby Float#to_s formatting.

#include "sidekiq/model/Timestamp.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace kiq::sidekiq;

class TestTimestamp : public QObject {
    Q_OBJECT

private slots:
    void floatTokensAreSeconds();
    void integerTokensAreMilliseconds();
    void rejectsNonNumbers();
    void rubyFloatFormatting_data();
    void rubyFloatFormatting();
    void nonFiniteFormatting();
    void unitConversion();
};

void TestTimestamp::floatTokensAreSeconds()
{
    const auto t = Timestamp::parse("1795436692.106477");
    QVERIFY(t);
    QCOMPARE(t->unit(), Timestamp::Unit::Seconds);
    QCOMPARE(t->seconds(), 1795436692.106477);
    QCOMPARE(t->millis(), std::int64_t(1795436692106));
    // An exponent also makes it a Float in Ruby (1.5e3 → 1500.0).
    const auto e = Timestamp::parse("1.7e9");
    QVERIFY(e);
    QCOMPARE(e->unit(), Timestamp::Unit::Seconds);
    QCOMPARE(e->seconds(), 1.7e9);
    QCOMPARE(Timestamp::parse("17E8")->unit(), Timestamp::Unit::Seconds);
}

void TestTimestamp::integerTokensAreMilliseconds()
{
    // Sidekiq 8.0 job_util.rb now_in_millis.
    const auto t = Timestamp::parse(" 1717171717125 ");
    QVERIFY(t);
    QCOMPARE(t->unit(), Timestamp::Unit::Milliseconds);
    QCOMPARE(t->millis(), std::int64_t(1717171717125));
    QCOMPARE(t->seconds(), 1717171717.125);
    QCOMPARE(t->toJson(), std::string("1717171717125"));
    QCOMPARE(Timestamp::parse("-5")->millis(), std::int64_t(-5));
}

void TestTimestamp::rejectsNonNumbers()
{
    QVERIFY(!Timestamp::parse(""));
    QVERIFY(!Timestamp::parse("\"1700000000.0\""));
    QVERIFY(!Timestamp::parse("1700000000."));
    QVERIFY(!Timestamp::parse(".5"));
    QVERIFY(!Timestamp::parse("01"));
    QVERIFY(!Timestamp::parse("1e"));
    QVERIFY(!Timestamp::parse("12abc"));
    QVERIFY(!Timestamp::parse("1e999")); // would be Infinity
    QVERIFY(!Timestamp::parse("123456789012345678901")); // does not fit in 64 bits
}

void TestTimestamp::rubyFloatFormatting_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    // Expected strings printed by ruby 3.1 `Float#to_s`.
    QTest::newRow("epoch") << 1795435951.8048441 << "1795435951.8048441";
    QTest::newRow("whole epoch") << 1795435951.0 << "1795435951.0";
    QTest::newRow("zero") << 0.0 << "0.0";
    QTest::newRow("negative zero") << -0.0 << "-0.0";
    QTest::newRow("hundred") << 100.0 << "100.0";
    QTest::newRow("third") << 1.0 / 3 << "0.3333333333333333";
    QTest::newRow("2.5") << 2.5 << "2.5";
    QTest::newRow("negative") << -1234.5 << "-1234.5";
    QTest::newRow("1e14") << 1e14 << "100000000000000.0";
    QTest::newRow("15 nines") << 999999999999999.0 << "999999999999999.0";
    QTest::newRow("1e15") << 1e15 << "1.0e+15";
    QTest::newRow("1e16") << 1e16 << "1.0e+16";
    QTest::newRow("16 digits") << 1234567890123456.0 << "1.234567890123456e+15";
    QTest::newRow("2^53+1") << 9007199254740993.0 << "9.007199254740992e+15";
    QTest::newRow("0.001") << 0.001 << "0.001";
    QTest::newRow("0.0001") << 0.0001 << "0.0001";
    QTest::newRow("1e-5") << 0.00001 << "1.0e-05";
    QTest::newRow("1.5e-7") << 1.5e-7 << "1.5e-07";
    QTest::newRow("small") << 12345.678e-10 << "1.2345678e-06";
    QTest::newRow("denormal") << 5e-324 << "5.0e-324";
    QTest::newRow("max") << 1.7976931348623157e308 << "1.7976931348623157e+308";
    QTest::newRow("1e22") << 1e22 << "1.0e+22";
}

void TestTimestamp::rubyFloatFormatting()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(formatRubyFloat(value)), expected);
    // Round trip through the parser keeps the value and the unit.
    const auto back = Timestamp::parse(formatRubyFloat(value));
    QVERIFY(back);
    QCOMPARE(back->unit(), Timestamp::Unit::Seconds);
    QCOMPARE(back->seconds(), value);
}

void TestTimestamp::nonFiniteFormatting()
{
    QCOMPARE(formatRubyFloat(std::numeric_limits<double>::quiet_NaN()), std::string("NaN"));
    QCOMPARE(formatRubyFloat(-std::numeric_limits<double>::infinity()), std::string("-Infinity"));
}

void TestTimestamp::unitConversion()
{
    const Timestamp seconds = Timestamp::fromSeconds(1717171717.1256);
    QCOMPARE(seconds.toJson(), std::string("1717171717.1256"));
    const Timestamp ms = seconds.as(Timestamp::Unit::Milliseconds);
    QCOMPARE(ms.unit(), Timestamp::Unit::Milliseconds);
    QCOMPARE(ms.toJson(), std::string("1717171717126")); // rounded to the nearest ms
    QCOMPARE(ms.as(Timestamp::Unit::Seconds).toJson(), std::string("1717171717.126"));
    const Timestamp now = Timestamp::now(Timestamp::Unit::Milliseconds);
    QVERIFY(now.millis() > std::int64_t(1600000000000));
    QVERIFY(std::fabs(Timestamp::now().seconds() - now.seconds()) < 5.0);
}

QTEST_APPLESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
