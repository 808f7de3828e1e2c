// core/util: the error root every error of ours derives from, the number parses that keep bad input
// from servers and users inside that tree, and the line splitting of servers' text replies.
#include "sandbox/LocalSandbox.h"
#include "util/Error.h"
#include "util/LineDiff.h"
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
    // The replay dialog's arguments against the original: kept, removed and added lines in order.
    void diffsLines()
    {
        using Kind = kiq::util::DiffLine::Kind;
        const auto render = [](const std::vector<kiq::util::DiffLine>& lines) {
            std::string out;
            for (const auto& l : lines)
                out += (l.kind == Kind::Same ? " " : l.kind == Kind::Removed ? "-" : "+") + l.text;
            return out;
        };
        QCOMPARE(render(kiq::util::lineDiff({"[", "1,", "2", "]"}, {"[", "1,", "3", "]"})), std::string(" [ 1,-2+3 ]"));
        QCOMPARE(render(kiq::util::lineDiff({"a", "b", "c"}, {"b", "c", "d"})), std::string("-a b c+d"));
        QCOMPARE(render(kiq::util::lineDiff({}, {"x"})), std::string("+x"));
        QCOMPARE(render(kiq::util::lineDiff({"x", "y"}, {})), std::string("-x-y"));
        QCOMPARE(render(kiq::util::lineDiff({"a", "x", "b", "y", "c"}, {"a", "b", "c"})), std::string(" a-x b-y c"));
        // Too big to compare: everything replaced, still in order.
        std::vector<std::string> many(2100, "a"), others(2100, "b");
        many.back() = "end";
        others.back() = "end";
        const auto big = kiq::util::lineDiff(many, others);
        QCOMPARE(big.size(), std::size_t(2099 * 2 + 1));
        QVERIFY(big.front().kind == Kind::Removed && big[2099].kind == Kind::Added && big.back().kind == Kind::Same);
    }

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
