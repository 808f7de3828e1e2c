// PayloadEditor: edits keep every untouched byte, and the result re-parses.

#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QTest>

#include <limits>

using namespace kiq::sidekiq;

class TestPayloadEditor : public QObject {
    Q_OBJECT

private slots:
    void noEditsIsIdentity();
    void replaceKeepsOtherBytes();
    void retryNowLikeApiRb();
    void recordFailureLikeJobRetry();
    void sidekiq8Millis();
    void removeFirstMiddleLast();
    void whitespaceAndEscapesPreserved();
    void tricksyStringContents();
    void duplicateKeysAreAllReplaced();
    void lastCallWinsAndAppendOrder();
    void rejectsInvalidInputAndValues();
    void invalidUtf8InNewStringIsScrubbed();
    void hugePayloadIsLinear();
};

void TestPayloadEditor::noEditsIsIdentity()
{
    for (std::string_view raw : {fixtures641::kRetryHardJobFirstFailure, fixtures641::kDeadFullBtJob,
             std::string_view(" { \"a\" : 1 ,\n \"b\":[ 1, 2 ] } "), std::string_view("{}")}) {
        PayloadEditor editor {std::string(raw)};
        QVERIFY2(editor.ok(), editor.error().c_str());
        QCOMPARE(editor.result(), std::string(raw));
    }
}

void TestPayloadEditor::replaceKeepsOtherBytes()
{
    const std::string raw(fixtures641::kRetryHardJobFirstFailure);
    PayloadEditor editor(raw);
    editor.setString("queue", "critical");
    const std::string out = editor.result();
    // Only the queue value changed: the bytes before and after it are identical.
    const std::string oldValue = R"("queue":"default")";
    const std::size_t at = raw.find(oldValue);
    QVERIFY(at != std::string::npos);
    QCOMPARE(out.substr(0, at), raw.substr(0, at));
    QCOMPARE(out.substr(at, 18), std::string(R"("queue":"critical")"));
    QCOMPARE(out.substr(at + 18), raw.substr(at + oldValue.size()));
    const JobRecord job = JobRecord::parse(out);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.queue, std::string("critical"));
    QCOMPARE(job.errorBacktrace->size(), std::size_t(3));
}

void TestPayloadEditor::retryNowLikeApiRb()
{
    // api.rb SortedEntry#retry: retry_count -= 1 (if present), then Client.push sets enqueued_at.
    const std::string raw(fixtures641::kRetryHardJobLater);
    PayloadEditor editor(raw);
    QVERIFY(editor.decrementRetryCount());
    QVERIFY(editor.setSeconds("enqueued_at", 1795440000.25));
    const std::string out = editor.result();
    QCOMPARE(out.size(), raw.size() - std::string("1795436464.011768").size() + std::string("1795440000.25").size());
    QVERIFY(out.find(R"("retry_count":4,)") != std::string::npos);
    QVERIFY(out.find(R"("enqueued_at":1795440000.25,)") != std::string::npos);
    // Everything from error_message onwards apart from retry_count is untouched.
    const std::size_t tailRaw = raw.find(R"("error_backtrace")");
    const std::size_t tailOut = out.find(R"("error_backtrace")");
    QCOMPARE(out.substr(tailOut), raw.substr(tailRaw));
    const JobRecord job = JobRecord::parse(out);
    QVERIFY(job.ok());
    QCOMPARE(job.retryCount, std::optional<std::int64_t>(4));
    QCOMPARE(job.enqueuedAt->seconds(), 1795440000.25);
    QCOMPARE(job.errorMessage, std::optional<std::string>("boom for user 12345 id=deadbeefcafe0001"));

    // A job that never failed has no retry_count: nothing to decrement.
    PayloadEditor fresh {std::string(fixtures641::kQueuedHardJob)};
    QVERIFY(fresh.decrementRetryCount());
    QCOMPARE(fresh.result(), std::string(fixtures641::kQueuedHardJob));

    // retry_count 0 becomes -1, as in Ruby.
    PayloadEditor zero {std::string(R"({"retry_count":0})")};
    QVERIFY(zero.decrementRetryCount());
    QCOMPARE(zero.result(), std::string(R"({"retry_count":-1})"));

    PayloadEditor floaty {std::string(R"({"retry_count":2.0})")};
    QVERIFY(floaty.decrementRetryCount());
    QCOMPARE(floaty.result(), std::string(R"({"retry_count":1.0})"));

    PayloadEditor bad {std::string(R"({"retry_count":"2"})")};
    QVERIFY(!bad.decrementRetryCount());
}

void TestPayloadEditor::recordFailureLikeJobRetry()
{
    // job_retry.rb attempt_retry on a first failure: queue, error_message, error_class,
    // failed_at, retry_count = 0, error_backtrace; new keys are appended in that order.
    const std::string raw(fixtures641::kQueuedHardJob);
    PayloadEditor editor(raw);
    editor.setString("queue", "default");
    editor.setString("error_message", "bad \"thing\"\n\tline2 \xC3\xBC \x01");
    editor.setString("error_class", "ArgumentError");
    QVERIFY(editor.setSeconds("failed_at", 1795440000.0));
    editor.setInt("retry_count", 0);
    QVERIFY(editor.set("error_backtrace", R"("eJyLVkq0MlTSUUpSiFEqjFFSOLxHKRYANa0Fxw==")"));
    const std::string out = editor.result();
    QCOMPARE(out.substr(0, raw.size() - 1), raw.substr(0, raw.size() - 1)); // same prefix, the '}' moved
    QCOMPARE(out.substr(raw.size() - 1),
        std::string(R"(,"error_message":"bad \"thing\"\n\tline2 )") + "\xC3\xBC"
            + R"( \u0001","error_class":"ArgumentError","failed_at":1795440000.0,"retry_count":0,)"
              R"("error_backtrace":"eJyLVkq0MlTSUUpSiFEqjFFSOLxHKRYANa0Fxw=="})");
    const JobRecord job = JobRecord::parse(out);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.errorMessage, std::optional<std::string>("bad \"thing\"\n\tline2 \xC3\xBC \x01"));
    QCOMPARE(job.failedAt->toJson(), std::string("1795440000.0"));
    QCOMPARE(job.errorBacktrace->size(), std::size_t(2));
}

void TestPayloadEditor::sidekiq8Millis()
{
    PayloadEditor editor {std::string(R"({"class":"A","enqueued_at":1717171718500})")};
    editor.setMillis("enqueued_at", 1717171799999);
    editor.setTimestamp("retried_at", Timestamp::fromMillis(1717171800000));
    QCOMPARE(editor.result(), std::string(R"({"class":"A","enqueued_at":1717171799999,"retried_at":1717171800000})"));
}

void TestPayloadEditor::removeFirstMiddleLast()
{
    const std::string raw = R"({"a":1,"b":"two","c":[3],"d":{"e":4}})";
    PayloadEditor first(raw);
    first.remove("a");
    QCOMPARE(first.result(), std::string(R"({"b":"two","c":[3],"d":{"e":4}})"));
    PayloadEditor middle(raw);
    middle.remove("c");
    QCOMPARE(middle.result(), std::string(R"({"a":1,"b":"two","d":{"e":4}})"));
    PayloadEditor last(raw);
    last.remove("d");
    QCOMPARE(last.result(), std::string(R"({"a":1,"b":"two","c":[3]})"));
    PayloadEditor all(raw);
    for (const char* k : {"a", "b", "c", "d"}) all.remove(k);
    QCOMPARE(all.result(), std::string("{}"));
    all.setInt("z", 1);
    QCOMPARE(all.result(), std::string(R"({"z":1})"));
    PayloadEditor missing(raw);
    missing.remove("nope");
    QCOMPARE(missing.result(), raw);
    // "at" is removed before a scheduled job is stored (client.rb atomic_push).
    PayloadEditor at {std::string(R"({"class":"A","at":1700000000.5,"args":[]})")};
    at.remove("at");
    QCOMPARE(at.result(), std::string(R"({"class":"A","args":[]})"));
}

void TestPayloadEditor::whitespaceAndEscapesPreserved()
{
    const std::string raw = "{ \"k\\u0065y\" : \"v\\/\" ,\n  \"n\" : 1.50 ,\"arr\": [ 1 , { \"x\" : \"}\" } ]\n}\n";
    PayloadEditor editor(raw);
    QVERIFY(editor.ok());
    // Keys are matched after unescaping: "k\u0065y" is "key".
    QVERIFY(editor.has("key"));
    QCOMPARE(editor.rawValue("key"), std::optional<std::string>(R"("v\/")"));
    QCOMPARE(editor.rawValue("arr"), std::optional<std::string>(R"([ 1 , { "x" : "}" } ])"));
    editor.setInt("n", 2);
    QCOMPARE(editor.result(),
        std::string("{ \"k\\u0065y\" : \"v\\/\" ,\n  \"n\" : 2 ,\"arr\": [ 1 , { \"x\" : \"}\" } ]\n}\n"));
    editor.setString("key", "w");
    QCOMPARE(editor.result(),
        std::string("{ \"k\\u0065y\" : \"w\" ,\n  \"n\" : 2 ,\"arr\": [ 1 , { \"x\" : \"}\" } ]\n}\n"));
    QCOMPARE(editor.intValue("n"), std::optional<std::int64_t>(2));
}

void TestPayloadEditor::tricksyStringContents()
{
    // Braces, commas, colons, escaped quotes and backslashes inside strings are not structure.
    const std::string raw = R"({"m":"a\\\"},{\"x\":1,","q":"\\","args":["]",",",{"}":"{"}],"z":0})";
    PayloadEditor editor(raw);
    QVERIFY2(editor.ok(), editor.error().c_str());
    QCOMPARE(editor.rawValue("m"), std::optional<std::string>(R"("a\\\"},{\"x\":1,")"));
    QCOMPARE(editor.rawValue("q"), std::optional<std::string>(R"("\\")"));
    editor.setInt("z", 1);
    editor.remove("q");
    QCOMPARE(editor.result(), std::string(R"({"m":"a\\\"},{\"x\":1,","args":["]",",",{"}":"{"}],"z":1})"));
    QVERIFY(JobRecord::parse(editor.result()).parseError.find("invalid") == std::string::npos);
}

void TestPayloadEditor::duplicateKeysAreAllReplaced()
{
    PayloadEditor editor {std::string(R"({"queue":"a","x":1,"queue":"b"})")};
    QCOMPARE(editor.rawValue("queue"), std::optional<std::string>(R"("b")"));
    editor.setString("queue", "c");
    QCOMPARE(editor.result(), std::string(R"({"queue":"c","x":1,"queue":"c"})"));
    editor.remove("queue");
    QCOMPARE(editor.result(), std::string(R"({"x":1})"));
}

void TestPayloadEditor::lastCallWinsAndAppendOrder()
{
    PayloadEditor editor {std::string(R"({"a":1})")};
    editor.setInt("new1", 1);
    editor.setInt("new2", 2);
    editor.setInt("new1", 3);
    editor.remove("new2");
    editor.setBool("new2", false);
    QCOMPARE(editor.result(), std::string(R"({"a":1,"new1":3,"new2":false})"));
    QVERIFY(editor.has("new2"));
    editor.remove("a");
    QVERIFY(!editor.has("a"));
    QVERIFY(!editor.rawValue("a"));
    QCOMPARE(editor.result(), std::string(R"({"new1":3,"new2":false})"));
    // Keys needing escapes are written escaped.
    editor.setInt("we\"ird", 1);
    QCOMPARE(editor.result(), std::string(R"({"new1":3,"new2":false,"we\"ird":1})"));
}

void TestPayloadEditor::rejectsInvalidInputAndValues()
{
    PayloadEditor truncated {std::string(R"({"a":1,"b":)")};
    QVERIFY(!truncated.ok());
    QCOMPARE(truncated.error(), std::string("invalid JSON at byte 11: unexpected end of input, expected a value"));
    truncated.setInt("a", 2);
    QCOMPARE(truncated.result(), std::string(R"({"a":1,"b":)")); // unchanged

    PayloadEditor array {std::string("[1]")};
    QCOMPARE(array.error(), std::string("payload is an array, expected an object"));

    PayloadEditor badUtf8 {std::string("{\"a\":\"\xFF\"}")};
    QCOMPARE(badUtf8.error(), std::string("invalid UTF-8 at byte 6"));

    PayloadEditor editor {std::string(R"({"a":1})")};
    QVERIFY(!editor.set("a", "not json"));
    QVERIFY(!editor.set("a", "1 2"));
    QVERIFY(!editor.set("a", ""));
    QVERIFY(!editor.setSeconds("a", std::numeric_limits<double>::infinity()));
    QCOMPARE(editor.result(), std::string(R"({"a":1})"));
    QVERIFY(editor.set("a", "  [1, {\"b\": null}]  "));
    QCOMPARE(editor.result(), std::string(R"({"a":[1, {"b": null}]})"));
}

void TestPayloadEditor::invalidUtf8InNewStringIsScrubbed()
{
    PayloadEditor editor {std::string("{}")};
    editor.setString("error_message", "bad \xFF byte");
    QCOMPARE(editor.result(), std::string("{\"error_message\":\"bad \xEF\xBF\xBD byte\"}"));
    QVERIFY(JobRecord::parse(editor.result()).parseError.find("UTF-8") == std::string::npos);
}

void TestPayloadEditor::hugePayloadIsLinear()
{
    std::string raw = R"({"class":"Big","args":[")";
    raw.append(10u << 20, 'x');
    raw += R"("],"jid":"j","retry_count":3})";
    PayloadEditor editor(raw);
    QVERIFY(editor.ok());
    QVERIFY(editor.decrementRetryCount());
    editor.setString("queue", "q");
    const std::string out = editor.result();
    QCOMPARE(out.size(), raw.size() + std::string(R"(,"queue":"q")").size());
    QVERIFY(out.ends_with(R"("jid":"j","retry_count":2,"queue":"q"})"));
    QCOMPARE(out.substr(0, 1000), raw.substr(0, 1000));
}

QTEST_APPLESS_MAIN(TestPayloadEditor)
#include "tst_payloadeditor.moc"
