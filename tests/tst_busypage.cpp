// The Busy page against a LocalSandbox with one fake Sidekiq 6.4-style process (heartbeat hash and
// an in-progress entry) and one stale member of `processes`: both models under
// QAbstractItemModelTester fill in, the stale process is flagged, and Quiet through the page pushes
// TSTP onto the process's signal list; an iterable job's state shows and Cancel iteration writes
// `cancelled` through the gate; a Sidekiq 8 process shows its version and capsules. Screenshot:
// busy_page.png.
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
#include <QTableView>
#include <QTest>

using namespace kiq::ui;
using kiq::redis::Command;

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
};

QTEST_MAIN(TestBusyPage)
#include "tst_busypage.moc"
