// The filter language on its own (core/sidekiq/search/JobFilter.h): what parse() reads, where it points at a
// mistake, what matches() accepts, and the raw-text prefilter. The index evaluates the same terms
// (tst_jobindex checks that it agrees with matches() on real sets).
#include "redaction/Redaction.h"
#include "sidekiq/model/FailureFingerprint.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/search/JobFilter.h"

#include <QTest>

#include <cstdio>
#include <memory>

using namespace kiq::sidekiq;
using Field = JobFilterTerm::Field;

namespace {
constexpr double kFailedAt = 1700000000.0;

std::string job(const std::string& fields)
{
    return R"({"class":"Billing::Charge","args":[7,"User-7"],"jid":"0123456789abcdef01234567","queue":"critical",)"
           R"("created_at":1699990000.0,"enqueued_at":1699990000.5,"retry_count":3,)"
           R"("error_class":"Net::ReadTimeout","error_message":"Timed out after 5 s",)"
        + fields + R"("failed_at":)" + std::to_string(kFailedAt) + "}";
}

JobRecord record(const std::string& fields = {})
{
    return JobRecord::parse(job(fields));
}

bool matches(const std::string& expression, const JobRecord& r, double now = kFailedAt + 3600)
{
    return JobFilter::parse(expression).matches(r, now);
}
} // namespace

class TestJobFilter : public QObject {
    Q_OBJECT

private slots:
    void readsEveryTerm()
    {
        const JobFilter f = JobFilter::parse(
            "class=Billing::* queue=crit?cal error=Net::* error~TIMED args~\"User 7\" jid=abc text~\"say \\\"hi\\\"\" "
            "age>90m age<2d age>30 group=00ff malformed");
        const auto& t = f.terms();
        QCOMPARE(t.size(), std::size_t(12));
        const Field fields[] = {Field::Class, Field::Queue, Field::ErrorClass, Field::ErrorText, Field::ArgsText,
            Field::Jid, Field::Text, Field::AgeAbove, Field::AgeBelow, Field::AgeAbove, Field::Group, Field::Malformed};
        for (std::size_t i = 0; i < t.size(); ++i) QVERIFY2(t[i].field == fields[i], std::to_string(i).c_str());
        QCOMPARE(t[0].value, std::string("Billing::*"));
        QCOMPARE(t[3].value, std::string("timed")); // ~ terms are folded once, here
        QCOMPARE(t[4].value, std::string("user 7"));
        QCOMPARE(t[5].value, std::string("abc")); // = terms are exact
        QCOMPARE(t[6].value, std::string("say \"hi\""));
        QCOMPARE(t[7].seconds, 5400.0);
        QCOMPARE(t[8].seconds, 172800.0);
        QCOMPARE(t[9].seconds, 30.0);
        QCOMPARE(t[10].group, 0xffULL);
        QVERIFY(JobFilter::parse("   ").empty());
    }

    // Each mistake is reported once, at the character the operator must change (1-based in what()).
    void pointsAtTheMistake_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("problem");
        QTest::newRow("no operator") << "class" << 5 << "expected =, ~, > or < after 'class'";
        QTest::newRow("doubled operator") << "age>>" << 4 << "expected a duration like 30m, 2h or 7d, not '>'";
        QTest::newRow("unknown unit") << "age>5y" << 4 << "unknown duration unit 'y' (use s, m, h or d)";
        QTest::newRow("negative age") << "age<-1h" << 4 << "expected a duration like 30m, 2h or 7d, not '-1h'";
        QTest::newRow("unknown field") << "queue=a colour=red" << 8 << "unknown field 'colour'";
        QTest::newRow("wrong operator") << "args=x" << 4 << "'args' takes ~, not =";
        QTest::newRow("no value") << "jid= class=A" << 4 << "'jid=' needs a value";
        QTest::newRow("open quote") << "text~\"open" << 5 << "unterminated quoted value";
        QTest::newRow("bad group") << "group=xyz" << 6 << "group= takes the hex id shown in the group view";
        QTest::newRow("no name")
            << "=x" << 0 << "expected a field name (class, queue, error, args, jid, text, age, group, malformed)";
    }
    void pointsAtTheMistake()
    {
        QFETCH(QString, expression);
        QFETCH(int, position);
        QFETCH(QString, problem);
        try {
            JobFilter::parse(expression.toStdString());
            QFAIL("accepted");
        } catch (const JobFilterError& e) {
            QCOMPARE(int(e.position()), position);
            QCOMPARE(QString::fromStdString(e.problem()), problem);
            const QString what = e.what();
            QCOMPARE(what,
                QStringLiteral("filter '%1', at character %2: %3").arg(expression).arg(position + 1).arg(problem));
        }
    }

    void matchesJobs()
    {
        const JobRecord r = record();
        QVERIFY(r.ok());
        QVERIFY(matches("", r));
        QVERIFY(matches("class=Billing::*", r));
        QVERIFY(matches("class=Billing::Charg?", r));
        QVERIFY(!matches("class=billing::charge", r)); // = is case-sensitive
        QVERIFY(matches("queue=crit*", r));
        QVERIFY(matches("error=Net::ReadTimeout", r));
        QVERIFY(!matches("error=Net", r));
        QVERIFY(matches("error~readtimeout", r)); // the class counts for error~
        QVERIFY(matches("error~\"TIMED OUT AFTER\"", r));
        QVERIFY(matches("args~user-7", r));
        QVERIFY(!matches("args~charge", r));
        QVERIFY(matches("jid=0123456789abcdef01234567", r));
        QVERIFY(!matches("jid=0123456789abcdef", r));
        QVERIFY(matches("text~\"retry_count\"", r)); // anywhere in the raw payload
        QVERIFY(matches("age>59m age<61m", r));
        QVERIFY(!matches("age>2h", r));
        QVERIFY(!matches("malformed", r));
        QVERIFY(!matches("class=Billing::* queue=default", r)); // all terms must match
        char id[17];
        std::snprintf(id, sizeof id, "%llx", static_cast<unsigned long long>(FailureFingerprint::of(r).hash));
        QVERIFY(matches(std::string("group=") + id, r));
        QVERIFY(!matches("group=1", r));
    }

    // An ActiveJob wrapper matches under its display class as well as the wrapper class; a retried
    // job's age counts from retried_at; a job with no time has no age.
    void displayClassAndJobTime()
    {
        const JobRecord wrapped
            = record(R"("wrapped":"ChargeJob","retried_at":)" + std::to_string(kFailedAt + 1800) + ",");
        QVERIFY(matches("class=ChargeJob", wrapped));
        QVERIFY(matches("class=Billing::Charge", wrapped));
        QVERIFY(matches("age<31m age>29m", wrapped));
        const JobRecord timeless = JobRecord::parse(R"({"class":"A","args":[],"jid":"x","queue":"q"})");
        QVERIFY(!matches("age>0", timeless));
        QVERIFY(!matches("age<100d", timeless));
    }

    // Malformed entries are found with `malformed` and by raw text; no other term matches them.
    void malformedEntries()
    {
        const JobRecord broken = JobRecord::parse(R"({"class":"Billing::Charge","args":[1,)");
        QVERIFY(!broken.ok());
        QVERIFY(matches("malformed", broken));
        QVERIFY(matches("text~billing", broken));
        QVERIFY(!matches("class=Other", broken));
    }

    // ~ folds ASCII only, as the index does, whatever the process locale (Qt sets it from the
    // environment): UTF-8 bytes are compared as they are.
    void foldingIsAscii()
    {
        const JobFilter f = JobFilter::parse("error~\"ÉTÉ TIMED\"");
        QCOMPARE(f.terms().at(0).value, std::string("ÉtÉ timed")); // non-ASCII bytes unchanged
        QVERIFY(containsFolded("xx TIMED OUT", "timed out"));
        QVERIFY(!containsFolded("TIMED", "timed out"));
        QCOMPARE(findFolded("aXbxB", "xb", 2), std::size_t(3));
    }

    // The prefilter skips parsing only payloads that cannot match, and never a match.
    void rawPrefilter()
    {
        const std::string raw = job("");
        const JobFilter byError = JobFilter::parse("error~READTIMEOUT queue=cr*");
        QCOMPARE(byError.requiredText(), std::string("readtimeout"));
        QVERIFY(byError.mayMatchRaw(raw));
        QVERIFY(!byError.mayMatchRaw(R"({"class":"X","error_class":"Other"})"));
        const JobFilter byClass = JobFilter::parse("class=Billing::Ch*");
        QCOMPARE(byClass.requiredText(), std::string("Billing::Ch"));
        QVERIFY(byClass.mayMatchRaw(raw));
        QVERIFY(!byClass.mayMatchRaw(R"({"class":"billing::charge"})")); // = terms are case-sensitive
        // Escapable characters end the literal: "a/b" may be written "a\/b".
        QCOMPARE(JobFilter::parse("args~\"path/to/file\"").requiredText(), std::string("path"));
        QVERIFY(JobFilter::parse("age>1h group=ff").requiredText().empty());
        QVERIFY(JobFilter::parse("jid=ab").mayMatchRaw("anything")); // too short to be worth a search
    }

    // With the profile's redaction rules, error~, args~ and text~ see what the operator is shown: a
    // hidden value cannot be found out by filtering for it, and the mask itself can be filtered for.
    void textTermsMatchWhatIsShown()
    {
        const JobRecord r = JobRecord::parse("{\"class\":\"Billing::Charge\",\"args\":[{\"password\":\"hunter2\","
                                             "\"user\":\"ann\"}],\"jid\":\"0123456789abcdef01234567\",\"queue\":"
                                             "\"critical\",\"error_class\":\"AuthError\",\"error_message\":\"login "
                                             "token=tok-77 refused\",\"failed_at\":1700000000.0}");
        QVERIFY(r.ok());
        const auto shown = std::make_shared<const kiq::redaction::Redactor>(); // the default rules
        const auto redacted = [&](const std::string& expression) {
            JobFilter f = JobFilter::parse(expression);
            f.redactWith(shown);
            return f;
        };
        for (const char* hidden : {"args~hunter2", "error~tok-77", "text~hunter2", "text~tok-77"}) {
            QVERIFY2(matches(hidden, r), hidden); // raw: found
            QVERIFY2(!redacted(hidden).matches(r, kFailedAt), hidden);
        }
        for (const char* visible : {"args~ann", "error~refused", "error~autherror", "text~ann", "args~redacted",
                 "args~[REDACTED]", "error~token=[redacted]", "text~REDACTED"})
            QVERIFY2(redacted(visible).matches(r, kFailedAt), visible);
        QVERIFY(!matches("args~REDACTED", r)); // raw text has no mask

        // The raw prefilter never rules out what only the mask supplies.
        QVERIFY(redacted("args~[REDACTED]").requiredText().empty());
        QVERIFY(redacted("args~[REDACTED]").mayMatchRaw(r.raw));
        QCOMPARE(redacted("args~hunter2").requiredText(), std::string("hunter2")); // still a sound prefilter

        // Rules switched off (--no-redact, or a profile that opts out): the raw text again.
        JobFilter off = JobFilter::parse("args~hunter2");
        off.redactWith(std::make_shared<const kiq::redaction::Redactor>(kiq::redaction::RedactionRules::none()));
        QVERIFY(off.redactor() == nullptr);
        QVERIFY(off.matches(r, kFailedAt));
        QVERIFY(JobFilter::parse("class=X args~a").readsText());
        QVERIFY(!JobFilter::parse("class=X jid=abc age>1h").readsText());
    }

    void globs()
    {
        QVERIFY(globMatch("a*b?c", "aXXbYc"));
        QVERIFY(!globMatch("a*b?c", "aXXbc"));
        QVERIFY(globMatch("*", ""));
        QVERIFY(globMatch("**a**", "bab"));
        QVERIFY(!globMatch("?", ""));
        QVERIFY(globMatch(std::string(1000, '*') + "x", std::string(5000, 'a') + "x")); // no blow-up
    }
};

QTEST_GUILESS_MAIN(TestJobFilter)
#include "tst_jobfilter.moc"
