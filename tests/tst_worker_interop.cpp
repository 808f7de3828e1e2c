// Our worker pool and real Sidekiq 6.4.1 on one Redis: jobs pushed by Sidekiq::Client run in our pool
// and jobs we push run in `sidekiq`; Sidekiq's ProcessSet and Workers API list our pool with the right
// fields, and its quiet!/stop! control it; retries written by either side are picked up by the other's
// poller and run.
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/Launcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <unistd.h>

using namespace kiq;
using namespace kiq::worker;
using kiq::test::RedisServer;
using kiq::test::runSidekiqRuby;
using kiq::test::SidekiqProcess;
using kiq::test::waitUntil;

namespace {
std::string firstArg(const JobContext& ctx)
{
    const std::string_view args = ctx.argsJson();
    const auto spans = sidekiq::json::arrayElements(args);
    if (!spans || spans->empty()) throw JobError("ArgumentError", "wrong number of arguments (given 0, expected 1+)");
    std::string token((*spans)[0].in(args));
    if (!token.empty() && token.front() == '"') token = token.substr(1, token.size() - 2);
    return token;
}

// The C++ twins of tests/ruby/jobs.rb's classes.
HandlerRegistry jobsRbHandlers()
{
    HandlerRegistry h;
    h.add("EchoJob", [](const JobContext& ctx) {
        const std::string token = firstArg(ctx);
        ctx.redis.pipeline(
            {redis::Command("SET").key("done:" + token).arg(ctx.job.jid), redis::Command("INCR").key("runs:" + token)});
    });
    h.add("HardJob", [](const JobContext& ctx) {
        const std::string token = firstArg(ctx);
        if (ctx.redis.command(redis::Command("GET").key("allow:" + token)).isNil())
            throw JobError("ArgumentError", "not allowed yet: " + token);
        ctx.redis.pipeline(
            {redis::Command("SET").key("done:" + token).arg(ctx.job.jid), redis::Command("INCR").key("runs:" + token)});
    });
    h.add("SlowJob", [](const JobContext& ctx) {
        const double seconds = std::stod(firstArg(ctx));
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        if (cv.wait_for(lock, ctx.hardStop, std::chrono::duration<double>(seconds), [] { return false; }))
            throw JobInterrupted();
    });
    return h;
}

QJsonObject json(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}
} // namespace

class TestWorkerInterop : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    int port() const { return m_server->port(); }

    WorkerOptions options() const
    {
        WorkerOptions o;
        o.concurrency = 3;
        o.pollIntervalAverage = std::chrono::milliseconds(300);
        o.shutdownTimeout = std::chrono::seconds(5);
        return o;
    }
    QString get(const std::string& key)
    {
        return QString::fromStdString(
            m_client->command(redis::Command("GET").key(key)).asOptionalString().value_or(""));
    }
    long long zcard(const char* key) { return m_client->command(redis::Command("ZCARD").key(key)).asInteger(); }
    void makeRetryDue()
    {
        const auto members = m_client->command(redis::Command("ZRANGE").key("retry").arg(0).arg(-1)).asStringList();
        for (const auto& m : members)
            m_client->command(
                redis::Command("ZADD").key("retry").arg("XX").arg(sidekiq::Timestamp::now().seconds() - 1).arg(m));
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = kiq::test::clientFor(*m_server);
    }
    void init() { m_server->cli({"FLUSHALL"}); }

    void jobsFromSidekiqClientRunInOurPool()
    {
        Launcher pool(kiq::test::optionsFor(*m_server), options(), jobsRbHandlers());
        pool.start();
        const QString jid = runSidekiqRuby(port(), "puts EchoJob.perform_async('x1')");
        QVERIFY(waitUntil([&] { return get("done:x1") == jid; }, 10000));
        QCOMPARE(get("runs:x1"), QString("1"));
        pool.stop();
        // Sidekiq's Stats sees what our pool counted.
        QCOMPARE(runSidekiqRuby(port(), "puts Sidekiq::Stats.new.processed"), QString("1"));
    }

    void jobsWePushRunInRealSidekiq()
    {
        SidekiqProcess sidekiq(port());
        const auto built = sidekiq::JobBuilder("EchoJob", "[\"y1\"]").build();
        m_client->pipeline({redis::Command("SADD").key("queues").arg("default"),
            redis::Command("LPUSH").key("queue:default").arg(built.json)});
        QVERIFY(waitUntil([&] { return get("done:y1") == QString::fromStdString(built.jid); }, 20000, 100));
    }

    void sidekiqApiSeesAndControlsOurPool()
    {
        WorkerOptions o = options();
        o.queues = QueueList::parse({"critical", "default"});
        o.tag = "kiqtest";
        o.labels = {"kiqdesk"};
        o.heartbeatInterval = std::chrono::milliseconds(1000);
        Launcher pool(kiq::test::optionsFor(*m_server), o, jobsRbHandlers());
        pool.start();
        const QString id = QString::fromStdString(pool.identity());
        const QString jid = runSidekiqRuby(port(), "puts SlowJob.perform_async(8)");
        QVERIFY(waitUntil([&] { return pool.snapshot().busy == 1; }, 5000));
        QTest::qWait(1200); // across a heartbeat: the work hash is written then
        const QJsonObject seen = json(runSidekiqRuby(port(),
            QStringLiteral(R"RUBY(
p = Sidekiq::ProcessSet.new.find { |x| x.identity == '%1' }
w = Sidekiq::Workers.new.select { |pid, _tid, _work| pid == '%1' }
puts JSON.generate({identity: p.identity, pid: p['pid'], queues: p.queues, concurrency: p['concurrency'], busy: p['busy'],
  quiet: p['quiet'], tag: p.tag, labels: p.labels, hostname: p['hostname'], started: p['started_at'].class.name,
  size: Sidekiq::Workers.new.size, total: Sidekiq::ProcessSet.new.total_concurrency,
  workers: w.map { |_pid, tid, work| {tid: tid, queue: work['queue'], jid: work['payload']['jid'], klass: work['payload']['class'], run_at: work['run_at'].class.name} }})
)RUBY")
                .arg(id)));
        QCOMPARE(seen["identity"].toString(), id);
        QCOMPARE(seen["pid"].toInt(), int(::getpid()));
        QCOMPARE(seen["queues"].toArray(), (QJsonArray {"critical", "default"}));
        QCOMPARE(seen["concurrency"].toInt(), 3);
        QCOMPARE(seen["busy"].toInt(), 1);
        QCOMPARE(seen["quiet"].toString(), QString("false"));
        QCOMPARE(seen["tag"].toString(), QString("kiqtest"));
        QCOMPARE(seen["labels"].toArray(), QJsonArray {"kiqdesk"});
        QCOMPARE(seen["started"].toString(), QString("Float"));
        QCOMPARE(seen["size"].toInt(), 1);
        QCOMPARE(seen["total"].toInt(), 3);
        const QJsonArray workers = seen["workers"].toArray();
        QCOMPARE(workers.size(), 1);
        QCOMPARE(workers[0].toObject()["jid"].toString(), jid);
        QCOMPARE(workers[0].toObject()["klass"].toString(), QString("SlowJob"));
        QCOMPARE(workers[0].toObject()["queue"].toString(), QString("default"));
        QCOMPARE(workers[0].toObject()["run_at"].toString(), QString("Integer"));

        // Process#quiet! then #stop!, as the Web UI sends them.
        runSidekiqRuby(
            port(), QStringLiteral("Sidekiq::ProcessSet.new.find { |x| x.identity == '%1' }.quiet!").arg(id));
        QVERIFY(waitUntil([&] { return pool.quieted(); }, 5000));
        QVERIFY(waitUntil(
            [&] {
                return runSidekiqRuby(port(),
                           QStringLiteral("puts Sidekiq::ProcessSet.new.find { |x| x.identity == '%1' }.stopping?")
                               .arg(id))
                    == "true";
            },
            8000, 200));
        runSidekiqRuby(port(), "EchoJob.perform_async('after-quiet')");
        runSidekiqRuby(port(), QStringLiteral("Sidekiq::ProcessSet.new.find { |x| x.identity == '%1' }.stop!").arg(id));
        QVERIFY(pool.waitForStopRequest(std::chrono::milliseconds(5000)));
        pool.stop(std::chrono::milliseconds(500)); // SlowJob is still sleeping: it goes back to its queue
        QCOMPARE(get("runs:after-quiet"), QString()); // quiet: not fetched
        const QString after = runSidekiqRuby(port(),
            QStringLiteral("puts [Sidekiq::ProcessSet.new.any? { |x| x.identity == '%1' }, "
                           "Sidekiq::Queue.new('default').map(&:jid).sort.join(',')].join(' ')")
                .arg(id));
        QVERIFY2(after.startsWith("false ") && after.contains(jid), qPrintable(after));
    }

    void retriesMadeBySidekiqAreRunByOurPollerAndPool()
    {
        QString jid;
        {
            SidekiqProcess sidekiq(port());
            jid = runSidekiqRuby(port(), "puts HardJob.perform_async('r1')");
            QVERIFY(waitUntil([&] { return zcard("retry") == 1; }, 20000, 100));
        }
        m_client->command(redis::Command("SET").key("allow:r1").arg("1"));
        makeRetryDue();
        Launcher pool(kiq::test::optionsFor(*m_server), options(), jobsRbHandlers());
        pool.start();
        QVERIFY(waitUntil([&] { return get("done:r1") == jid; }, 10000));
        QCOMPARE(zcard("retry"), 0LL);
        pool.stop();
    }

    void retriesMadeByOurPoolAreReadAndRunBySidekiq()
    {
        {
            Launcher pool(kiq::test::optionsFor(*m_server), options(), jobsRbHandlers());
            pool.start();
            runSidekiqRuby(port(), "HardJob.perform_async('r2')"); // retry: 5, backtrace: 5 (its sidekiq_options)
            QVERIFY(waitUntil([&] { return zcard("retry") == 1; }, 10000));
            pool.stop();
        }
        // Sidekiq's RetrySet reads what our RetryHandler wrote.
        const QJsonObject r = json(runSidekiqRuby(port(), R"RUBY(
r = Sidekiq::RetrySet.new.first
puts JSON.generate({klass: r.klass, args: r.args, error_class: r['error_class'], error_message: r['error_message'],
  retry_count: r['retry_count'], failed_at: r['failed_at'].class.name, queue: r.queue, bt: r.error_backtrace,
  at_ok: (r.at.to_f - Time.now.to_f).between?(0, 25)})
)RUBY"));
        QCOMPARE(r["klass"].toString(), QString("HardJob"));
        QCOMPARE(r["error_class"].toString(), QString("ArgumentError"));
        QCOMPARE(r["error_message"].toString(), QString("not allowed yet: r2"));
        QCOMPARE(r["retry_count"].toInt(), 0);
        QCOMPARE(r["failed_at"].toString(), QString("Float"));
        QCOMPARE(r["queue"].toString(), QString("default"));
        QVERIFY(r["bt"].toArray().size() >= 1);
        QVERIFY(r["at_ok"].toBool());

        m_client->command(redis::Command("SET").key("allow:r2").arg("1"));
        makeRetryDue();
        // Sidekiq's poller starts after 10-15 s (scheduled.rb INITIAL_WAIT + rand(5)).
        SidekiqProcess sidekiq(port());
        QVERIFY(waitUntil([&] { return !get("done:r2").isEmpty(); }, 40000, 200));
        QCOMPARE(zcard("retry"), 0LL);
    }
};

QTEST_GUILESS_MAIN(TestWorkerInterop)
#include "tst_worker_interop.moc"
