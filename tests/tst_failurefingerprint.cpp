// FailureFingerprint: grouping failures by normalised cause.

#include "sidekiq/model/FailureFingerprint.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QTest>

using namespace kiq::sidekiq;

class TestFailureFingerprint : public QObject {
    Q_OBJECT

private slots:
    void normalisation_data();
    void normalisation();
    void truncatedTo200();
    void sameCauseSameHash();
    void fromJobRecord();
};

void TestFailureFingerprint::normalisation_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("numbers") << "boom for user 12345 id=deadbeefcafe0001"
                             << "boom for user # id=<hex>";
    QTest::newRow("decimal") << "took 3.14159 s (limit 2.5)"
                             << "took # s (limit #)";
    QTest::newRow("uuid") << "Order 123e4567-e89b-12d3-a456-426614174000 missing"
                          << "Order <uuid> missing";
    QTest::newRow("uuid upper") << "id=123E4567-E89B-12D3-A456-426614174000."
                                << "id=<uuid>.";
    QTest::newRow("email") << "cannot mail bob.smith+tag@example.co.uk."
                           << "cannot mail <email>.";
    QTest::newRow("hex address") << "#<Foo:0x00007f8b1c8b1c8b> failed"
                                 << "#<Foo:<hex>> failed";
    QTest::newRow("short hex word kept") << "bad facade cafe"
                                         << "bad facade cafe";
    QTest::newRow("hex without digits kept") << "deadbeef"
                                             << "deadbeef";
    QTest::newRow("ids inside words") << "user_12345 on utf8 md5 x86_64 v2"
                                      << "user_# on utf8 md5 x86_64 v2";
    QTest::newRow("long quote") << "Couldn't find User with 'name'='a very long user name here'"
                                << "Couldn't find User with 'name'='<str>'";
    QTest::newRow("short quote kept") << R"(key "abc" not found)"
                                      << R"(key "abc" not found)";
    QTest::newRow("double quote escapes") << R"(bad "0123456789 \"abcdef\" xyz" end)"
                                          << R"(bad "<str>" end)";
    QTest::newRow("whitespace") << "  line one\n\n   line\ttwo  "
                                << "line one line two";
    QTest::newRow("unicode") << "échec 42 ü"
                             << "échec # ü";
}

void TestFailureFingerprint::normalisation()
{
    QFETCH(QString, message);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(normalizeErrorMessage(message.toStdString())), expected);
}

void TestFailureFingerprint::truncatedTo200()
{
    std::string message;
    for (int i = 0; i < 500; ++i) message += "word ";
    const std::string normalized = normalizeErrorMessage(message);
    QCOMPARE(QString::fromStdString(normalized).size(), 201); // 200 + "…"
    QVERIFY(normalized.ends_with("\xE2\x80\xA6"));
    // Very long messages stay cheap and never split UTF-8.
    std::string wide;
    for (int i = 0; i < 20000; ++i) wide += "\xC3\xA9";
    QCOMPARE(QString::fromStdString(normalizeErrorMessage(wide)).size(), 201);
}

void TestFailureFingerprint::sameCauseSameHash()
{
    const auto a = FailureFingerprint::of("ActiveRecord::RecordNotFound", "Couldn't find User with 'id'=17", "UserJob");
    const auto b
        = FailureFingerprint::of("ActiveRecord::RecordNotFound", "Couldn't find User with 'id'=93871", "UserJob");
    QCOMPARE(a.normalizedMessage, std::string("Couldn't find User with 'id'=#"));
    QCOMPARE(a.hash, b.hash);
    QVERIFY(a == b);
    // Any of the three parts separates groups.
    QVERIFY(a.hash
        != FailureFingerprint::of("ActiveRecord::RecordNotFound", "Couldn't find Post with 'id'=1", "UserJob").hash);
    QVERIFY(a.hash != FailureFingerprint::of("RuntimeError", "Couldn't find User with 'id'=1", "UserJob").hash);
    QVERIFY(a.hash
        != FailureFingerprint::of("ActiveRecord::RecordNotFound", "Couldn't find User with 'id'=1", "OtherJob").hash);
    // Field boundaries matter: ("ab", "c") is not ("a", "bc").
    QVERIFY(FailureFingerprint::of("ab", "c", "X").hash != FailureFingerprint::of("a", "bc", "X").hash);
    // Stable across runs: FNV-1a 64 of "E\x1fm\x1fJ".
    QCOMPARE(FailureFingerprint::of("E", "m", "J").hash, std::uint64_t(0xffc1f4a80e8cb9a5ULL));
}

void TestFailureFingerprint::fromJobRecord()
{
    const JobRecord first = JobRecord::parse(std::string(fixtures641::kRetryHardJobFirstFailure));
    const JobRecord later = JobRecord::parse(std::string(fixtures641::kRetryHardJobLater));
    const auto f1 = FailureFingerprint::of(first);
    QCOMPARE(f1.errorClass, std::string("ArgumentError"));
    QCOMPARE(f1.normalizedMessage, std::string("boom for user # id=<hex>"));
    QCOMPARE(f1.displayClass, std::string("HardJob"));
    QCOMPARE(f1.hash, FailureFingerprint::of(later).hash);
    const auto other = FailureFingerprint::of(JobRecord::parse(std::string(fixtures641::kDeadNoRetryJob)));
    QVERIFY(other.hash != f1.hash);
    QCOMPARE(other.normalizedMessage, std::string("dies immediately"));
}

QTEST_APPLESS_MAIN(TestFailureFingerprint)
#include "tst_failurefingerprint.moc"
