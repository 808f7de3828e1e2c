// The built-in handlers against a real redis-server, as a hostile job would use them: arguments out
// of range.
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/JobBuilder.h"
#include "sidekiq/JobRecord.h"
#include "worker/Launcher.h"

#include <QTest>

#include <map>

using namespace kiq;
using namespace kiq::worker;
using kiq::test::RedisServer;
using kiq::test::waitUntil;
using sidekiq::JobRecord;

class TestWorkerHandlers : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;

    redis::ConnectionOptions connection() const
    {
        redis::ConnectionOptions o;
        o.endpoint = {"127.0.0.1", m_server->port()};
        return o;
    }

    WorkerOptions options(int concurrency = 2) const
    {
        WorkerOptions o;
        o.queues = QueueList::parse({"default"});
        o.concurrency = concurrency;
        o.pollIntervalAverage = std::chrono::milliseconds(200);
        o.heartbeatInterval = std::chrono::milliseconds(300);
        o.shutdownTimeout = std::chrono::seconds(5);
        o.logLevel = LogLevel::Warn;
        return o;
    }

    std::string push(const std::string& className, const std::string& args)
    {
        sidekiq::JobBuilder b(className, args);
        b.setQueue("default");
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

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<redis::Client>(connection());
    }
    void init() { m_server->cli({"FLUSHALL"}); }

    // 1e300 or inf seconds used to be converted to nanoseconds (undefined behaviour, seen by UBSan);
    // negative, NaN and non-numbers slept 0 s and succeeded.
    void builtinsRefuseArgumentsOutOfRange()
    {
        HandlerRegistry handlers;
        handlers.addBuiltins();
        Launcher pool(connection(), options(), std::move(handlers));
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
};

QTEST_GUILESS_MAIN(TestWorkerHandlers)
#include "tst_worker_handlers.moc"
