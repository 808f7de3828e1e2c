// JobRecord: parsing real Sidekiq 6.4.1 payloads, hand-built 7.x/8.x payloads, and malformed input.

#include "sidekiq/model/JobRecord.h"
#include "sidekiq_fixtures_641.h"

#include <QElapsedTimer>
#include <QTest>

#include <string>

using namespace kiq::sidekiq;

class TestJobRecord : public QObject {
    Q_OBJECT

private slots:
    void queuedJobFrom641();
    void retryZeroAndFullBacktraceOptions();
    void scheduledJobHasNoEnqueuedAt();
    void stringClassPushedWithoutOptions();
    void retryEntryFirstFailure();
    void retryEntryOfUnloadableClass();
    void retryEntryLaterFailure();
    void deadEntries();
    void backtraceDecodingCanBeDeferred();
    void sidekiq73Payload();
    void sidekiq8MillisecondTimestamps();
    void activeJobWithoutWrappedUsesFirstArgument();
    void missingRetryKeyIsDefault();
    void invalidJsonReportsByteOffsetAndKeepsRaw();
    void nonObjectPayloads();
    void invalidUtf8();
    void missingRequiredFields();
    void wrongFieldTypes();
    void nullFieldsAreAbsent();
    void oldArrayBacktraceAndBadBacktrace();
    void duplicateKeysLastWins();
    void integersWiderThan64BitsAreValid();
    void escapesInStrings();
    void deepNesting();
    void hugeArgs();
    void hugeInvalidPayloadIsLinear();
};

namespace {
QString q(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

JobRecord parse(std::string_view raw, JobParseOptions options = {})
{
    return JobRecord::parse(std::string(raw), options);
}

// Sidekiq 7.3+ payload: strict base64 backtrace (job_retry.rb@v7.3.0 pack("m0")), retry_for
// (7.1.3+), ActiveJob via Rails' JobWrapper with `wrapped`. Built from docs/sidekiq-data-model.md §1.
constexpr std::string_view k73RetryEntry
    = R"({"retry":5,"queue":"mailers","wrapped":"WelcomeMailerJob","class":"ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper",)"
      R"("args":[{"job_class":"WelcomeMailerJob","job_id":"a1b2","arguments":[42]}],"retry_for":3600,)"
      R"("jid":"0123456789abcdef01234567","created_at":1717171717.125,"enqueued_at":1717171718.5,)"
      R"("error_message":"boom","error_class":"RuntimeError","failed_at":1717171720.25,"retry_count":1,)"
      R"("retried_at":1717171800.75,"backtrace":true,"error_backtrace":"eJyLVkq0MlTSUUpSiFEqjFFSOLxHKRYANa0Fxw==",)"
      R"("retry_queue":"low","dead":false,"bid":"b-123","tags":["a",7]})";

// Sidekiq 8.0+ payload: created_at/enqueued_at/failed_at as integer epoch ms
// (job_util.rb@v8.0.0 now_in_millis, job_retry.rb@v8.0.0), ActiveJob through
// Sidekiq::ActiveJob::Wrapper (8.0+).
constexpr std::string_view k80RetryEntry
    = R"({"retry":true,"queue":"default","class":"Sidekiq::ActiveJob::Wrapper","wrapped":"ReportJob",)"
      R"("args":[{"job_class":"ReportJob","arguments":[]}],"jid":"fedcba9876543210fedcba98",)"
      R"("created_at":1717171717125,"enqueued_at":1717171718500,"error_message":"x","error_class":"E",)"
      R"("failed_at":1717171720250,"retry_count":0})";
} // namespace

void TestJobRecord::queuedJobFrom641()
{
    const JobRecord job = parse(fixtures641::kQueuedHardJob);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.raw, std::string(fixtures641::kQueuedHardJob));
    QCOMPARE(job.className, std::string("HardJob"));
    QCOMPARE(job.displayClass, std::string("HardJob"));
    QCOMPARE(job.jid, std::string("d371e1254dd6aec2abcd056d"));
    QCOMPARE(job.queue, std::string("default"));
    QVERIFY(job.hasArgs);
    QCOMPARE(job.argsJson(), std::string_view(R"([1,"x"])"));
    QCOMPARE(job.argsDisplay, std::string(R"(1, "x")"));
    QVERIFY(job.hasRetryKey);
    QCOMPARE(job.retry.kind, RetryPolicy::Kind::True);
    QCOMPARE(job.retry.maxRetries(), std::int64_t(25));
    QVERIFY(job.createdAt.has_value());
    QCOMPARE(job.createdAt->unit(), Timestamp::Unit::Seconds);
    QCOMPARE(job.createdAt->seconds(), 1795436692.106477);
    QCOMPARE(job.createdAt->toJson(), std::string("1795436692.106477"));
    QCOMPARE(job.enqueuedAt->toJson(), std::string("1795436692.1069198"));
    QCOMPARE(job.tags, std::vector<std::string> {"t1"});
    QCOMPARE(job.backtrace.kind, BacktraceOption::Kind::Lines);
    QCOMPARE(job.backtrace.lines, std::int64_t(3));
    QVERIFY(!job.retryCount);
    QVERIFY(!job.hasError());
    QVERIFY(!job.errorBacktraceEncoded);
    QVERIFY(!job.failedAt);
}

void TestJobRecord::retryZeroAndFullBacktraceOptions()
{
    const JobRecord noRetry = parse(fixtures641::kQueuedNoRetryJob);
    QVERIFY(noRetry.ok());
    QCOMPARE(noRetry.retry.kind, RetryPolicy::Kind::Count);
    QCOMPARE(noRetry.retry.count, std::int64_t(0));
    QCOMPARE(noRetry.retry.maxRetries(), std::int64_t(0));
    QCOMPARE(noRetry.argsJson(), std::string_view("[]"));
    QCOMPARE(noRetry.argsDisplay, std::string());

    const JobRecord full = parse(fixtures641::kQueuedFullBtJob);
    QVERIFY(full.ok());
    QCOMPARE(full.retry, RetryPolicy::times(2));
    QCOMPARE(full.backtrace.kind, BacktraceOption::Kind::All);
    QCOMPARE(full.queue, std::string("critical"));
    QCOMPARE(q(full.argsDisplay), QStringLiteral(u"{\"k\":[1,2.5,null,true]}, \"unicode ü €\""));
    QCOMPARE(full.argsJson(), std::string_view(R"([{"k":[1,2.5,null,true]},"unicode ü €"])"));
}

void TestJobRecord::scheduledJobHasNoEnqueuedAt()
{
    const JobRecord job = parse(fixtures641::kScheduledSlowJob);
    QVERIFY(job.ok());
    QVERIFY(!job.enqueuedAt);
    QVERIFY(job.createdAt);
    QCOMPARE(job.argsDisplay, std::string("7"));
}

void TestJobRecord::stringClassPushedWithoutOptions()
{
    const JobRecord job = parse(fixtures641::kQueuedStringClassJob);
    QVERIFY(job.ok());
    QCOMPARE(job.queue, std::string("low"));
    QCOMPARE(job.backtrace.kind, BacktraceOption::Kind::None);
    QVERIFY(job.tags.empty());
}

void TestJobRecord::retryEntryFirstFailure()
{
    const JobRecord job = parse(fixtures641::kRetryHardJobFirstFailure);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.errorClass, std::optional<std::string>("ArgumentError"));
    QCOMPARE(job.errorMessage, std::optional<std::string>("boom for user 12345 id=deadbeefcafe0001"));
    QCOMPARE(job.retryCount, std::optional<std::int64_t>(0));
    QCOMPARE(job.failedAt->toJson(), std::string("1795435956.8399515"));
    QVERIFY(!job.retriedAt);
    QVERIFY(job.hasError());
    QVERIFY(job.errorBacktraceEncoded);
    QVERIFY(!job.errorBacktraceIsArray);
    // 6.4 wrote Base64.encode64, with a newline every 60 characters.
    QVERIFY(job.errorBacktraceEncoded->find('\n') != std::string::npos);
    QVERIFY2(job.errorBacktrace.has_value(), job.backtraceError.c_str());
    QCOMPARE(job.errorBacktrace->size(), std::size_t(3)); // backtrace: 3
    QCOMPARE(job.errorBacktrace->front(), std::string("/tmp/skfix/jobs.rb:6:in `perform'"));
}

void TestJobRecord::retryEntryOfUnloadableClass()
{
    const JobRecord job = parse(fixtures641::kRetryStringClassJobFirstFailure);
    QVERIFY(job.ok());
    QCOMPARE(job.errorClass, std::optional<std::string>("NameError"));
    // JSON escapes \n and \" are decoded.
    QVERIFY(job.errorMessage->starts_with("uninitialized constant StringClassJob\n\n"));
    QVERIFY(job.errorMessage->find("str.include?(\"::\")") != std::string::npos);
    QVERIFY(!job.errorBacktraceEncoded);
    QVERIFY(!job.errorBacktrace);
}

void TestJobRecord::retryEntryLaterFailure()
{
    const JobRecord job = parse(fixtures641::kRetryHardJobLater);
    QVERIFY(job.ok());
    QCOMPARE(job.retryCount, std::optional<std::int64_t>(5));
    QVERIFY(job.retriedAt);
    QCOMPARE(job.retriedAt->toJson(), std::string("1795436464.012592"));
    QVERIFY(job.failedAt);
    QVERIFY(job.retriedAt->seconds() > job.failedAt->seconds());
}

void TestJobRecord::deadEntries()
{
    const JobRecord zero = parse(fixtures641::kDeadNoRetryJob);
    QVERIFY(zero.ok());
    QCOMPARE(zero.errorMessage, std::optional<std::string>("dies immediately"));

    const JobRecord full = parse(fixtures641::kDeadFullBtJob);
    QVERIFY(full.ok());
    QCOMPARE(q(*full.errorMessage), QStringLiteral(u"full: \"quoted\" ü"));
    QCOMPARE(full.retryCount, std::optional<std::int64_t>(2));
    QVERIFY2(full.errorBacktrace, full.backtraceError.c_str());
    // Ruby: JSON.parse(Zlib::Inflate.inflate(Base64.decode64(bt))).size == 23
    QCOMPARE(full.errorBacktrace->size(), std::size_t(23));
    QCOMPARE(full.errorBacktrace->front(), std::string("/tmp/skfix/jobs.rb:18:in `perform'"));
    QCOMPARE(full.errorBacktrace->back(),
        std::string(
            "/usr/share/rubygems-integration/all/gems/sidekiq-6.4.1/lib/sidekiq/util.rb:65:in `block in safe_thread'"));
    // Re-encoding gives Ruby's bytes: same JSON, same zlib stream; only 6.4's line breaks differ.
    std::string strict = *full.errorBacktraceEncoded;
    std::erase(strict, '\n');
    QCOMPARE(BacktraceCodec::encode(*full.errorBacktrace), strict);
}

void TestJobRecord::backtraceDecodingCanBeDeferred()
{
    JobParseOptions options;
    options.decodeBacktrace = false;
    const JobRecord job = parse(fixtures641::kDeadFullBtJob, options);
    QVERIFY(job.ok());
    QVERIFY(job.errorBacktraceEncoded);
    QVERIFY(!job.errorBacktrace);
    const BacktraceCodec::Decoded decoded = job.decodeBacktrace();
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.lines.size(), std::size_t(23));
}

void TestJobRecord::sidekiq73Payload()
{
    const JobRecord job = parse(k73RetryEntry);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.displayClass, std::string("WelcomeMailerJob"));
    QCOMPARE(job.wrapped, std::optional<std::string>("WelcomeMailerJob"));
    QCOMPARE(job.retry, RetryPolicy::times(5));
    QCOMPARE(job.retryFor, std::optional<std::int64_t>(3600));
    QCOMPARE(job.retryQueue, std::optional<std::string>("low"));
    QCOMPARE(job.dead, std::optional<bool>(false));
    QCOMPARE(job.bid, std::optional<std::string>("b-123"));
    QCOMPARE(job.tags, (std::vector<std::string> {"a", "7"}));
    QCOMPARE(job.createdAt->unit(), Timestamp::Unit::Seconds);
    QCOMPARE(job.createdAt->millis(), std::int64_t(1717171717125));
    QVERIFY(job.errorBacktrace);
    // Strict base64 of zlib(JSON.generate(["a:1", "b \"q\" ü"])), computed with Ruby.
    QCOMPARE(job.errorBacktrace->size(), std::size_t(2));
    QCOMPARE(q(job.errorBacktrace->at(1)), QStringLiteral(u"b \"q\" ü"));
}

void TestJobRecord::sidekiq8MillisecondTimestamps()
{
    const JobRecord job = parse(k80RetryEntry);
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.displayClass, std::string("ReportJob"));
    QVERIFY(isActiveJobWrapper(job.className));
    QCOMPARE(job.createdAt->unit(), Timestamp::Unit::Milliseconds);
    QCOMPARE(job.createdAt->millis(), std::int64_t(1717171717125));
    QCOMPARE(job.createdAt->seconds(), 1717171717.125);
    QCOMPARE(job.enqueuedAt->toJson(), std::string("1717171718500"));
    QCOMPARE(job.failedAt->unit(), Timestamp::Unit::Milliseconds);
}

void TestJobRecord::activeJobWithoutWrappedUsesFirstArgument()
{
    const JobRecord job = parse(
        R"({"class":"ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper","args":["LegacyJob",1],"jid":"j","queue":"q","retry":true})");
    QVERIFY(job.ok());
    QCOMPARE(job.displayClass, std::string("LegacyJob"));

    const JobRecord explicitDisplay
        = parse(R"({"class":"X","display_class":"Shown","wrapped":"W","args":[],"jid":"j"})");
    QCOMPARE(explicitDisplay.displayClass, std::string("Shown"));
}

void TestJobRecord::missingRetryKeyIsDefault()
{
    const JobRecord job = parse(R"({"class":"A","args":[],"jid":"j"})");
    QVERIFY(job.ok());
    QVERIFY(!job.hasRetryKey);
    QCOMPARE(job.retry.kind, RetryPolicy::Kind::Default);
    QCOMPARE(job.queue, std::string());
}

void TestJobRecord::invalidJsonReportsByteOffsetAndKeepsRaw()
{
    // Truncated in the middle of "created_at": the members before it are still read.
    const std::string raw = R"({"class":"A","args":[1],"jid":"abc","created_at":17)";
    const JobRecord job = JobRecord::parse(raw);
    QCOMPARE(job.raw, raw);
    QVERIFY(!job.ok());
    QCOMPARE(job.parseError, std::string("invalid JSON at byte 51: unexpected end of input, expected ',' or '}'"));
    QCOMPARE(job.className, std::string("A"));
    QCOMPARE(job.jid, std::string("abc"));
    QVERIFY(job.hasArgs);
    QCOMPARE(job.argsJson(), std::string_view("[1]"));

    const JobRecord missingColon = parse(R"({"class" "A"})");
    QCOMPARE(missingColon.parseError, std::string("invalid JSON at byte 9: expected ':' after object key, found '\"'"));

    const JobRecord trailingComma = parse(R"({"class":"A",})");
    QVERIFY(trailingComma.parseError.starts_with("invalid JSON at byte 13: trailing comma"));
    QCOMPARE(trailingComma.className, std::string("A"));

    const JobRecord garbageAfter = parse(R"({"class":"A","args":[],"jid":"j"} x)");
    QVERIFY(garbageAfter.parseError.starts_with("invalid JSON at byte 34:"));

    const JobRecord empty = parse("");
    QCOMPARE(empty.parseError, std::string("invalid JSON at byte 0: empty document"));
    QCOMPARE(empty.raw, std::string());

    // Like api.rb, the unreadable payload is shown where the args would be.
    const JobRecord text = parse("not json at all");
    QVERIFY(text.parseError.starts_with("invalid JSON at byte 0"));
    QCOMPARE(text.argsDisplay, std::string("not json at all"));
    QVERIFY(!text.hasArgs);
}

void TestJobRecord::nonObjectPayloads()
{
    QCOMPARE(parse("[1,2]").parseError, std::string("payload is an array, expected an object"));
    QCOMPARE(parse(R"("just a string")").parseError, std::string("payload is a string, expected an object"));
    QCOMPARE(parse("42").parseError, std::string("payload is a number, expected an object"));
    QCOMPARE(parse("null").parseError, std::string("payload is null, expected an object"));
    QCOMPARE(parse(" true ").raw, std::string(" true "));
}

void TestJobRecord::invalidUtf8()
{
    std::string raw = R"({"class":"A","args":["caf)";
    const std::size_t badAt = raw.size();
    raw += "\xC3\x28"; // a lead byte followed by a non-continuation byte
    raw += R"("],"jid":"j"})";
    const JobRecord job = JobRecord::parse(raw);
    QCOMPARE(job.raw, raw);
    QCOMPARE(job.parseError, "invalid UTF-8 at byte " + std::to_string(badAt));
    QCOMPARE(job.className, std::string("A"));

    // Overlong encoding of '/', and a UTF-16 surrogate encoded in UTF-8: both invalid.
    QVERIFY(parse("{\"class\":\"\xC0\xAF\"}").parseError.starts_with("invalid UTF-8"));
    QVERIFY(parse("{\"class\":\"\xED\xA0\x80\"}").parseError.starts_with("invalid UTF-8"));
    // A stray invalid byte outside any string is reported as invalid UTF-8 too.
    QCOMPARE(parse("{\"class\":\"A\", \xFF}").parseError, std::string("invalid UTF-8 at byte 14"));
    // A valid non-ASCII character outside a string is a syntax error.
    QVERIFY(parse("{\"class\":\"A\", \xC3\xA9}")
                .parseError.starts_with("invalid JSON at byte 14: expected a string object key"));
    // Valid 4-byte sequence is fine.
    QVERIFY(parse("{\"class\":\"\xF0\x9F\x98\x80\",\"args\":[],\"jid\":\"j\"}").ok());
}

void TestJobRecord::missingRequiredFields()
{
    QCOMPARE(parse(R"({"class":"A","args":[]})").parseError, std::string("missing field 'jid'"));
    QCOMPARE(parse(R"({"jid":"j"})").parseError, std::string("missing field 'class'; missing field 'args'"));
    QCOMPARE(parse("{}").parseError, std::string("missing field 'class'; missing field 'args'; missing field 'jid'"));
}

void TestJobRecord::wrongFieldTypes()
{
    const JobRecord args = parse(R"({"class":"A","args":"1,2","jid":"j"})");
    QCOMPARE(args.parseError, std::string("field 'args' is a string, expected an array"));
    QVERIFY(!args.hasArgs);
    QCOMPARE(args.className, std::string("A"));

    const JobRecord many = parse(
        R"({"class":5,"args":[],"jid":"j","created_at":"yesterday","retry":"yes","tags":"t","retry_count":"2","dead":1})");
    QCOMPARE(many.parseError,
        std::string("field 'class' is a number, expected a string; "
                    "field 'created_at' is a string, expected a number; "
                    "field 'retry' is a string, expected true, false or an integer; "
                    "field 'tags' is a string, expected an array; "
                    "field 'retry_count' is a string, expected an integer; "
                    "field 'dead' is a number, expected a boolean"));
    QVERIFY(!many.createdAt);
    QVERIFY(!many.retryCount);

    const JobRecord bt = parse(R"({"class":"A","args":[],"jid":"j","error_backtrace":{"a":1}})");
    QCOMPARE(bt.parseError, std::string("field 'error_backtrace' is an object, expected a string or an array"));
}

void TestJobRecord::nullFieldsAreAbsent()
{
    const JobRecord job
        = parse(R"({"class":"A","args":[],"jid":"j","retry":null,"error_message":null,"enqueued_at":null})");
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.retry.kind, RetryPolicy::Kind::Default);
    QVERIFY(!job.errorMessage);
    QVERIFY(!job.enqueuedAt);
}

void TestJobRecord::oldArrayBacktraceAndBadBacktrace()
{
    const JobRecord array = parse(R"({"class":"A","args":[],"jid":"j","error_backtrace":["l1","l2"]})");
    QVERIFY(array.ok());
    QVERIFY(array.errorBacktraceIsArray);
    QCOMPARE(array.errorBacktrace, std::optional(std::vector<std::string> {"l1", "l2"}));

    // A corrupt backtrace does not make the job unreadable.
    const JobRecord corrupt
        = parse(R"({"class":"A","args":[],"jid":"j","error_backtrace":"eJzzSM3JyVcozy/KSQEAGKsEPQ"})");
    QVERIFY(corrupt.ok());
    QVERIFY(!corrupt.errorBacktrace);
    QVERIFY(!corrupt.backtraceError.empty());
}

void TestJobRecord::duplicateKeysLastWins()
{
    // Ruby's JSON.parse keeps the last value of a duplicated key.
    const JobRecord job = parse(R"({"class":"First","args":[1],"jid":"j","class":"Second","args":[2,3]})");
    QVERIFY(job.ok());
    QCOMPARE(job.className, std::string("Second"));
    QCOMPARE(job.argsJson(), std::string_view("[2,3]"));
}

void TestJobRecord::integersWiderThan64BitsAreValid()
{
    // Ruby reads bignums; simdjson cannot, so the fields are read one by one.
    const JobRecord job = parse(R"({"class":"A","args":[123456789012345678901234567890],"jid":"j","retry_count":2})");
    QVERIFY2(job.ok(), job.parseError.c_str());
    QCOMPARE(job.argsJson(), std::string_view("[123456789012345678901234567890]"));
    QCOMPARE(job.retryCount, std::optional<std::int64_t>(2));
    QCOMPARE(job.className, std::string("A"));
}

void TestJobRecord::escapesInStrings()
{
    const JobRecord job = parse(R"({"class":"A\u00e9\ud83d\ude00\/","args":["\"x\""],"jid":"j"})");
    QVERIFY(job.ok());
    QCOMPARE(q(job.className), QStringLiteral(u"Aé😀/"));
    // The display form keeps the JSON text of the arguments.
    QCOMPARE(job.argsDisplay, std::string(R"("\"x\"")"));
    // A high surrogate without its pair: Ruby's JSON.parse refuses it ("incomplete surrogate pair").
    QVERIFY(parse(R"({"class":"\ud800x","args":[],"jid":"j"})").parseError.find("surrogate") != std::string::npos);
}

void TestJobRecord::deepNesting()
{
    // Ruby's JSON.parse refuses nesting deeper than 100, so Sidekiq cannot load such a job.
    auto nested = [](int depth) {
        return R"({"class":"A","jid":"j","args":)" + std::string(static_cast<std::size_t>(depth), '[')
            + std::string(static_cast<std::size_t>(depth), ']') + "}";
    };
    QVERIFY(parse(nested(99)).ok()); // object + 99 arrays = 100
    const JobRecord tooDeep = parse(nested(100));
    QVERIFY(tooDeep.parseError.starts_with("nesting depth 101 exceeds"));
    QCOMPARE(tooDeep.className, std::string("A"));
    // Far beyond simdjson's 1024 limit: still no crash, fields still read.
    const JobRecord veryDeep = parse(nested(100000));
    QVERIFY(veryDeep.parseError.starts_with("nesting depth 100001 exceeds"));
    QCOMPARE(veryDeep.jid, std::string("j"));
    // Unbalanced deep input.
    const JobRecord unbalanced = parse(R"({"args":)" + std::string(50000, '['));
    QCOMPARE(
        unbalanced.parseError, std::string("invalid JSON at byte 50008: unexpected end of input, expected a value"));
}

void TestJobRecord::hugeArgs()
{
    // 10 MB string argument plus 200,000 small ones: must be linear.
    std::string raw = R"({"class":"Big","jid":"j","args":[")";
    raw.append(10u << 20, 'x');
    raw += "\"";
    for (int i = 0; i < 200000; ++i) raw += ",1";
    raw += R"(],"queue":"q","retry":true,"created_at":1.5,"tags":["a"],"unknown":{"x":[1]}})";
    QElapsedTimer timer;
    timer.start();
    const JobRecord job = JobRecord::parse(raw);
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(job.ok(), job.parseError.c_str());
    QVERIFY2(elapsed < 2000, qPrintable(QString("parse took %1 ms").arg(elapsed)));
    QCOMPARE(job.argsJson().size(), (10u << 20) + 2 + 2 * 200000 + 2);
    // Large payloads are read member by member; every field is still there.
    QCOMPARE(job.queue, std::string("q"));
    QCOMPARE(job.className, std::string("Big"));
    QCOMPARE(job.retry.kind, RetryPolicy::Kind::True);
    QCOMPARE(job.createdAt->seconds(), 1.5);
    QCOMPARE(job.tags, std::vector<std::string> {"a"});
    QCOMPARE(QString::fromStdString(job.argsDisplay).size(), 201); // 200 + "…"
    QVERIFY(job.argsDisplay.ends_with("\xE2\x80\xA6"));
    QVERIFY(job.argsDisplay.starts_with("\"xxxx"));

    // Field problems are reported on that path too.
    std::string badField = R"({"class":"Big","jid":"j","retry_count":"x","args":[")";
    badField.append(1u << 20, 'x');
    badField += "\"]}";
    QCOMPARE(
        JobRecord::parse(badField).parseError, std::string("field 'retry_count' is a string, expected an integer"));

    // Many elements: the display form is cut, and never splits a UTF-8 sequence.
    std::string many = R"({"class":"A","jid":"j","args":[)";
    for (int i = 0; i < 100; ++i) many += (i ? "," : "") + std::string("\"é\"");
    many += "]}";
    JobParseOptions options;
    options.argsDisplayChars = 10;
    const JobRecord cut = JobRecord::parse(many, options);
    QCOMPARE(q(cut.argsDisplay), QStringLiteral(u"\"é\", \"é\", …"));
}

void TestJobRecord::hugeInvalidPayloadIsLinear()
{
    std::string raw = R"({"class":"Big","args":[")";
    raw.append(10u << 20, 'y');
    // unterminated string
    QElapsedTimer timer;
    timer.start();
    const JobRecord job = JobRecord::parse(raw);
    QVERIFY(timer.elapsed() < 2000);
    QCOMPARE(job.parseError, std::string("invalid JSON at byte 23: unterminated string"));
    QCOMPARE(job.className, std::string("Big"));
    QCOMPARE(job.raw.size(), raw.size());
}

QTEST_APPLESS_MAIN(TestJobRecord)
#include "tst_jobrecord.moc"
