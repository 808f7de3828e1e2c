// The Local workers page against a real redis-server: a pool started from the page's form (queues with
// weights, an external-command handler file, the built-ins) runs pushed jobs; counts, the jobs in
// flight and the log follow; the start is audited by the WriteGate and refused while read-only; Stop
// and closing the page return at once (measured), and a job still running at the shutdown timeout
// goes back to its queue. A pool made elsewhere for the same Redis (the sandbox's) is the one the page
// shows and controls, and Sidekiq's API can stop it. Before a start the page lists the waiting classes
// it has no handler for and asks: handed back (the default) they stay byte for byte in their queue,
// failed they go to retry; a staging or production deployment asks before starting at all.
// Screenshots: workers_page.png, workers_page_shared.png, workers_page_unhandled.png.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/workers/InFlightJobModel.h"
#include "pages/workers/WorkersPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "worker/LocalPool.h"
#include "write/WriteGate.h"

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
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

class TestWorkersPage : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    std::string push(const std::string& className, const std::string& args, const std::string& queue = "default",
        std::optional<kiq::sidekiq::RetryPolicy> retry = {})
    {
        kiq::sidekiq::JobBuilder b(className, args);
        b.setQueue(queue);
        if (retry) b.setRetry(*retry);
        const auto built = b.build();
        if (!built.ok()) qFatal("%s", built.error.c_str());
        m_client->pipeline(
            {Command("SADD").key("queues").arg(queue), Command("LPUSH").key("queue:" + queue).arg(built.json)});
        return built.jid;
    }
    std::vector<std::string> sortedList(const std::string& key)
    {
        auto all = m_client->command(Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
        std::sort(all.begin(), all.end());
        return all;
    }
    // The page's question, once it is open (it opens after the look at the queues, off the GUI thread).
    static QMessageBox* openQuestion(WorkersPage& page, const char* name)
    {
        QMessageBox* box = nullptr;
        kiq::test::waitUntil(
            [&] {
                box = page.findChild<QMessageBox*>(QLatin1String(name));
                return box && box->isVisible();
            },
            10000);
        return box && box->isVisible() ? box : nullptr;
    }
    // A page on the test server, started with HardJob (no handler here) and a handled job waiting.
    struct UnhandledSetup {
        std::vector<std::string> hard; // the HardJob payloads, sorted
    };
    UnhandledSetup pushHardJobs()
    {
        UnhandledSetup out;
        for (int i = 0; i < 3; ++i)
            push("HardJob", "[" + std::to_string(i) + "]", "default", kiq::sidekiq::RetryPolicy::times(20));
        push("Kiqdesk::Echo", R"(["handled"])");
        for (const auto& raw : sortedList("queue:default"))
            if (raw.find("HardJob") != std::string::npos) out.hard.push_back(raw);
        return out;
    }
    long long integer(const Command& c) { return m_client->command(c).throwIfError().asInteger(); }
    std::vector<std::string> processes()
    {
        return m_client->command(Command("SMEMBERS").key("processes")).asStringList();
    }
    bool listed(const std::string& identity)
    {
        const auto all = processes();
        return std::find(all.begin(), all.end(), identity) != all.end();
    }

private slots:
    void init() { startServer(); }
    void cleanup()
    {
        QVERIFY(LocalPool::stopAll(std::chrono::seconds(2)));
        stopServer();
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

        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        std::vector<kiq::write::AuditEntry> audit;
        gate->addAuditSink([&](const kiq::write::AuditEntry& e) { audit.push_back(e); });
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        WorkersPage page;
        page.setWriteGate(gate);
        // The pool's log shows arguments as the profile's rules do: the second one is hidden.
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Laptop"));
        profile.redaction.paths = {"args[1]"};
        page.setProfile(profile);
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
        QVERIFY(!page.startButton()->isEnabled()); // looking at the queues: no second start
        QTRY_COMPARE_WITH_TIMEOUT(audit.size(), std::size_t(1), 5000);
        QCOMPARE(audit[0].intent.action, std::string("start-workers"));
        QVERIFY(audit[0].ok);
        QVERIFY(!page.startButton()->isEnabled()); // Starting: no second start
        QVERIFY(!page.findChild<QMessageBox*>()); // every waiting class has a handler: nothing to ask
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
        push("Kiqdesk::Echo", R"(["hello from the panel","pos-secret"])");
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
        QVERIFY2(
            !log.contains(QStringLiteral("pos-secret")) && log.contains(QStringLiteral("[REDACTED]")), qPrintable(log));
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

    void unknownClassesAreHandedBackByDefault()
    {
        const auto before = pushHardJobs();
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        WorkersPage page;
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        page.shutdownTimeoutField()->setValue(1);
        page.startPool();
        QMessageBox* box = openQuestion(page, "unhandledClassesDialog");
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("<td>default</td><td>HardJob</td><td align='right'>3</td>")),
            qPrintable(box->text()));
        QVERIFY2(!box->text().contains(QStringLiteral("Kiqdesk::Echo")), qPrintable(box->text()));
        QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("handBackButton"));
        QCOMPARE(page.pool()->status().state, State::Stopped); // nothing starts while the question is open
        QVERIFY(!page.startButton()->isEnabled());
        QTest::keyClick(box, Qt::Key_Return); // the default

        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Running, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().pool.processed, 1LL, 10000); // the handled job ran
        // The pool has handed HardJob back and says so on the page, not only in the log.
        QTRY_VERIFY_WITH_TIMEOUT(page.unhandledWarning()->isVisible(), 10000);
        QVERIFY2(page.unhandledWarning()->text().contains(QStringLiteral("HardJob (")),
            qPrintable(page.unhandledWarning()->text()));
        QTest::qWait(1500); // a while of running: no loop, no retry
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("workers_page_unhandled.png"));
        QVERIFY(page.grab().save(path));
        page.stopPool();
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Stopped, 10000);
        QCOMPARE(sortedList("queue:default"), before.hard); // byte for byte
        QCOMPARE(integer(Command("ZCARD").key("retry")), 0LL);
        QCOMPARE(integer(Command("ZCARD").key("dead")), 0LL);
        QCOMPARE(page.pool()->status().pool.failed, 0LL);
    }

    void unknownClassesFailLikeSidekiqWhenChosen()
    {
        pushHardJobs();
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        std::vector<kiq::write::AuditEntry> audit;
        gate->addAuditSink([&](const kiq::write::AuditEntry& e) { audit.push_back(e); });
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        WorkersPage page;
        page.setWriteGate(gate);
        page.show();
        page.setClient(&client);
        page.startPool();
        QMessageBox* box = openQuestion(page, "unhandledClassesDialog");
        QVERIFY(box);
        auto* fail = box->findChild<QPushButton*>(QStringLiteral("failButton"));
        QVERIFY(fail);
        QVERIFY(fail->text().contains(QStringLiteral("Sidekiq")));
        fail->click();
        QTRY_COMPARE_WITH_TIMEOUT(integer(Command("ZCARD").key("retry")), 3LL, 10000);
        QCOMPARE(integer(Command("LLEN").key("queue:default")), 0LL);
        const auto retried = m_client->command(Command("ZRANGE").key("retry").arg(0).arg(0)).asStringList();
        const auto job = kiq::sidekiq::JobRecord::parse(retried.at(0));
        QCOMPARE(*job.errorClass, std::string("NameError"));
        QCOMPARE(audit.size(), std::size_t(1));
        QVERIFY2(
            audit[0].intent.detail.find("fail-unknown-classes") != std::string::npos, audit[0].intent.detail.c_str());
        QVERIFY(!page.unhandledWarning()->isVisible()); // failed, not handed back
    }

    void cancellingTheQuestionStartsNothing()
    {
        pushHardJobs();
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        WorkersPage page;
        page.setWriteGate(gate);
        page.show();
        page.setClient(&client);
        page.startPool();
        QMessageBox* box = openQuestion(page, "unhandledClassesDialog");
        QVERIFY(box);
        QTest::keyClick(box, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(page.startButton()->isEnabled(), 2000);
        QTest::qWait(300);
        QCOMPARE(page.pool()->status().state, State::Stopped);
        QVERIFY(processes().empty());
        QCOMPARE(integer(Command("LLEN").key("queue:default")), 4LL);
    }

    void productionAsksBeforeStarting()
    {
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        WorkersPage page;
        page.setWriteGate(gate);
        page.setProfile(kiq::test::profileFor(
            QStringLiteral("Billing"), kiq::test::optionsFor(*m_server), kiq::deployment::Environment::Production));
        page.show();
        page.setClient(&client);

        page.startPool();
        QMessageBox* box = openQuestion(page, "startConfirmation");
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("Billing")) && box->text().contains(QStringLiteral("Production")),
            qPrintable(box->text()));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        QTest::keyClick(box, Qt::Key_Return); // a stray Enter does not start it
        QTRY_VERIFY_WITH_TIMEOUT(page.startButton()->isEnabled(), 2000);
        QTest::qWait(300);
        QCOMPARE(page.pool()->status().state, State::Stopped);
        QVERIFY(processes().empty());

        page.startPool();
        box = openQuestion(page, "startConfirmation");
        QVERIFY(box);
        box->findChild<QPushButton*>(QStringLiteral("confirmStartButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Running, 10000);

        // Development (and the sandbox, which is one) starts without asking.
        page.stopPool();
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Stopped, 10000);
        page.setProfile(kiq::test::profileFor(QStringLiteral("Laptop"), kiq::test::optionsFor(*m_server)));
        page.startPool();
        QTRY_COMPARE_WITH_TIMEOUT(page.pool()->status().state, State::Running, 10000);
        QVERIFY(!page.findChild<QMessageBox*>(QStringLiteral("startConfirmation")));
    }

    void refusesBadInputAndReadOnly()
    {
        auto gate = std::make_shared<kiq::write::WriteGate>("test", /*readOnly=*/true);
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
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
        auto sandboxPool = LocalPool::forTarget(kiq::test::optionsFor(*m_server));
        kiq::worker::PoolSetup setup;
        setup.options.heartbeatInterval = std::chrono::milliseconds(300);
        setup.options.concurrency = 2;
        QVERIFY(sandboxPool->start(std::move(setup), "the sandbox"));
        QTRY_COMPARE_WITH_TIMEOUT(sandboxPool->status().state, State::Running, 10000);

        auto gate = std::make_shared<kiq::write::WriteGate>("test", true); // read-only, armed: disarmed below
        gate->arm("the shared pool checks", kiq::write::WriteGate::kUntilDisarmed);
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
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
        m_client->command(Command("LPUSH").key(identity + "-signals").arg("TERM"));
        QTRY_COMPARE_WITH_TIMEOUT(sandboxPool->status().state, State::Stopped, 10000);
        QVERIFY(processes().empty());
    }

    void closingThePageStopsItsPoolInTheBackground()
    {
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(kiq::test::optionsFor(*m_server));
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
