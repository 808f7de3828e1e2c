// core/util: the error root every error of ours derives from, the number parses that keep bad input
// from servers and users inside that tree, and the line splitting of servers' text replies.
#include "sandbox/LocalSandbox.h"
#include "util/Error.h"
#include "util/ParseNumber.h"
#include "util/TextLines.h"
#include "worker/PoolSpec.h"

#include <QTest>

using namespace kiq;

class TestUtil : public QObject {
    Q_OBJECT

private slots:
    void parsesWholeNumbersOnly()
    {
        QCOMPARE(util::parseInteger("42"), std::optional<long long>(42));
        QCOMPARE(util::parseInteger("-7"), std::optional<long long>(-7));
        for (const char* bad : {"", " 1", "1 ", "1x", "0x10", "+1", "abc", "99999999999999999999"})
            QVERIFY2(!util::parseInteger(bad), bad);
        QCOMPARE(util::parseDouble("0.25"), std::optional<double>(0.25));
        QCOMPARE(util::parseDouble("1e3"), std::optional<double>(1000));
        for (const char* bad : {"", "nan", "inf", "1e999", "1.5s", ". "}) QVERIFY2(!util::parseDouble(bad), bad);
        QCOMPARE(util::parsePort("6379"), std::optional<int>(6379));
        for (const char* bad : {"0", "65536", "-1", "63 79", "http"}) QVERIFY2(!util::parsePort(bad), bad);
    }

    // INFO and CLIENT LIST come with "\r\n"; a last line without an end still counts.
    void splitsServerTextIntoLines()
    {
        std::string_view text = "a:1\r\n\nb:2\nlast";
        QCOMPARE(util::nextLine(text), std::string_view("a:1"));
        QCOMPARE(util::nextLine(text), std::string_view());
        QCOMPARE(util::nextLine(text), std::string_view("b:2"));
        QCOMPARE(util::nextLine(text), std::string_view("last"));
        QVERIFY(text.empty());
    }

    // Configuration and sandbox errors are kiq::Errors with their own kind, so a front end catches one
    // root and can tell "fix the configuration" from "the server refused".
    void configurationErrorsShareTheRoot()
    {
        worker::PoolSpec spec;
        spec.queues = {"critical,x"};
        try {
            spec.build();
            QFAIL("a bad weight was accepted");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), ErrorKind::Config);
            QVERIFY2(QString(e.what()).contains("critical,x"), e.what());
            QVERIFY(dynamic_cast<const worker::PoolSpecError*>(&e));
        }
        try {
            worker::QueueList::parse({"a", "a"});
            QFAIL("a queue named twice was accepted");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains("cannot be defined twice"), e.what());
        }
        const sandbox::SandboxError sandbox("redis-server not found");
        const Error& root = sandbox;
        QCOMPARE(root.kind(), ErrorKind::Sandbox);
        QCOMPARE(std::string(errorKindName(root.kind())), std::string("sandbox"));
        QCOMPARE(std::string(errorKindName(ErrorKind::Config)), std::string("config"));
    }
};

QTEST_GUILESS_MAIN(TestUtil)
#include "tst_util.moc"
