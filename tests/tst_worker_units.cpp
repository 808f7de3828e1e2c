// The worker pool's pure parts, without Redis: queue lists (Sidekiq 6.4 -q semantics), the retry
// decision (job_retry.rb), handler lookup, exception mapping, the TOML handler config and the
// external command runner.
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "worker/ExternalCommand.h"
#include "worker/HandlerRegistry.h"
#include "worker/Processor.h"
#include "worker/RetryHandler.h"
#include "worker/WorkerOptions.h"

#include <QTest>

#include <chrono>
#include <map>
#include <stop_token>
#include <thread>

using namespace kiq;
using namespace kiq::worker;
using sidekiq::JobRecord;

namespace {
constexpr double kNow = 1700000000.5;

JobRecord job(const std::string& raw)
{
    return JobRecord::parse(raw);
}

std::string commandName(const redis::Command& c)
{
    return c.name();
}
} // namespace

class TestWorkerUnits : public QObject {
    Q_OBJECT

private slots:
    void strictQueuesKeepTheirOrder()
    {
        const QueueList q = QueueList::parse({"critical", "default", "low"});
        QVERIFY(q.strict());
        std::mt19937_64 rng(1);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(q.fetchOrder(rng), (std::vector<std::string> {"critical", "default", "low"}));
        // A weight of 0 keeps strict order (cli.rb: strict = false only when weight.to_i > 0).
        QVERIFY(QueueList::parse({"a,0", "b"}).strict());
    }

    void anyWeightMakesTheOrderWeightedRandom()
    {
        const QueueList q = QueueList::parse({"critical,3", "default,1"});
        QVERIFY(!q.strict());
        QCOMPARE(q.expanded(), (std::vector<std::string> {"critical", "critical", "critical", "default"}));
        QCOMPARE(q.unique(), (std::vector<std::string> {"critical", "default"}));
        std::mt19937_64 rng(42);
        int criticalFirst = 0;
        const int rounds = 4000;
        for (int i = 0; i < rounds; ++i) {
            const auto order = q.fetchOrder(rng);
            QCOMPARE(order.size(), std::size_t(2)); // shuffled, then deduplicated
            if (order.front() == "critical") ++criticalFirst;
        }
        // critical comes first with probability 3/4.
        QVERIFY2(std::abs(criticalFirst / double(rounds) - 0.75) < 0.03, std::to_string(criticalFirst).c_str());
        QVERIFY(!QueueList::parse({"a,1", "b"}).strict()); // 6.4: -q a,1 is already non-strict
    }

    void badQueueSpecsAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(kiq::ConfigError, QueueList::parse({"a", "a"}));
        QVERIFY_THROWS_EXCEPTION(kiq::ConfigError, QueueList::parse({",3"}));
        QVERIFY_THROWS_EXCEPTION(kiq::ConfigError, QueueList::parse({"a,x"}));
        QVERIFY_THROWS_EXCEPTION(kiq::ConfigError, QueueList::parse({"a,-1"}));
    }

    void firstFailureSchedulesARetryWithSidekiqFields()
    {
        const std::string raw
            = R"({"retry":true,"queue":"default","class":"HardJob","args":[1],"jid":"abc","created_at":1699999999.25,"enqueued_at":1699999999.5,"backtrace":2})";
        RetryHandler retry(RetrySettings {}, 7);
        const JobFailure failure {"ArgumentError", "bad \xff input", {"a.rb:1", "b.rb:2", "c.rb:3"}};
        const FailureOutcome o = retry.onFailure(job(raw), "default", failure, true, kNow);
        QCOMPARE(int(o.kind), int(FailureOutcome::Kind::Retry));
        QCOMPARE(o.retryCount, std::int64_t(0));
        // count 0: 0**4 + 15 + rand(10) * 1
        QVERIFY(o.score >= kNow + 15 && o.score <= kNow + 24);
        const JobRecord written = JobRecord::parse(o.payload);
        QVERIFY2(written.ok(), written.parseError.c_str());
        QCOMPARE(*written.errorClass, std::string("ArgumentError"));
        QCOMPARE(*written.errorMessage, std::string("bad \xEF\xBF\xBD input")); // scrubbed to valid UTF-8
        QCOMPARE(*written.retryCount, std::int64_t(0));
        QVERIFY(written.failedAt && written.failedAt->unit() == sidekiq::Timestamp::Unit::Seconds);
        QCOMPARE(written.failedAt->seconds(), kNow);
        QVERIFY(!written.retriedAt);
        QCOMPARE(*written.errorBacktrace, (std::vector<std::string> {"a.rb:1", "b.rb:2"})); // backtrace: 2
        // Untouched fields keep their bytes; new ones are appended in job_retry.rb's order.
        const std::string kept
            = R"({"retry":true,"queue":"default","class":"HardJob","args":[1],"jid":"abc","created_at":1699999999.25,)";
        QVERIFY(o.payload.rfind(kept, 0) == 0);
        QVERIFY(o.payload.find("\"error_message\":\"bad") < o.payload.find("\"error_class\""));
        QVERIFY(o.payload.find("\"failed_at\"") < o.payload.find("\"retry_count\":0"));
        QCOMPARE(o.commands.size(), std::size_t(1));
        QCOMPARE(commandName(o.commands[0]), std::string("ZADD"));
        QCOMPARE(o.commands[0].argv()[1], std::string("retry"));
    }

    void laterFailuresCountUpAndUseTheDelayFormula()
    {
        const std::string raw
            = R"({"retry":true,"queue":"q","class":"X","args":[],"jid":"j","created_at":1.5,"retry_count":3,"failed_at":2.5,"retry_queue":"slow"})";
        for (int i = 0; i < 50; ++i) {
            RetryHandler retry(RetrySettings {}, std::uint64_t(i));
            const FailureOutcome o = retry.onFailure(job(raw), "q", {"E", "m", {}}, true, kNow);
            QCOMPARE(o.retryCount, std::int64_t(4));
            // 4**4 + 15 + rand(10) * 5
            const double delay = o.score - kNow;
            QVERIFY2(
                delay >= 271 && delay <= 271 + 45 && std::fmod(delay - 271, 5.0) == 0, std::to_string(delay).c_str());
            const JobRecord w = JobRecord::parse(o.payload);
            QCOMPARE(w.queue, std::string("slow")); // retry_queue wins
            QCOMPARE(w.retriedAt->seconds(), kNow);
            QCOMPARE(w.failedAt->seconds(), 2.5); // kept
            QVERIFY(!w.errorBacktraceEncoded); // no backtrace option
        }
    }

    void retryLimitsAndTheMorgue()
    {
        RetryHandler retry(RetrySettings {}, 1);
        const JobFailure f {"E", "m", {}};
        auto outcome = [&](const std::string& raw, bool known = true) {
            return retry.onFailure(job(raw), "default", f, known, kNow);
        };
        // retry: 0 → straight to dead; retry: false → dropped, not dead.
        auto zero = outcome(R"({"retry":0,"queue":"default","class":"X","args":[],"jid":"1"})");
        QCOMPARE(int(zero.kind), int(FailureOutcome::Kind::Dead));
        QCOMPARE(zero.commands.size(), std::size_t(3));
        QCOMPARE(zero.commands[0].argv(), (std::vector<std::string> {"ZADD", "dead", "1700000000.5", zero.payload}));
        QCOMPARE(
            zero.commands[1].argv(), (std::vector<std::string> {"ZREMRANGEBYSCORE", "dead", "-inf", "1684448000.5"}));
        QCOMPARE(zero.commands[2].argv(), (std::vector<std::string> {"ZREMRANGEBYRANK", "dead", "0", "-10000"}));
        QCOMPARE(int(outcome(R"({"retry":false,"queue":"default","class":"X","args":[],"jid":"1"})").kind),
            int(FailureOutcome::Kind::Dropped));
        // retry: 1 → one retry, then dead on the second failure.
        QCOMPARE(int(outcome(R"({"retry":1,"queue":"default","class":"X","args":[],"jid":"1"})").kind),
            int(FailureOutcome::Kind::Retry));
        auto second = outcome(R"({"retry":1,"queue":"default","class":"X","args":[],"jid":"1","retry_count":0})");
        QCOMPARE(int(second.kind), int(FailureOutcome::Kind::Dead));
        QCOMPARE(second.retryCount, std::int64_t(1));
        // retry: true → 25 retries; the 26th failure is exhausted.
        QCOMPARE(int(outcome(R"({"retry":true,"queue":"d","class":"X","args":[],"jid":"1","retry_count":23})").kind),
            int(FailureOutcome::Kind::Retry));
        QCOMPARE(int(outcome(R"({"retry":true,"queue":"d","class":"X","args":[],"jid":"1","retry_count":24})").kind),
            int(FailureOutcome::Kind::Dead));
        // dead: false → exhausted jobs are dropped.
        QCOMPARE(int(outcome(R"({"retry":0,"dead":false,"queue":"d","class":"X","args":[],"jid":"1"})").kind),
            int(FailureOutcome::Kind::Dropped));
        // No retry key: the class default (true) when the class is known, dropped when it is not.
        QCOMPARE(int(outcome(R"({"queue":"d","class":"X","args":[],"jid":"1"})", true).kind),
            int(FailureOutcome::Kind::Retry));
        QCOMPARE(int(outcome(R"({"queue":"d","class":"X","args":[],"jid":"1"})", false).kind),
            int(FailureOutcome::Kind::Dropped));
        // Custom limits.
        RetryHandler few(RetrySettings {2, {5, std::chrono::seconds(60)}}, 1);
        auto dead = few.onFailure(
            job(R"({"retry":true,"queue":"d","class":"X","args":[],"jid":"1","retry_count":1})"), "d", f, true, kNow);
        QCOMPARE(int(dead.kind), int(FailureOutcome::Kind::Dead));
        QCOMPARE(dead.commands[2].argv().back(), std::string("-5"));
        QCOMPARE(dead.commands[1].argv().back(), std::string("1699999940.5"));
    }

    void unparseableJobsGoToDeadByteForByte()
    {
        RetryHandler retry(RetrySettings {}, 1);
        const std::string raw = "{\"class\":\"X\",\"args\":[1,";
        const JobRecord r = JobRecord::parse(raw);
        QVERIFY(isUnloadable(r));
        QVERIFY(isUnloadable(JobRecord::parse("[1,2]")));
        QVERIFY(!isUnloadable(JobRecord::parse(R"({"class":"X","args":[]})"))); // missing jid: still loadable
        const FailureOutcome o = retry.unparseable(raw, kNow);
        QCOMPARE(o.commands[0].argv()[3], raw);
    }

    void millisecondJobsGetMillisecondTimestamps()
    {
        RetryHandler retry(RetrySettings {}, 1);
        const std::string raw
            = R"({"retry":true,"queue":"q","class":"X","args":[],"jid":"j","created_at":1700000000000,"enqueued_at":1700000000100})";
        const FailureOutcome o = retry.onFailure(job(raw), "q", {"E", "m", {}}, true, kNow);
        QVERIFY2(o.payload.find("\"failed_at\":1700000000500") != std::string::npos, o.payload.c_str());
        QVERIFY(o.score > kNow); // scores stay float seconds
    }

    void errorMessagesAreCutAt10000Characters()
    {
        std::string longMessage;
        for (int i = 0; i < 12000; ++i) longMessage += "\xC3\xA9"; // é: 2 bytes, 1 character
        const std::string m = sidekiqErrorMessage(longMessage);
        QCOMPARE(m.size(), std::size_t(20000));
        QCOMPARE(sidekiqErrorMessage("ok"), std::string("ok"));
    }

    void exceptionsBecomeErrorClassAndMessage()
    {
        auto failureOf = [](auto thrower) {
            try {
                thrower();
            } catch (...) {
                return currentExceptionFailure("MyJob");
            }
            return JobFailure {};
        };
        auto a = failureOf([] { throw std::runtime_error("disk full"); });
        QCOMPARE(a.errorClass, std::string("std::runtime_error"));
        QCOMPARE(a.message, std::string("disk full"));
        QVERIFY(!a.backtrace.empty());
        auto b = failureOf([] { throw JobError("ArgumentError", "nope", {"x.rb:1"}); });
        QCOMPARE(b.errorClass, std::string("ArgumentError"));
        QCOMPARE(b.backtrace, std::vector<std::string> {"x.rb:1"});
        auto c = failureOf([] { throw 42; });
        QCOMPARE(c.errorClass, std::string("int"));
        auto d = failureOf([] { throw std::out_of_range("idx"); });
        QCOMPARE(d.errorClass, std::string("std::out_of_range"));
    }

    void handlersAreFoundByNameThenPattern()
    {
        HandlerRegistry r;
        int hit = 0;
        r.add("Exact", [&](const JobContext&) { hit = 1; });
        r.addPattern("Report*", [&](const JobContext&) { hit = 2; });
        r.addPattern("*", [&](const JobContext&) { hit = 3; });
        QVERIFY(r.find("Exact"));
        QVERIFY(r.find("ReportJob") && r.find("ReportJob") != r.find("Exact"));
        QVERIFY(r.find("Other") != r.find("ReportJob"));
        HandlerRegistry plain;
        plain.add("A", [](const JobContext&) {});
        QVERIFY(!plain.find("B"));
        plain.setUnknownClassFallback(std::chrono::milliseconds(5));
        QVERIFY(plain.find("B"));
        plain.addBuiltins();
        QVERIFY(plain.find("Kiqdesk::Sleep") && plain.find("Kiqdesk::Fail") && plain.find("Kiqdesk::Echo"));
        QVERIFY(globMatch("Mailer::*", "Mailer::Welcome"));
        QVERIFY(!globMatch("Mailer::?", "Mailer::Welcome"));
    }

    void handlerConfigIsReadAndCheckedWithLineNumbers()
    {
        const auto specs = parseHandlerConfig(R"(
[[handler]]
class = "ReportJob"
command = ["/usr/bin/env", "python3", "report.py"]
timeout = 2.5
working_dir = "/tmp"
env = { RAILS_ENV = "production", LANG = "C.UTF-8" }
limit_cpu = 20
limit_address_space_mb = 512
limit_open_files = 0
limit_processes = 8

[[handler]]
class = "Mail*"
command = ["mailer"]
)",
            "handlers.toml");
        QCOMPARE(specs.size(), std::size_t(2));
        QCOMPARE(specs[0].classPattern, std::string("ReportJob"));
        QCOMPARE(specs[0].argv.size(), std::size_t(3));
        QCOMPARE(specs[0].timeout.count(), 2500LL);
        QCOMPARE(specs[0].workingDir, std::string("/tmp"));
        QCOMPARE(specs[1].timeout.count(), 60000LL); // default
        QCOMPARE(specs[0].env,
            (std::vector<std::pair<std::string, std::string>> {{"LANG", "C.UTF-8"}, {"RAILS_ENV", "production"}}));
        QCOMPARE(specs[0].limits.cpuSeconds, 20LL);
        QCOMPARE(specs[0].limits.addressSpaceMb, 512LL);
        QCOMPARE(specs[0].limits.openFiles, 0LL);
        QCOMPARE(specs[0].limits.processes, 8LL);
        QCOMPARE(specs[1].limits.cpuSeconds, 300LL); // defaults
        QCOMPARE(specs[1].limits.addressSpaceMb, 0LL);
        QCOMPARE(specs[1].limits.openFiles, 1024LL);
        QCOMPARE(specs[1].limits.processes, 256LL);
        auto errorOf = [](const char* text) {
            try {
                parseHandlerConfig(text, "h.toml");
            } catch (const ConfigError& e) {
                return std::string(e.what());
            }
            return std::string();
        };
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\n"), std::string("h.toml:1: handler for 'A' without 'command'"));
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = \"x\"\n"),
            std::string("h.toml:3: 'command' must be a non-empty array of strings (argv)"));
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = [\"x\"]\ntimeout = -1\n"),
            std::string("h.toml:4: 'timeout' must be a positive number of seconds"));
        QCOMPARE(errorOf("[[handler]]\nclas = \"A\"\n"),
            std::string("h.toml:2: unknown key 'clas' (known: class, command, timeout, working_dir, env, limit_cpu, "
                        "limit_address_space_mb, limit_open_files, limit_processes)"));
        QVERIFY(errorOf("[[handler]\n").rfind("h.toml:1: ", 0) == 0); // TOML syntax error
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = [\"x\"]\nenv = { REDISCLI_AUTH = \"pw\" }\n"),
            std::string("h.toml:4: env.REDISCLI_AUTH is a secret of Kiqdesk's and never passed to handlers"));
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = [\"x\"]\nenv = { N = 1 }\n"),
            std::string("h.toml:4: env.N must be a string"));
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = [\"x\"]\nlimit_cpu = 1.5\n"),
            std::string("h.toml:4: 'limit_cpu' must be a whole number from 0 (no limit) to 604800"));
        QCOMPARE(errorOf("[[handler]]\nclass = \"A\"\ncommand = [\"x\"]\nlimit_open_files = -1\n"),
            std::string("h.toml:4: 'limit_open_files' must be a whole number from 0 (no limit) to 1048576"));
        QVERIFY(errorOf("[worker]\nx = 1\n").find("unknown key 'worker'") != std::string::npos);
    }

    void externalCommandsGetTheJobOnStdinAndReportFailures()
    {
        ExternalCommandSpec echo {
            "X", {"/bin/sh", "-c", "cat; echo \"$KIQ_JID\""}, std::chrono::seconds(10), {}, {}, {}};
        std::string big(300000, 'x'); // larger than a pipe buffer: written while output is read
        auto r = runExternalCommand(echo, big, {"KIQ_JID=j1"}, {});
        QVERIFY(r.ok());
        QCOMPARE(r.stdoutTail, big.substr(big.size() - kTailBytes + 3) + "j1\n");

        ExternalCommandSpec fail {"X", {"/bin/sh", "-c", "echo first >&2; echo 'boom: bad input' >&2; exit 3"},
            std::chrono::seconds(10), {}, {}, {}};
        r = runExternalCommand(fail, "", {}, {});
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(r.stderrTail, std::string("first\nboom: bad input\n"));

        // A timeout kills the whole process group, grandchildren included.
        ExternalCommandSpec slow {"X", {"/bin/sh", "-c", "sleep 37.25 & sleep 37.25; echo never"},
            std::chrono::milliseconds(300), {}, {}, {}};
        const auto started = std::chrono::steady_clock::now();
        r = runExternalCommand(slow, "", {}, {});
        QVERIFY(r.timedOut);
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
        QTest::qWait(100);
        QCOMPARE(QProcessRunningCount("slee[p] 37[.]25"), 0);

        // The stop token ends it too (shutdown).
        std::stop_source stop;
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            stop.request_stop();
        });
        ExternalCommandSpec wait {"X", {"/bin/sh", "-c", "sleep 30"}, std::chrono::seconds(20), {}, {}, {}};
        r = runExternalCommand(wait, "", {}, stop.get_token());
        stopper.join();
        QVERIFY(r.interrupted);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
            runExternalCommand({"X", {"/nonexistent/program"}, std::chrono::seconds(1), {}, {}, {}}, "", {}, {}));
    }

private:
    static int QProcessRunningCount(const char* pattern)
    {
        std::string cmd = std::string("pgrep -f '") + pattern + "' | wc -l";
        FILE* p = ::popen(cmd.c_str(), "r");
        int n = -1;
        if (p && std::fscanf(p, "%d", &n) != 1) n = -1;
        if (p) ::pclose(p);
        return n;
    }
};

QTEST_APPLESS_MAIN(TestWorkerUnits)
#include "tst_worker_units.moc"
