// The built-in and external handlers against a real redis-server, as a hostile job or a careless
// handler would use them: built-in arguments out of range, the environment and limits an external
// command runs with, and what a failure writes to Redis.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "worker/ExternalCommand.h"
#include "worker/Launcher.h"

#include "sidekiq/model/BacktraceCodec.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <map>

#include <unistd.h>

using namespace kiq;
using namespace kiq::worker;
using kiq::test::waitUntil;
using sidekiq::JobRecord;

class TestWorkerHandlers : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    WorkerOptions options(int concurrency = 2) const
    {
        WorkerOptions o = kiq::test::quickWorkerOptions({"default"}, concurrency);
        o.logLevel = LogLevel::Warn;
        return o;
    }

    std::string push(const std::string& className, const std::string& args, bool backtrace = false)
    {
        sidekiq::JobBuilder b(className, args);
        b.setQueue("default");
        if (backtrace) b.setExtraRaw("backtrace", "true");
        const auto built = b.build();
        if (!built.ok()) qFatal("%s", built.error.c_str());
        m_client->pipeline({redis::Command("SADD").key("queues").arg("default"),
            redis::Command("LPUSH").key("queue:default").arg(built.json)});
        return built.json;
    }
    long long zcard(const std::string& key)
    {
        return m_client->command(redis::Command("ZCARD").key(key)).throwIfError().asInteger();
    }
    // The retry set's jobs by jid.
    std::map<std::string, JobRecord> retries()
    {
        std::map<std::string, JobRecord> out;
        for (const auto& m : m_client->command(redis::Command("ZRANGE").key("retry").arg(0).arg(-1)).asStringList()) {
            JobRecord r = JobRecord::parse(m);
            out.emplace(r.jid, r);
        }
        return out;
    }

    // Runs one job of `className` through a pool whose only handlers come from `toml`, and returns it
    // as the retry set holds it after its failure.
    std::optional<JobRecord> failOnce(const std::string& toml, const std::string& className, int timeoutMs = 15000)
    {
        HandlerRegistry handlers;
        handlers.addExternal(parseHandlerConfig(toml, "handlers.toml"));
        Launcher pool(kiq::test::optionsFor(*m_server), options(1), std::move(handlers));
        pool.start();
        const std::string jid = JobRecord::parse(push(className, "[\"argv-free\"]", true)).jid;
        const bool failed = waitUntil([&] { return zcard("retry") == 1; }, timeoutMs);
        pool.stop();
        if (!failed) return std::nullopt;
        auto all = retries();
        return all.count(jid) ? std::optional<JobRecord>(all.at(jid)) : std::nullopt;
    }

    static int runningCount(const char* pattern)
    {
        const std::string cmd = std::string("pgrep -f '") + pattern + "' | wc -l";
        FILE* p = ::popen(cmd.c_str(), "r");
        int n = -1;
        if (p && std::fscanf(p, "%d", &n) != 1) n = -1;
        if (p) ::pclose(p);
        return n;
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    // 1e300 or inf seconds used to be converted to nanoseconds (undefined behaviour, seen by UBSan);
    // negative, NaN and non-numbers slept 0 s and succeeded.
    void builtinsRefuseArgumentsOutOfRange()
    {
        HandlerRegistry handlers;
        handlers.addBuiltins();
        Launcher pool(kiq::test::optionsFor(*m_server), options(), std::move(handlers));
        pool.start();
        std::vector<std::string> bad;
        for (const char* args :
            {"[1e300]", "[\"inf\"]", "[\"-inf\"]", "[-1]", "[\"nan\"]", "[null]", "[\"1s\"]", "[90000]", "[1e-400]"})
            bad.push_back(JobRecord::parse(push("Kiqdesk::Sleep", args)).jid);
        const std::string badFail = JobRecord::parse(push("Kiqdesk::Fail", "[42,{\"x\":1}]")).jid;
        push("Kiqdesk::Sleep", "[0.01,7]"); // extra arguments are fine (the demo data has them)
        push("Kiqdesk::Sleep", "[\"0.02\"]");
        push("Kiqdesk::Echo", "[\"" + std::string(20000, 'e') + "\"]");
        const auto nBad = static_cast<long long>(bad.size());
        QVERIFY(waitUntil([&] { return zcard("retry") == nBad + 1; }, 10000));
        QVERIFY(waitUntil([&] { return pool.snapshot().processed == nBad + 4; }, 5000));
        const auto failed = retries();
        for (const auto& jid : bad) {
            const JobRecord& r = failed.at(jid);
            QCOMPARE(*r.errorClass, std::string("ArgumentError"));
            QVERIFY2(r.errorMessage->rfind("Kiqdesk::Sleep takes a number of seconds from 0 to 86400", 0) == 0,
                r.errorMessage->c_str());
        }
        QCOMPARE(*failed.at(badFail).errorClass, std::string("ArgumentError"));
        QVERIFY(failed.at(badFail).errorMessage->find("Kiqdesk::Fail takes an error class name") != std::string::npos);
        pool.stop();
        QCOMPARE(pool.snapshot().failed, nBad + 1);
    }

    // The log is shown in the app and kept by the CLI: arguments and error messages there pass the
    // profile's redaction (Kiqdesk::Echo used to log args=[...] in clear).
    void logsHideArgumentsByTheProfilesRules()
    {
        auto run = [&](const redaction::RedactionRules& rules) {
            flushAll();
            WorkerOptions o = options(1);
            o.logLevel = LogLevel::Info;
            o.redaction = rules;
            kiq::test::LogCapture log;
            HandlerRegistry handlers;
            Launcher pool(kiq::test::optionsFor(*m_server), o, std::move(handlers), log.sink());
            pool.start();
            push("Kiqdesk::Echo", R"(["ann","hunter2-pos",{"password":"hunter2-key"}])");
            push("Kiqdesk::Fail", R"(["RuntimeError","login failed for password=hunter3"])");
            waitUntil([&] { return pool.snapshot().processed == 2; }, 10000);
            pool.stop();
            return log.lines();
        };
        redaction::RedactionRules rules;
        rules.paths = {"args[1]"};
        std::string all;
        for (const auto& line : run(rules)) all += line + "\n";
        QVERIFY2(all.find("Kiqdesk::Echo jid=") != std::string::npos, all.c_str());
        QVERIFY2(all.find("login failed for password=[REDACTED]") != std::string::npos, all.c_str());
        for (const char* secret : {"hunter2-pos", "hunter2-key", "hunter3"})
            QVERIFY2(all.find(secret) == std::string::npos, secret);
        // Without rules the same jobs show them: the check above can fail.
        std::string clear;
        for (const auto& line : run(redaction::RedactionRules::none())) clear += line + "\n";
        for (const char* secret : {"hunter2-pos", "hunter2-key", "hunter3"})
            QVERIFY2(clear.find(secret) != std::string::npos, secret);
    }

    // Handlers inherited our whole environment: `sh -c env` printed REDISCLI_AUTH and friends.
    void handlersSeeAnAllowlistedEnvironmentOnly()
    {
        const std::map<const char*, const char*> secrets {{"REDISCLI_AUTH", "redis-secret-1"},
            {"KIQDESK_SENTINEL_AUTH", "sentinel-secret-2"}, {"KIQDESK_ACL_PASSWORD", "acl-secret-3"},
            {"APP_API_TOKEN", "stray-secret-4"}};
        for (const auto& [name, value] : secrets) qputenv(name, value);
        qputenv("LC_TIME", "C");
        QTemporaryDir dir;
        // The environment a handler sees, as `env` prints it; `extra` is added to its config.
        const auto environmentOf = [&](const std::string& name, const std::string& extra, std::string* jid) {
            const std::string out = dir.path().toStdString() + "/" + name + ".txt";
            HandlerRegistry handlers;
            handlers.addExternal(parseHandlerConfig(
                "[[handler]]\nclass = \"" + name + "\"\ncommand = [\"sh\", \"-c\", \"env > " + out + "\"]\n" + extra,
                "handlers.toml"));
            Launcher pool(kiq::test::optionsFor(*m_server), options(1), std::move(handlers));
            pool.start();
            *jid = JobRecord::parse(push(name, "[]")).jid;
            waitUntil([&] { return pool.snapshot().processed == 1; }, 10000);
            pool.stop();
            QFile file(QString::fromStdString(out));
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        std::string jid;
        const QByteArray plain = environmentOf("EnvJob", "", &jid);
        QVERIFY(!plain.isEmpty());
        for (const auto& [name, value] : secrets) {
            QVERIFY2(!plain.contains(name), name);
            QVERIFY2(!plain.contains(value), value);
        }
        for (const QByteArray& expected :
            {QByteArray("LC_TIME=C\n"), QByteArray("KIQ_JID=" + QByteArray::fromStdString(jid) + "\n"),
                QByteArray("KIQ_QUEUE=default\n"), "PATH=" + qgetenv("PATH") + "\n"})
            QVERIFY2(plain.contains(expected), plain.constData());

        // The handler's own variables, from its config.
        const QByteArray own = environmentOf("OwnEnvJob", "env = { RAILS_ENV = \"test\", TZ = \"UTC\" }\n", &jid);
        for (const auto& [name, value] : secrets) qunsetenv(name);
        for (const QByteArray& expected :
            {QByteArray("RAILS_ENV=test\n"), QByteArray("TZ=UTC\n"), QByteArray("LC_TIME=C\n")})
            QVERIFY2(own.contains(expected), own.constData());
        QVERIFY(!own.contains("secret"));
    }

    // A failed job's backtrace held the handler's whole command line ("command: sh -c … <token>"),
    // stored in Redis for anyone who can read the retry set.
    void failuresKeepTheHandlersArgumentsOutOfRedis()
    {
        const auto job = failOnce(
            "[[handler]]\nclass = \"LeakyJob\"\ncommand = [\"/bin/sh\", \"-c\", \"echo failing >&2; exit 4\", "
            "\"sh\", \"--token=argv-s3cr3t\"]\n",
            "LeakyJob");
        QVERIFY(job.has_value());
        QVERIFY(job->raw.find("s3cr3t") == std::string::npos);
        QCOMPARE(*job->errorMessage, std::string("failing"));
        QVERIFY(job->errorBacktrace.has_value());
        const auto& trace = *job->errorBacktrace;
        for (const auto& line : trace) QVERIFY2(line.find("s3cr3t") == std::string::npos, line.c_str());
        QCOMPARE(trace.at(0), std::string("kiqdesk worker: external handler for LeakyJob (sh)"));
        QCOMPARE(trace.at(1), std::string("exit status 4"));

        m_server->cli({"FLUSHALL"});
        const auto missing = failOnce(
            "[[handler]]\nclass = \"Gone\"\ncommand = [\"/nonexistent/tool\", \"--token=argv-s3cr3t\"]\n", "Gone");
        QVERIFY(missing.has_value());
        QVERIFY(missing->raw.find("s3cr3t") == std::string::npos);
        QCOMPARE(*missing->errorMessage, std::string("cannot start /nonexistent/tool: No such file or directory"));
    }

    void cpuLimitStopsABusyLoop()
    {
        const auto job
            = failOnce("[[handler]]\nclass = \"Spin\"\ncommand = [\"/bin/sh\", \"-c\", \"while :; do :; done\"]\n"
                       "timeout = 60\nlimit_cpu = 1\n",
                "Spin", 30000);
        QVERIFY(job.has_value());
        QCOMPARE(*job->errorClass, std::string("ExternalCommandFailed"));
        QCOMPARE(*job->errorMessage, std::string("killed by SIGXCPU: CPU limit 1 s"));
        QCOMPARE(job->errorBacktrace->back(),
            std::string("limits: CPU 1 s, address space none, open files 1024, processes +256"));
    }

    void openFilesLimitStopsAnFdHog()
    {
        const auto job
            = failOnce("[[handler]]\nclass = \"Hog\"\ncommand = [\"/usr/bin/perl\", \"-e\", "
                       "'for (1..100000) { open(my $f, \"<\", \"/dev/null\") or die \"open: $!\\n\"; push @f, $f }']\n"
                       "limit_open_files = 32\nlimit_address_space_mb = 1024\n",
                "Hog");
        QVERIFY(job.has_value());
        QCOMPARE(*job->errorMessage, std::string("open: Too many open files"));
        QCOMPARE(job->errorBacktrace->back(),
            std::string("limits: CPU 300 s, address space 1024 MB, open files 32, processes +256"));
    }

    // A handler's children outlived it: a fork bomb's remains kept running after the job failed.
    void whatAHandlerLeavesRunningIsKilled()
    {
        const auto job = failOnce("[[handler]]\nclass = \"Litter\"\ncommand = [\"/bin/sh\", \"-c\", "
                                  "\"for i in 1 2 3 4 5 6 7 8; do sleep 43.25 & done; exit 1\"]\n",
            "Litter");
        QVERIFY(job.has_value());
        QCOMPARE(*job->errorMessage, std::string("command failed with exit status 1"));
        QVERIFY(waitUntil([] { return runningCount("slee[p] 43[.]25") == 0; }, 2000));
    }

    // RLIMIT_NPROC counts the user's processes, so the limit is set to what the user runs now plus the
    // allowance. Root ignores it, but the handler must still get it (the fork bomb test needs non-root).
    void processesLimitIsSetOnTheHandler()
    {
        const auto job
            = failOnce("[[handler]]\nclass = \"Count\"\ncommand = [\"/bin/sh\", \"-c\", "
                       "\"awk \'/Max processes/ {print $3}\' /proc/self/limits >&2; exit 3\"]\nlimit_processes = 20\n",
                "Count");
        QVERIFY(job.has_value());
        bool number = false;
        const long long limit = QString::fromStdString(*job->errorMessage).toLongLong(&number);
        QVERIFY2(number, job->errorMessage->c_str()); // not "unlimited"
        QVERIFY2(limit >= 20 && limit < 1000000, job->errorMessage->c_str());
        QCOMPARE(job->errorBacktrace->back(),
            std::string("limits: CPU 300 s, address space none, open files 1024, processes +20"));
    }

    void processesLimitStopsAForkBomb()
    {
        if (::geteuid() == 0) QSKIP("RLIMIT_NPROC does not bind root; the open-files and CPU limits are tested above");
        const auto job = failOnce("[[handler]]\nclass = \"Bomb\"\ncommand = [\"/bin/sh\", \"-c\", "
                                  "\"i=0; while [ $i -lt 2000 ]; do sleep 43.75 & i=$((i+1)); done; wait\"]\n"
                                  "timeout = 40\nlimit_processes = 20\n",
            "Bomb");
        QVERIFY(job.has_value());
        QVERIFY2(job->errorMessage->find("fork") != std::string::npos, job->errorMessage->c_str());
        QVERIFY(waitUntil([] { return runningCount("slee[p] 43[.]75") == 0; }, 2000));
    }
};

QTEST_GUILESS_MAIN(TestWorkerHandlers)
#include "tst_worker_handlers.moc"
