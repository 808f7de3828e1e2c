// The Busy page against a LocalSandbox with one fake Sidekiq 6.4-style process (heartbeat hash and
// an in-progress entry) and one stale member of `processes`: both models under
// QAbstractItemModelTester fill in, the stale process is flagged, and Quiet through the page pushes
// TSTP onto the process's signal list; an iterable job's state shows and Cancel iteration writes
// `cancelled` through the gate; a Sidekiq 8 process shows its version and capsules. Screenshot:
// busy_page.png.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/busy/BusyJobModel.h"
#include "pages/busy/BusyPage.h"
#include "pages/busy/ProcessListModel.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/LocalSandbox.h"
#include "write/WriteGate.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <ctime>

using namespace kiq::ui;
using kiq::redis::Command;

namespace {
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// The GUI thread's longest stretch of work between two turns of its event loop: a 5 ms timer notes the
// thread's CPU time at each tick, and the largest growth between ticks is the longest stall the user
// could feel. CPU time, not wall time, so another test's load on the machine is not counted; the wall
// figure is reported beside it.
class StallProbe {
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
    }
    void start()
    {
        m_lastCpu = threadCpuMs();
        m_wall.start();
        m_lastWall = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double maxCpuMs() const { return m_maxCpu; }
    double maxWallMs() const { return m_maxWall; }

private:
    void tick()
    {
        const double cpu = threadCpuMs();
        const double wall = double(m_wall.nsecsElapsed()) / 1e6;
        m_maxCpu = std::max(m_maxCpu, cpu - m_lastCpu);
        m_maxWall = std::max(m_maxWall, wall - m_lastWall);
        m_lastCpu = cpu;
        m_lastWall = wall;
    }
    QTimer m_timer;
    QElapsedTimer m_wall;
    double m_lastCpu = 0, m_lastWall = 0, m_maxCpu = 0, m_maxWall = 0;
};
} // namespace

class TestBusyPage : public QObject {
    Q_OBJECT
private slots:
    void showsProcessesAndBusyJobs()
    {
        applyTheme(Theme::Light);
        kiq::sandbox::LocalSandbox sandbox;
        sandbox.start();
        kiq::redis::Client direct(sandbox.options());
        const std::string id = "worker-1:1234:abcdef";
        const auto now = QDateTime::currentSecsSinceEpoch();
        const std::string info = "{\"hostname\":\"worker-1\",\"started_at\":" + std::to_string(now - 3600)
            + ",\"pid\":1234,\"tag\":\"billing\",\"concurrency\":10,\"queues\":[\"critical\",\"default\"],"
            + "\"labels\":[],\"identity\":\"" + id + "\"}";
        direct.command(Command("SADD").key("processes").arg(id).arg("gone:1:dead"));
        direct.command(Command("HSET")
                           .key(id)
                           .arg("info")
                           .arg(info)
                           .arg("busy")
                           .arg("1")
                           .arg("beat")
                           .arg(std::to_string(now))
                           .arg("quiet")
                           .arg("false")
                           .arg("rss")
                           .arg("123456"));
        const std::string job = "{\"class\":\"HardJob\",\"args\":[1,{\"api_token\":\"tok-secret\"}],\"jid\":"
                                "\"0123456789abcdef01234567\",\"queue\":\"default\"}";
        // Sidekiq stores the payload as a JSON string inside the work JSON.
        std::string escaped;
        for (char c : job) {
            if (c == '"')
                escaped += "\\\"";
            else
                escaped += c;
        }
        const std::string workJson
            = "{\"queue\":\"default\",\"payload\":\"" + escaped + "\",\"run_at\":" + std::to_string(now - 42) + "}";
        direct.command(Command("HSET").key(id + ":workers").arg("tid1").arg(workJson));

        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(sandbox.options());
        BusyPage page;
        QAbstractItemModelTester pt(page.processModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester bt(page.busyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(gate);
        page.resize(1280, 700);
        page.show();
        // Nothing to act on: the process actions are off and say why (issue 14).
        const auto action = [&page](const char* name) { return page.findChild<QAction*>(QString::fromLatin1(name)); };
        for (const char* name : {"quietSelectedAction", "stopSelectedAction", "quietAllAction", "stopAllAction"}) {
            QVERIFY2(!action(name)->isEnabled(), name);
            QCOMPARE(action(name)->toolTip(), QObject::tr("Not connected"));
        }
        page.setClient(&client);

        QTRY_COMPARE_WITH_TIMEOUT(page.processModel()->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(page.busyModel()->rowCount(), 1, 10000);
        int live = -1;
        for (int r = 0; r < 2; ++r)
            if (page.processModel()->rows()[std::size_t(r)].identity == id) live = r;
        QVERIFY(live >= 0);
        QVERIFY(!page.processModel()->index(live, 0).data(ProcessListModel::StaleRole).toBool());
        QVERIFY(page.processModel()->index(1 - live, 0).data(ProcessListModel::StaleRole).toBool());
        QCOMPARE(
            page.processModel()->index(live, ProcessListModel::TagColumn).data().toString(), QStringLiteral("billing"));
        QCOMPARE(page.busyModel()->index(0, BusyJobModel::ClassColumn).data().toString(), QStringLiteral("HardJob"));
        // Arguments as the profile's rules show them (the defaults hide any *token*).
        const QString args = page.busyModel()->index(0, BusyJobModel::ArgsColumn).data().toString();
        QVERIFY2(!args.contains(QStringLiteral("tok-secret")) && args.contains(QStringLiteral("[REDACTED]")),
            qPrintable(args));

        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("busy_page.png"));
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        QVERIFY(action("quietAllAction")->isEnabled() && action("stopAllAction")->isEnabled());
        for (const char* name : {"quietSelectedAction", "stopSelectedAction"}) {
            QVERIFY2(!action(name)->isEnabled(), name);
            QCOMPARE(action(name)->toolTip(), QObject::tr("Select processes in the table first"));
        }
        QTableView* table = page.processTable();
        for (int r = 0; r < table->model()->rowCount(); ++r)
            if (table->model()->index(r, 0).data(Qt::UserRole).toString().startsWith(QStringLiteral("worker-1")))
                table->selectRow(r);
        QVERIFY(action("quietSelectedAction")->isEnabled() && action("stopSelectedAction")->isEnabled());
        page.signalProcesses(kiq::sidekiq::ProcessSignal::Quiet, false, true);
        QTRY_COMPARE_WITH_TIMEOUT(direct.command(Command("LRANGE").key(id + "-signals").arg(0).arg(-1)).asStringList(),
            std::vector<std::string> {"TSTP"}, 10000);

        // An iterable job (Sidekiq 7.3+): where its iteration stands (it-<jid>, as iterable.rb saves it),
        // and Cancel iteration through the gate.
        const std::string state = "it-0123456789abcdef01234567";
        direct.command(Command("HSET").key(state).arg("ex").arg("2").arg("c").arg("1200").arg("rt").arg("65.5"));
        const auto iteration
            = [&page] { return page.busyModel()->index(0, BusyJobModel::IterationColumn).data().toString(); };
        QVERIFY(iteration().isEmpty());
        QVERIFY(!action("cancelIterationAction")->isEnabled());
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(iteration().contains(QStringLiteral("cursor 1200")), 10000);
        QVERIFY2(iteration().startsWith(QStringLiteral("execution 2 · 1 min 6 s iterating")), qPrintable(iteration()));
        QCOMPARE(action("cancelIterationAction")->toolTip(), QObject::tr("Select a running iterable job first"));
        page.busyTable()->selectRow(0);
        QVERIFY(action("cancelIterationAction")->isEnabled());
        page.cancelSelectedIteration(true);
        QTRY_VERIFY_WITH_TIMEOUT(!direct.command(Command("HGET").key(state).arg("cancelled")).isNil(), 10000);
        QVERIFY(direct.command(Command("TTL").key(state)).integer > 2592000 - 60);
        QTRY_VERIFY_WITH_TIMEOUT(iteration().startsWith(QStringLiteral("cancelled")), 10000);
        QVERIFY(!action("cancelIterationAction")->isEnabled());

        // Sidekiq 6.4 reports no version: said so. A Sidekiq 8 process lists its capsules (issue 20, item 4).
        const auto cell = [&page, &id](int column, int role) {
            for (int r = 0; r < page.processModel()->rowCount(); ++r)
                if (page.processModel()->rows()[std::size_t(r)].identity == id)
                    return page.processModel()->index(r, column).data(role).toString();
            return QString();
        };
        QCOMPARE(cell(ProcessListModel::VersionColumn, Qt::DisplayRole), QStringLiteral("6.x or older"));
        const std::string info8 = "{\"hostname\":\"worker-1\",\"started_at\":" + std::to_string(now - 3600)
            + ",\"pid\":1234,\"tag\":\"billing\",\"queues\":[\"critical\",\"default\",\"low\"],"
            + "\"labels\":[],\"identity\":\"" + id + "\",\"version\":\"8.1.7\",\"capsules\":{\"default\":"
            + "{\"concurrency\":5,\"mode\":\"strict\",\"weights\":{\"critical\":0,\"default\":0}},"
            + "\"heavy\":{\"concurrency\":2,\"mode\":\"weighted\",\"weights\":{\"low\":3}}}}";
        direct.command(Command("HSET").key(id).arg("info").arg(info8));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(ProcessListModel::VersionColumn, Qt::DisplayRole), QStringLiteral("8.1.7"), 10000);
        QCOMPARE(cell(ProcessListModel::QueuesColumn, Qt::DisplayRole),
            QStringLiteral("default (5): critical, default · heavy (2): low"));
        const QString tip = cell(ProcessListModel::QueuesColumn, Qt::ToolTipRole);
        QVERIFY2(tip.contains(QStringLiteral("Capsule heavy: 2 thread(s), weighted: low ×3"))
                || tip.contains(QStringLiteral("Capsule heavy: 2 threads, weighted: low ×3")),
            qPrintable(tip));
    }

    // Issue 20, item 4: 100 processes × 50 threads, 5,000 jobs running (Sidekiq 7's `<identity>:work`,
    // every 25th an iterable job with `it-<jid>`). Loading, refreshing, filtering as one types, sorting
    // and scrolling never hold the GUI thread for more than 50 ms at a stretch.
    void fiveThousandBusyJobsBrowseAndFilterWithoutAStall()
    {
        kiq::test::RedisServer server(kiq::test::RedisServer::Options {});
        auto direct = kiq::test::clientFor(server);
        const auto now = QDateTime::currentSecsSinceEpoch();
        constexpr int kProcesses = 100, kThreads = 50;
        std::vector<Command> writes;
        for (int p = 0; p < kProcesses; ++p) {
            const std::string id = "app-" + std::to_string(p) + ":" + std::to_string(1000 + p) + ":0123456789ab";
            const std::string info = "{\"hostname\":\"app-" + std::to_string(p)
                + "\",\"started_at\":" + std::to_string(now - 3600) + ",\"pid\":" + std::to_string(1000 + p)
                + ",\"tag\":\"web\",\"concurrency\":50,\"queues\":[\"q0\",\"q1\",\"q2\",\"q3\",\"q4\"],"
                + "\"labels\":[],\"identity\":\"" + id + "\",\"version\":\"7.3.9\"}";
            writes.push_back(Command("SADD").key("processes").arg(id));
            writes.push_back(Command("HSET")
                                 .key(id)
                                 .arg("info")
                                 .arg(info)
                                 .arg("busy")
                                 .arg(std::to_string(kThreads))
                                 .arg("beat")
                                 .arg(std::to_string(now))
                                 .arg("quiet")
                                 .arg("false")
                                 .arg("rss")
                                 .arg("204800"));
            for (int t = 0; t < kThreads; ++t) {
                const int i = p * kThreads + t;
                char jid[25];
                std::snprintf(jid, sizeof jid, "%024x", 0xabc000 + i);
                const std::string queue = "q" + std::to_string(i % 5);
                // The payload is a JSON string inside the work JSON, as Sidekiq 7 writes it.
                const std::string payload = "{\\\"class\\\":\\\"Job" + std::to_string(i % 20) + "\\\",\\\"args\\\":["
                    + std::to_string(i) + ",\\\"customer-" + std::to_string(i) + "\\\"],\\\"jid\\\":\\\"" + jid
                    + "\\\",\\\"queue\\\":\\\"" + queue + "\\\",\\\"retry\\\":true}";
                writes.push_back(Command("HSET")
                                     .key(id + ":work")
                                     .arg("tid" + std::to_string(t))
                                     .arg("{\"queue\":\"" + queue + "\",\"payload\":\"" + payload
                                         + "\",\"run_at\":" + std::to_string(now - i % 600) + "}"));
                if (i % 25 == 0)
                    writes.push_back(Command("HSET")
                                         .key(std::string("it-") + jid)
                                         .arg("ex")
                                         .arg("1")
                                         .arg("c")
                                         .arg(std::to_string(i))
                                         .arg("rt")
                                         .arg("3.5"));
            }
        }
        for (const auto& reply : direct->pipeline(writes)) QVERIFY(!reply.isError());

        kiq::redis::AsyncClient client(kiq::test::optionsFor(server));
        BusyPage page;
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        StallProbe probe;
        probe.start();
        page.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(page.busyModel()->rowCount(), kProcesses * kThreads, 30000);
        QCOMPARE(page.processModel()->rowCount(), kProcesses);
        const double loadCpu = probe.maxCpuMs();

        // Refreshes of an unchanged fleet: every row is updated in place.
        for (int i = 0; i < 3; ++i) {
            QSignalSpy loaded(page.busyModel(), &QAbstractItemModel::dataChanged);
            page.refresh();
            QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 30000);
        }
        const double refreshCpu = probe.maxCpuMs();

        // Typing a filter, one key at a time: "customer-42" matches 42, 420–429 and 4200–4299.
        QTableView* table = page.busyTable();
        QLineEdit* filter = page.busyFilter();
        QVERIFY(filter);
        filter->setFocus();
        QTest::keyClicks(filter, QStringLiteral("customer-42"), Qt::NoModifier, 20);
        QCOMPARE(table->model()->rowCount(), 111);
        const auto cell = [&](int row, int column) { return table->model()->index(row, column).data().toString(); };
        for (int r = 0; r < table->model()->rowCount(); ++r)
            QVERIFY(cell(r, BusyJobModel::ArgsColumn).contains(QStringLiteral("customer-42")));
        QVERIFY2(page.findChild<QLabel*>(QStringLiteral("busyStatus"))->text().contains(QStringLiteral("111")),
            qPrintable(page.findChild<QLabel*>(QStringLiteral("busyStatus"))->text()));
        filter->setText(QStringLiteral("000abc0a7")); // a JID's tail: job 167
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(cell(0, BusyJobModel::ArgsColumn), QStringLiteral("167, \"customer-167\""));
        filter->setText(QStringLiteral("Q3"));
        QCOMPARE(table->model()->rowCount(), kProcesses * kThreads / 5); // the queue, any case
        filter->clear();
        QCOMPARE(table->model()->rowCount(), kProcesses * kThreads);
        const double filterCpu = probe.maxCpuMs();

        // Sorting by how long they run and by class, then scrolling to the end.
        table->sortByColumn(BusyJobModel::RunTimeColumn, Qt::DescendingOrder);
        QTest::qWait(50);
        table->sortByColumn(BusyJobModel::ClassColumn, Qt::AscendingOrder);
        QTest::qWait(50);
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->maximum());
        QTest::qWait(50);
        page.refresh(); // and a refresh while sorted
        QTest::qWait(1500);
        probe.stop();
        // What the refreshes cost Redis in iteration reads (one HGETALL it-<jid> per busy job each time).
        const std::string stats = direct->command(Command("INFO").arg("commandstats")).asString();
        const auto at = stats.find("cmdstat_hgetall:calls=");
        QVERIFY(at != std::string::npos);
        qInfo("%s", stats.substr(at, stats.find('\r', at) - at).c_str());
        const QString figures
            = QStringLiteral("longest GUI-thread stretch: %1 ms CPU (load %2, refresh %3, filter %4), "
                             "%5 ms wall")
                  .arg(probe.maxCpuMs(), 0, 'f', 1)
                  .arg(loadCpu, 0, 'f', 1)
                  .arg(refreshCpu, 0, 'f', 1)
                  .arg(filterCpu, 0, 'f', 1)
                  .arg(probe.maxWallMs(), 0, 'f', 1);
        qInfo("%s", qPrintable(figures));
        QVERIFY2(probe.maxCpuMs() < 50, qPrintable(figures));
        page.setClient(nullptr);
    }
};

QTEST_MAIN(TestBusyPage)
#include "tst_busypage.moc"
