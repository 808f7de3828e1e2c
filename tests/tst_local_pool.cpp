// LocalPool and what feeds it, without widgets (so the sanitizer pass covers it): PoolSpec accepts and
// refuses like `kiqdesk-cli work`, the log ring keeps the newest lines and hands out only new ones, a
// start against no server fails with the reason and may be retried, a stop posted while starting
// wins, one pool per target (no thread until started), and stopAll() stops running pools and pools whose owner has let
// go (a job past the timeout goes back to its queue).
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"
#include "worker/LocalPool.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using kiq::redis::Command;
using kiq::worker::LocalPool;
using kiq::worker::PoolSpec;
using kiq::worker::PoolSpecError;
using State = kiq::worker::LocalPoolStatus::State;

class TestLocalPool : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    kiq::redis::ConnectionOptions options() const { return kiq::test::optionsFor(*m_server); }
    kiq::redis::ConnectionOptions optionsForDb(int db) const
    {
        auto o = options();
        o.db = db;
        return o;
    }

    void push(const std::string& className, const std::string& args)
    {
        const auto built = kiq::sidekiq::JobBuilder(className, args).build();
        QVERIFY(built.ok());
        m_client->pipeline(
            {Command("SADD").key("queues").arg("default"), Command("LPUSH").key("queue:default").arg(built.json)});
    }
    long long integer(const Command& c) { return m_client->command(c).throwIfError().asInteger(); }
    static bool settled(const std::shared_ptr<LocalPool>& pool, State state, int timeoutMs = 10000)
    {
        return kiq::test::waitUntil([&] { return pool->status().state == state; }, timeoutMs);
    }
    static std::optional<PoolSpecError::Field> refusal(const PoolSpec& spec)
    {
        try {
            spec.build();
        } catch (const PoolSpecError& e) {
            return e.field();
        }
        return std::nullopt;
    }

private slots:
    void init() { startServer(); }
    void cleanup()
    {
        QVERIFY(LocalPool::stopAll(std::chrono::seconds(2)));
        stopServer();
    }

    void specAcceptsAndRefusesLikeTheCli()
    {
        PoolSpec spec;
        spec.queues = {"critical,x"};
        QCOMPARE(refusal(spec), PoolSpecError::Field::Queues);
        spec.queues = {"a", "a"};
        QCOMPARE(refusal(spec), PoolSpecError::Field::Queues); // Sidekiq: defined twice
        spec.queues = {};
        QCOMPARE(refusal(spec), PoolSpecError::Field::Queues);
        spec.queues = {"critical,3", "default"};
        spec.concurrency = 0;
        QCOMPARE(refusal(spec), PoolSpecError::Field::Concurrency);
        spec.concurrency = 3;
        spec.handlerFile = "/nonexistent/handlers.toml";
        QCOMPARE(refusal(spec), PoolSpecError::Field::HandlerFile);

        QTemporaryDir dir;
        QFile toml(dir.filePath(QStringLiteral("h.toml")));
        QVERIFY(toml.open(QIODevice::WriteOnly));
        toml.write("[[handler]]\nclass = \"Report*\"\ncommand = [\"/bin/true\"]\n");
        toml.close();
        spec.handlerFile = toml.fileName().toStdString();
        spec.builtins = false;
        spec.basicFetch = true;
        const auto setup = spec.build();
        QVERIFY(setup.handlers.find("ReportDaily") != nullptr);
        QVERIFY(setup.handlers.find("Kiqdesk::Sleep") == nullptr);
        QVERIFY(!setup.options.builtinHandlers); // --no-builtins reaches the Launcher
        QVERIFY(!setup.options.crashSafe);
        QVERIFY(!setup.options.queues.strict());
        QCOMPARE(setup.options.queues.expanded().size(), std::size_t(4));
        QCOMPARE(setup.options.concurrency, 3);
    }

    void logRingKeepsTheNewestLines()
    {
        kiq::worker::PoolLog log(3);
        QVERIFY(log.since(0).empty());
        for (int i = 1; i <= 5; ++i) log.append(kiq::worker::LogLevel::Info, "line " + std::to_string(i));
        const auto all = log.since(0);
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all.front().seq, std::uint64_t(3));
        QCOMPARE(all.back().text, std::string("line 5"));
        QCOMPARE(log.since(1).size(), std::size_t(3)); // lines that dropped out are simply gone
        QCOMPARE(log.since(4).size(), std::size_t(1));
        QVERIFY(log.since(5).empty());
    }

    void oneOwnerPerTarget()
    {
        const auto threads = [] {
            return QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
        };
        const auto before = threads();
        auto a = LocalPool::forTarget(options());
        QCOMPARE(threads(), before); // a pool never started has no thread (every deployment has a panel)
        QCOMPARE(LocalPool::forTarget(options()), a);
        QVERIFY(LocalPool::forTarget(optionsForDb(3)) != a);
    }

    void failedStartSaysWhyAndMayBeRetried()
    {
        auto pool = LocalPool::forTarget(kiq::test::optionsFor(kiq::test::freePort()));
        QVERIFY(pool->start({}));
        QVERIFY(!pool->start({})); // Starting: a second start is refused
        QVERIFY(settled(pool, State::Failed));
        const auto s = pool->status();
        QVERIFY(!s.error.empty());
        QVERIFY(s.idle());
        bool logged = false;
        for (const auto& line : pool->log().since(0)) logged |= line.text.find("could not start") != std::string::npos;
        QVERIFY(logged);
        QVERIFY(pool->start({}));
        QVERIFY(settled(pool, State::Failed));
    }

    void stopWhileStartingWins()
    {
        auto pool = LocalPool::forTarget(options());
        QVERIFY(pool->start({}));
        pool->stop();
        QCOMPARE(pool->status().state, State::Stopping);
        QVERIFY(settled(pool, State::Stopped));
        QCOMPARE(integer(Command("SCARD").key("processes")), 0LL);
    }

    void stopAllStopsOwnedAndReleasedPools()
    {
        auto owned = LocalPool::forTarget(options());
        kiq::worker::PoolSetup setup;
        setup.options.concurrency = 2;
        QVERIFY(owned->start(std::move(setup)));
        QVERIFY(settled(owned, State::Running));
        push("Kiqdesk::Sleep", "[30]");
        QVERIFY(kiq::test::waitUntil([&] { return owned->status().pool.busy == 1; }, 10000));

        auto released = LocalPool::forTarget(optionsForDb(1)); // another target on the same server
        QVERIFY(released->start({}));
        QVERIFY(settled(released, State::Running));
        QCOMPARE(integer(Command("SCARD").key("processes")), 1LL); // db 1 has its own
        QElapsedTimer release;
        release.start();
        released.reset(); // stops in the background
        QVERIFY(release.elapsed() < 50);

        QElapsedTimer clock;
        clock.start();
        QVERIFY(LocalPool::stopAll(std::chrono::milliseconds(500)));
        qInfo("stopAll with a 30 s job and a released pool: %lld ms", clock.elapsed());
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(owned->status().state, State::Stopped);
        QCOMPARE(integer(Command("LLEN").key("queue:default")), 1LL); // the sleeper, back in its queue
        QCOMPARE(integer(Command("SCARD").key("processes")), 0LL);
        kiq::redis::Client db1(optionsForDb(1));
        QVERIFY(kiq::test::waitUntil(
            [&] { return db1.command(Command("SCARD").key("processes")).asInteger() == 0; }, 5000));
    }
};

QTEST_MAIN(TestLocalPool)
#include "tst_local_pool.moc"
