// The Local workers page against a real redis-server: a pool started from the page's form (queues with
// weights, an external-command handler file, the built-ins) runs pushed jobs; counts, the jobs in
// flight and the log follow; the start is audited by the WriteGate and refused while read-only; Stop
// and closing the page return at once (measured), and a job still running at the shutdown timeout
// goes back to its queue. A pool made elsewhere for the same Redis (the sandbox's) is the one the page
// shows and controls, and Sidekiq's API can stop it. Screenshots: workers_page.png,
// workers_page_shared.png.
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/workers/InFlightJobModel.h"
#include "pages/workers/WorkersPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "services/WriteGate.h"
#include "sidekiq/JobBuilder.h"
#include "worker/LocalPool.h"

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::ui;
using kiq::redis::Command;
using kiq::worker::LocalPool;
using State = kiq::worker::LocalPoolStatus::State;

namespace {
// Runs the event loop until `done`, timing the longest gap between two 5 ms timer ticks: how long
// the GUI thread was kept from its events.
struct StallMeter {
    qint64 worstMs = 0;
    bool runUntil(const std::function<bool()>& done, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0;
        QTimer tick;
        tick.setInterval(5);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            worstMs = std::max(worstMs, clock.elapsed() - last);
            last = clock.elapsed();
        });
        tick.start();
        return kiq::test::waitUntil(done, timeoutMs, 5);
    }
};
} // namespace

class TestWorkersPage : public QObject {
    Q_OBJECT
    std::unique_ptr<kiq::test::RedisServer> m_server;
    std::unique_ptr<kiq::redis::Client> m_direct;

    kiq::redis::ConnectionOptions options() const
    {
        kiq::redis::ConnectionOptions o;
        o.endpoint = {"127.0.0.1", m_server->port()};
        return o;
    }

    std::string push(const std::string& className, const std::string& args, const std::string& queue = "default")
    {
        kiq::sidekiq::JobBuilder b(className, args);
        b.setQueue(queue);
        const auto built = b.build();
        if (!built.ok()) qFatal("%s", built.error.c_str());
        m_direct->pipeline(
            {Command("SADD").key("queues").arg(queue), Command("LPUSH").key("queue:" + queue).arg(built.json)});
        return built.jid;
    }
    long long integer(const Command& c) { return m_direct->command(c).throwIfError().asInteger(); }
    std::vector<std::string> processes()
    {
        return m_direct->command(Command("SMEMBERS").key("processes")).asStringList();
    }
    bool listed(const std::string& identity)
    {
        const auto all = processes();
        return std::find(all.begin(), all.end(), identity) != all.end();
    }

private slots:
    void init()
    {
        m_server = std::make_unique<kiq::test::RedisServer>();
        m_direct = std::make_unique<kiq::redis::Client>(options());
    }
    void cleanup()
    {
        QVERIFY(LocalPool::stopAll(std::chrono::seconds(2)));
        m_direct.reset();
        m_server.reset();
    }

    void runsJobsFromThePanel()
    {
        applyTheme(Theme::Light);
        QTemporaryDir dir;
        const QString handlers = dir.filePath(QStringLiteral("handlers.toml"));
        QFile toml(handlers);
        QVERIFY(toml.open(QIODevice::WriteOnly));
        toml.write(
            "[[handler]]\nclass = \"Shell::*\"\ncommand = [\"/bin/sh\", \"-c\", \"cat > /dev/null; sleep 0.3\"]\n");
        toml.close();

        auto gate = std::make_shared<kiq::services::WriteGate>("test");
        std::vector<kiq::services::AuditEntry> audit;
        gate->addAuditSink([&](const kiq::services::AuditEntry& e) { audit.push_back(e); });
        kiq::redis::AsyncClient client(options());
        WorkersPage page;
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        QVERIFY(page.pool());
        QVERIFY(page.startButton()->isEnabled());
        QVERIFY(!page.stopButton()->isEnabled());

        page.concurrencyField()->setValue(4);
        page.queuesField()->setText(QStringLiteral("critical,2  default,1"));
        page.handlerFileField()->setText(handlers);
        page.shutdownTimeoutField()->setValue(1);
        // Only the sleepers at first: with weighted queues the fetch order is random, so jobs pushed
        // together need not put two sleepers in flight.
        for (int i = 0; i < 3; ++i) push("Kiqdesk::Sleep", "[5]", "critical");

        page.startPool();
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].intent.action, std::string("start-workers"));
        QVERIFY(audit[0].ok);
        QVERIFY(!page.startButton()->isEnabled()); // Starting: no second start
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Running, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page.quietButton()->isEnabled() && page.stopButton()->isEnabled(), 2000);
        QVERIFY(page.statusText().contains(QStringLiteral("critical,2 default,1")));
        QVERIFY(page.statusText().contains(QStringLiteral("weighted")));

        // The three sleepers are in flight together (4 threads).
        QTRY_VERIFY_WITH_TIMEOUT(page.inFlightModel()->rowCount() == 3, 10000);
        int sleepers = 0;
        for (int r = 0; r < page.inFlightModel()->rowCount(); ++r)
            sleepers += page.inFlightModel()->index(r, InFlightJobModel::ClassColumn).data().toString()
                == QStringLiteral("Kiqdesk::Sleep");
        QCOMPARE(sleepers, 3);
        for (int i = 0; i < 4; ++i) push("Shell::Job", "[" + std::to_string(i) + "]");
        push("Kiqdesk::Fail", R"(["ArgumentError","bad input"])");
        push("Kiqdesk::Echo", R"(["hello from the panel"])");
        const std::string identity = page.pool()->status().pool.identity;
        QVERIFY(!identity.empty());
        QVERIFY(listed(identity)); // Sidekiq's API sees it

        // The fourth thread has run the short jobs while the sleepers still run: the picture shows both.
        QTRY_VERIFY_WITH_TIMEOUT(page.pool()->status().pool.processed >= 6, 10000);
        QTest::qWait(2 * WorkersPage::kPollIntervalMs);
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("workers_page.png"));
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().pool.processed, 9LL, 20000);
        QCOMPARE(page.pool()->status().pool.failed, 1LL);
        QTRY_COMPARE_WITH_TIMEOUT(
            page.findChild<QLabel*>(QStringLiteral("poolProcessedValue"))->text(), QStringLiteral("9"), 2000);
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("poolFailedValue"))->text(), QStringLiteral("1"));
        QCOMPARE(integer(Command("ZCARD").key("retry")), 1LL);
        QTRY_COMPARE_WITH_TIMEOUT(page.inFlightModel()->rowCount(), 0, 2000);
        const QString log = page.logView()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("Booted kiqdesk worker pool")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("hello from the panel")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("ArgumentError")), qPrintable(log)); // the failure, at WARN

        // Stop while a job outlives the shutdown timeout: Stop returns at once, the GUI keeps running,
        // and the job goes back to its queue.
        push("Kiqdesk::Sleep", "[30]", "critical");
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().pool.busy, 1, 10000);
        QElapsedTimer call;
        call.start();
        page.stopPool();
        const qint64 stopCallMs = call.elapsed();
        StallMeter meter;
        QVERIFY(meter.runUntil([&] { return page.pool()->status().state == State::Stopped; }, 40000));
        qInfo("stop(): %lld ms on the GUI thread; longest event-loop stall while stopping: %lld ms", stopCallMs,
            meter.worstMs);
        QVERIFY2(stopCallMs < 50, qPrintable(QString::number(stopCallMs)));
        // Typically 10–40 ms on a busy 2-core machine (CPU contention, not the pool); a stop on this
        // thread would stall it for the whole 1 s shutdown timeout.
        QVERIFY2(meter.worstMs < 250, qPrintable(QString::number(meter.worstMs)));
        QCOMPARE(integer(Command("LLEN").key("queue:critical")), 1LL); // the interrupted job, back
        QVERIFY(!listed(identity));
        QTRY_VERIFY_WITH_TIMEOUT(page.startButton()->isEnabled() && !page.stopButton()->isEnabled(), 2000);
        QVERIFY(page.logView()->toPlainText().contains(QStringLiteral("Bye!")));
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("10 job")), 2000);
    }

    void refusesBadInputAndReadOnly()
    {
        auto gate = std::make_shared<kiq::services::WriteGate>("test", /*readOnly=*/true);
        kiq::redis::AsyncClient client(options());
        WorkersPage page;
        page.setWriteGate(gate);
        page.show();
        page.setClient(&client);
        auto* message = page.findChild<QLabel*>(QStringLiteral("workersMessage"));

        page.queuesField()->setText(QStringLiteral("critical,x"));
        page.startPool();
        QVERIFY2(message->text().contains(QStringLiteral("Queues")), qPrintable(message->text()));
        page.queuesField()->setText(QStringLiteral("default"));
        page.handlerFileField()->setText(QStringLiteral("/nonexistent/handlers.toml"));
        page.startPool();
        QVERIFY2(message->text().contains(QStringLiteral("Handler file")), qPrintable(message->text()));
        QCOMPARE(page.handlerFileField()->text(), QStringLiteral("/nonexistent/handlers.toml")); // the input stays

        page.handlerFileField()->clear();
        page.startPool();
        QVERIFY2(message->text().contains(QStringLiteral("read-only")), qPrintable(message->text()));
        QTest::qWait(300);
        QCOMPARE(page.pool()->status().state, State::Stopped);
        QVERIFY(processes().empty());
    }

    void controlsThePoolOfItsTarget()
    {
        // As the app does for the sandbox: a pool made outside the page, for the same Redis.
        auto sandboxPool = LocalPool::forTarget(options());
        kiq::worker::PoolSetup setup;
        setup.options.heartbeatInterval = std::chrono::milliseconds(300);
        setup.options.concurrency = 2;
        QVERIFY(sandboxPool->start(std::move(setup), "the sandbox"));
        QTRY_COMPARE_WITH_TIMEOUT(sandboxPool->status().state, State::Running, 10000);

        auto gate = std::make_shared<kiq::services::WriteGate>("test");
        kiq::redis::AsyncClient client(options());
        WorkersPage page;
        page.setWriteGate(gate);
        page.show();
        page.setClient(&client);
        QCOMPARE(page.pool(), sandboxPool);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("Started by the sandbox")), 2000);
        QVERIFY(!page.startButton()->isEnabled()); // no second pool
        QCOMPARE(page.concurrencyField()->value(), 2); // the form shows the running pool's settings
        page.startPool();
        QCOMPARE(processes().size(), std::size_t(1));
        for (int i = 0; i < 3; ++i) push("Kiqdesk::Sleep", "[1]");
        QTRY_COMPARE_WITH_TIMEOUT(page.inFlightModel()->rowCount(), 2, 10000);
        page.resize(1280, 800);
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("workers_page_shared.png"));
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        // Disarming writes does not stop a running pool, but the page says it keeps running.
        gate->disarm();
        QTRY_VERIFY_WITH_TIMEOUT(
            page.findChild<QLabel*>(QStringLiteral("workersMessage"))->text().contains(QStringLiteral("disarmed")),
            2000);
        QCOMPARE(sandboxPool->status().state, State::Running);

        // Quiet from the page, then Sidekiq's API (Process#stop!, the Busy page's Stop) stops it.
        page.quietPool();
        QTRY_COMPARE_WITH_TIMEOUT(sandboxPool->status().state, State::Quiet, 2000);
        const std::string identity = sandboxPool->status().pool.identity;
        m_direct->command(Command("LPUSH").key(identity + "-signals").arg("TERM"));
        QTRY_COMPARE_WITH_TIMEOUT(sandboxPool->status().state, State::Stopped, 10000);
        QVERIFY(processes().empty());
    }

    void closingThePageStopsItsPoolInTheBackground()
    {
        auto gate = std::make_shared<kiq::services::WriteGate>("test");
        kiq::redis::AsyncClient client(options());
        auto page = std::make_unique<WorkersPage>();
        page->setWriteGate(gate);
        page->show();
        page->setClient(&client);
        page->queuesField()->setText(QStringLiteral("default"));
        page->startPool();
        QTRY_COMPARE_WITH_TIMEOUT(page->pool()->status().state, State::Running, 10000);
        push("Kiqdesk::Sleep", "[1]");
        QTRY_COMPARE_WITH_TIMEOUT(page->pool()->status().pool.busy, 1, 10000);
        const std::string identity = page->pool()->status().pool.identity;

        QElapsedTimer close;
        close.start();
        page.reset(); // the last owner: the pool stops on its own thread
        const qint64 closeMs = close.elapsed();
        qInfo("closing the page with a job running: %lld ms on the GUI thread", closeMs);
        QVERIFY2(closeMs < 50, qPrintable(QString::number(closeMs)));
        QVERIFY(listed(identity)); // still finishing its job
        // The running job finishes (within the 25 s timeout), then the process is gone.
        QTRY_VERIFY_WITH_TIMEOUT(processes().empty(), 10000);
        QCOMPARE(integer(Command("GET").key("stat:processed")), 1LL);
    }
};

QTEST_MAIN(TestWorkersPage)
#include "tst_workers_page.moc"
