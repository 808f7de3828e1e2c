// The Queues page against a seeded LocalSandbox: the queue list (under QAbstractItemModelTester)
// fills in with sizes, selecting a queue indexes its jobs into the job browser the set pages use
// (also under the tester), newest first; the filter narrows them, a selected job opens in the
// inspector, and deleting it through the page removes exactly that payload from the list and the row
// from the table; moving two selected jobs, pausing, resuming and clearing the queue reach Redis. A
// page coming into view shows the same latency as the Overview for the same data. Screenshot of a
// filtered queue: queues_page.png.
#include "PageDeployment.h"
#include "common/Colors.h"
#include "deployment/Deployment.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobIndexFeed.h"
#include "pages/jobs/JobInspector.h"
#include "pages/overview/OverviewPage.h"
#include "pages/queues/QueueListModel.h"
#include "pages/queues/QueuesPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"
#include "sidekiq/actions/JobTransfer.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/search/JobFilter.h"
#include "write/UndoJournal.h"
#include "write/WriteGate.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QColor>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace kiq::ui;

class TestQueuesPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_home; // the undo journal's folder

private slots:
    void initTestCase()
    {
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // before the first write opens the journal
    }

    // A queue whose key is not a list is a row that says so, not an empty queue.
    void unreadableQueueIsShownAsSuch()
    {
        QueueListModel model;
        kiq::sidekiq::QueueSummary bad;
        bad.name = "oops";
        bad.error = "queue:oops is a string, not a list";
        kiq::sidekiq::QueueSummary good;
        good.name = "default";
        good.size = 3;
        model.applySnapshot({bad, good});
        QCOMPARE(model.rowCount(), 2);
        int oops = model.rows()[0].name == "oops" ? 0 : 1;
        QCOMPARE(model.index(oops, QueueListModel::NameColumn).data().toString(),
            QObject::tr("%1 (unreadable)").arg("oops"));
        QCOMPARE(model.index(oops, QueueListModel::SizeColumn).data().toString(), QStringLiteral("—"));
        QCOMPARE(model.index(oops, QueueListModel::NameColumn).data(Qt::ToolTipRole).toString(),
            QString::fromStdString(bad.error));
        QCOMPARE(model.index(1 - oops, QueueListModel::SizeColumn).data().toString(), QStringLiteral("3"));
    }

    // Issue 14: the Queues page, loaded while hidden, showed `default` at 297 s next to the
    // Overview's 32 s until Reload. Shown, it must read again and agree with the Overview.
    void latencyMatchesTheOverview()
    {
        QStandardPaths::setTestModeEnabled(true); // the Overview's sample history goes under ~/.qttest
        kiq::test::RedisServer server(kiq::test::RedisServer::Options {});
        kiq::redis::Client direct(kiq::test::optionsFor(server));
        const auto pushAged = [&](double ageSeconds) {
            kiq::sidekiq::JobBuilder b("LatencyJob", "[]");
            b.setNow(kiq::sidekiq::Timestamp::fromSeconds(kiq::sidekiq::Timestamp::now().seconds() - ageSeconds));
            direct.command(kiq::redis::Command("LPUSH").key("queue:default").arg(b.build().json)).throwIfError();
            direct.command(kiq::redis::Command("SADD").key("queues").arg("default")).throwIfError();
        };
        pushAged(297);

        kiq::redis::AsyncClient client(kiq::test::optionsFor(server));
        QueuesPage queues;
        OverviewPage overview;
        queues.resize(1000, 600);
        overview.resize(1000, 600);
        QElapsedTimer sinceClient;
        sinceClient.start();
        queues.setClient(&client); // hidden, as every page but the current one is
        QTRY_COMPARE_WITH_TIMEOUT(queues.queueModel()->rowCount(), 1, 10000);
        const auto queueLatency = [&] { return queues.queueModel()->rows().front().latencySeconds; };
        QVERIFY(queueLatency() > 290);

        // The backlog drains: the oldest job is now 32 s old.
        direct.command(kiq::redis::Command("DEL").key("queue:default")).throwIfError();
        pushAged(32);
        // Past the page's first poll tick (skipped while hidden), so that its next one is seconds away.
        QTest::qWait(std::max<int>(0, QueuesPage::kRefreshIntervalMs + 500 - int(sinceClient.elapsed())));

        overview.show();
        const auto deployment = kiq::test::connectPage(overview, kiq::test::optionsFor(server));
        auto* overviewLatency = overview.findChild<QLabel*>(QStringLiteral("latencyValue"));
        QVERIFY(overviewLatency);
        double overviewSeconds = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            (overviewSeconds = QLocale().toDouble(overviewLatency->text().section(u' ', 0, 0))) > 0, 10000);
        QVERIFY2(overviewSeconds >= 32 && overviewSeconds < 45, qPrintable(overviewLatency->text()));
        overview.hide();

        queues.show();
        QTRY_VERIFY2_WITH_TIMEOUT(
            std::abs(queueLatency() - overviewSeconds) < 3, qPrintable(QString::number(queueLatency())), 2000);
        QVERIFY2(
            sinceClient.elapsed() < 2 * QueuesPage::kRefreshIntervalMs, "the page's own poll may have refreshed it");
    }

    // Issue 21, item 3: each queue's drain forecast from the deployment's history (twenty seconds of
    // refreshes, recorded here as the page's polls would have, then the page's own reading of the
    // server): "default" drains 15 jobs/s, "mailers" nobody works and its oldest job nears the SLO,
    // "low" is empty. Screenshot: queues-forecast.png.
    void showsTheDrainForecast()
    {
        applyTheme(Theme::Light);
        kiq::test::RedisServer server(kiq::test::RedisServer::Options {});
        kiq::redis::Client direct(kiq::test::optionsFor(server));
        const double now = kiq::sidekiq::Timestamp::now().seconds();
        const auto push = [&](const std::string& queue, int count, double ageSeconds) {
            std::vector<kiq::redis::Command> cmds {kiq::redis::Command("SADD").key("queues").arg(queue)};
            for (int i = 0; i < count; ++i) {
                kiq::sidekiq::JobBuilder b("ReportJob", "[" + std::to_string(i) + "]");
                b.setQueue(queue).setNow(kiq::sidekiq::Timestamp::fromSeconds(now - ageSeconds));
                cmds.push_back(kiq::redis::Command("LPUSH").key("queue:" + queue).arg(b.build().json));
            }
            for (const auto& r : direct.pipeline(cmds)) r.throwIfError();
        };
        push("default", 300, 20);
        push("mailers", 3, 45);
        direct.command(kiq::redis::Command("SADD").key("queues").arg("low")).throwIfError();

        Deployment deployment(kiq::test::profileFor("staging", kiq::test::optionsFor(server)), false);
        for (int ago = 20; ago >= 2; --ago) {
            deployment.addQueueSample(now - ago, 10000 + 15 * (20 - ago),
                {{"default", 300 + 15 * ago, 20.0 - ago, false, {}}, {"low", 0, 0, false, {}},
                    {"mailers", 3, 45.0 - ago, false, {}}});
        }

        kiq::redis::AsyncClient client(kiq::test::optionsFor(server));
        QueuesPage page;
        page.setDeployment(&deployment);
        page.resize(1100, 420);
        page.show();
        page.setClient(&client);
        QueueListModel* model = page.queueModel();
        const auto forecast = [model](const std::string& queue, int role = Qt::DisplayRole) {
            for (int row = 0; row < model->rowCount(); ++row)
                if (model->rows()[std::size_t(row)].name == queue)
                    return model->index(row, QueueListModel::ForecastColumn).data(role);
            return QVariant();
        };
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 3 && model->forecastOf("default"), 10000);

        // 300 jobs left at 15 a second: empty in about 20 s.
        const auto* drain = model->forecastOf("default");
        QVERIFY(drain->trend == kiq::health::QueueForecast::Trend::Draining);
        QVERIFY2(drain->secondsToEmpty && std::abs(*drain->secondsToEmpty - 20) < 3,
            qPrintable(QString::number(drain->secondsToEmpty.value_or(-1))));
        QCOMPARE(forecast("default").toString(), QStringLiteral("empty in ~20 s"));
        QVERIFY(!forecast("default", Qt::ForegroundRole).isValid());
        // "mailers" ages a second a second toward the 60 s SLO it reaches in about 15 s: marked.
        const auto* mailers = model->forecastOf("mailers");
        QVERIFY(mailers->atRisk());
        QVERIFY2(mailers->secondsToBreach && std::abs(*mailers->secondsToBreach - 15) < 3,
            qPrintable(QString::number(mailers->secondsToBreach.value_or(-1))));
        QCOMPARE(forecast("mailers", Qt::ForegroundRole).value<QColor>(), warningColor());
        QCOMPARE(forecast("mailers").toString(), QStringLiteral("breaches 1 min SLO in ~15 s"));
        QVERIFY(forecast("mailers", Qt::ToolTipRole).toString().contains(QStringLiteral("\n")));
        QCOMPARE(forecast("low").toString(), QStringLiteral("—"));

        // Sorted by the forecast, the most urgent queue comes first.
        page.queueTable()->sortByColumn(QueueListModel::ForecastColumn, Qt::AscendingOrder);
        QCOMPARE(page.queueTable()->model()->index(0, QueueListModel::NameColumn).data().toString(),
            QStringLiteral("mailers"));

        const QString path = QDir(kiq::test::testOutputDir()).filePath("queues-forecast.png");
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    // Issue 22, item 5, on the Queues page: the open queue's selected jobs to a file (byte-exact on
    // request), pushed onto another queue from it; the jobs name their new queue.
    void selectedQueueJobsGoToAFileAndComeBack()
    {
        kiq::test::RedisServer server(kiq::test::RedisServer::Options {});
        kiq::redis::Client direct(kiq::test::optionsFor(server));
        for (const char* queue : {"default", "other"}) {
            for (int i = 0; i < (std::string(queue) == "default" ? 3 : 1); ++i) {
                kiq::sidekiq::JobBuilder b("ExportJob", "[" + std::to_string(i) + "]");
                b.setQueue(queue);
                direct.command(kiq::redis::Command("LPUSH").key(std::string("queue:") + queue).arg(b.build().json));
            }
            direct.command(kiq::redis::Command("SADD").key("queues").arg(queue)).throwIfError();
        }
        kiq::redis::AsyncClient client(kiq::test::optionsFor(server));
        QueuesPage page;
        page.setWriteGate(std::make_shared<kiq::write::WriteGate>("test"));
        page.resize(1000, 600);
        page.show();
        page.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(page.queueModel()->rowCount(), 2, 10000);
        QTableView* queues = page.queueTable();
        const auto open = [&](const QString& name) {
            for (int r = 0; r < queues->model()->rowCount(); ++r)
                if (queues->model()
                        ->index(r, QueueListModel::NameColumn)
                        .data(QueueListModel::UnderlyingDataRole)
                        .toString()
                    == name)
                    queues->selectionModel()->setCurrentIndex(
                        queues->model()->index(r, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        };
        open(QStringLiteral("default"));
        IndexedJobModel* jobs = page.browser()->model();
        QTRY_COMPARE_WITH_TIMEOUT(jobs->rowCount(), 3, 10000);
        page.browser()->table()->selectRow(0);
        page.browser()->table()->selectionModel()->select(
            jobs->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QSignalSpy done(&page, &QueuesPage::jobFileDone);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("default.jsonl"));
        page.exportSelection(path, true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(!done.last().at(1).toBool(), qPrintable(done.last().at(0).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto read = kiq::sidekiq::readTransfer(file.readAll().toStdString());
        QCOMPARE(read.jobs.size(), std::size_t(2));
        QCOMPARE(read.jobs.front().from, std::string("queue:default"));

        open(QStringLiteral("other"));
        QCOMPARE(page.currentQueue(), QStringLiteral("other"));
        page.importFile(path, true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QVERIFY2(!done.last().at(1).toBool(), qPrintable(done.last().at(0).toString()));
        QCOMPARE(direct.command(kiq::redis::Command("LLEN").key("queue:other")).asInteger(), 3LL);
        QCOMPARE(direct.command(kiq::redis::Command("LLEN").key("queue:default")).asInteger(), 3LL); // only read
        const auto newest = *direct.command(kiq::redis::Command("LINDEX").key("queue:other").arg(0)).asOptionalString();
        QCOMPARE(*kiq::sidekiq::PayloadEditor(newest).rawValue("queue"), std::string("\"other\""));
    }

    void listsQueuesAndTheirJobs()
    {
        applyTheme(Theme::Light);
        kiq::sandbox::LocalSandbox sandbox;
        sandbox.start();
        kiq::redis::Client direct(sandbox.options());
        kiq::sandbox::seedDemoData(direct);

        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        gate->addRemovalJournal(Deployment::undoJournal());
        kiq::redis::AsyncClient client(sandbox.options());
        QueuesPage page;
        QAbstractItemModelTester queueTester(page.queueModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester jobTester(
            page.browser()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        // Nothing to act on yet: the actions are off and say why (issue 14).
        auto* deleteAction = page.findChild<QAction*>("deleteAction");
        auto* moveAction = page.findChild<QAction*>("moveAction");
        auto* pauseAction = page.findChild<QAction*>("pauseAction");
        auto* clearAction = page.findChild<QAction*>("clearAction");
        for (QAction* a : {deleteAction, moveAction, pauseAction, clearAction}) {
            QVERIFY2(!a->isEnabled(), qPrintable(a->objectName()));
            QCOMPARE(a->toolTip(), QObject::tr("Not connected"));
        }
        page.setClient(&client);
        for (QAction* a : {deleteAction, moveAction, pauseAction, clearAction}) {
            QVERIFY2(!a->isEnabled(), qPrintable(a->objectName()));
            QCOMPARE(a->toolTip(), QObject::tr("Select a queue first"));
        }

        QTRY_VERIFY_WITH_TIMEOUT(page.queueModel()->rowCount() > 0, 10000);
        long long sum = 0;
        for (const auto& q : page.queueModel()->rows()) sum += q.size;
        QCOMPARE(sum, 600LL);

        // Open the biggest queue.
        std::size_t biggest = 0;
        for (std::size_t i = 0; i < page.queueModel()->rows().size(); ++i)
            if (page.queueModel()->rows()[i].size > page.queueModel()->rows()[biggest].size) biggest = i;
        const auto q = page.queueModel()->rows()[biggest];
        QTableView* queues = page.queueTable();
        for (int r = 0; r < queues->model()->rowCount(); ++r)
            if (queues->model()
                    ->index(r, QueueListModel::NameColumn)
                    .data(QueueListModel::UnderlyingDataRole)
                    .toString()
                == QString::fromStdString(q.name))
                queues->selectionModel()->setCurrentIndex(
                    queues->model()->index(r, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(page.currentQueue(), QString::fromStdString(q.name));
        IndexedJobModel* jobs = page.browser()->model();
        const auto settled = [&](int rows) {
            return page.feed()->snapshot()->complete() && jobs->rowCount() == rows && !jobs->busy();
        };
        QTRY_VERIFY_WITH_TIMEOUT(settled(int(q.size)), 10000);
        QVERIFY(pauseAction->isEnabled() && clearAction->isEnabled());
        for (QAction* a : {deleteAction, moveAction}) {
            QVERIFY2(!a->isEnabled(), qPrintable(a->objectName()));
            QCOMPARE(a->toolTip(), QObject::tr("Select jobs in the table first"));
        }
        const std::string key = "queue:" + q.name;
        const auto cell = [&](int row, int column) { return jobs->index(row, column).data().toString(); };
        // Newest first, as Sidekiq's UI lists a queue: row 0 is the head of the list.
        const auto list = direct.command(kiq::redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
        QCOMPARE(cell(0, IndexedJobModel::JidColumn),
            QString::fromStdString(kiq::sidekiq::JobRecord::parse(list.front()).jid));
        QCOMPARE(cell(int(q.size) - 1, IndexedJobModel::JidColumn),
            QString::fromStdString(kiq::sidekiq::JobRecord::parse(list.back()).jid));

        // The set pages' filter language: this queue's class, and arguments with a 7 in them (as
        // the CLI's scan would match them).
        const QString cls = cell(0, IndexedJobModel::ClassColumn);
        const QString filter = QStringLiteral("class=") + cls + QStringLiteral(" args~7");
        const auto truth = kiq::sidekiq::JobFilter::parse(filter.toStdString());
        int ofClass = 0;
        for (const auto& raw : list)
            ofClass += truth.matches(kiq::sidekiq::JobRecord::parse(raw), kiq::sidekiq::Timestamp::now().seconds());
        QVERIFY2(ofClass > 1 && ofClass < int(q.size), qPrintable(QString::number(ofClass))); // the filter narrows
        page.browser()->filterEdit()->setText(filter);
        QTRY_VERIFY_WITH_TIMEOUT(settled(ofClass), 10000);
        for (int r = 0; r < jobs->rowCount(); ++r) {
            QCOMPARE(cell(r, IndexedJobModel::ClassColumn), cls);
            QVERIFY(cell(r, IndexedJobModel::ArgsColumn).contains(u'7'));
        }

        // "Copy as command": the sandbox is never saved, so the command names it by its flags.
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Sandbox"));
        profile.options = sandbox.options();
        page.setProfile(profile, false);
        const QString flags = QStringLiteral("kiqdesk-cli -h 127.0.0.1 -p %1 ").arg(sandbox.options().endpoint.port);
        const QString name = QString::fromStdString(q.name);
        page.findChild<QAction*>("copyListAction")->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            flags + QStringLiteral("jobs list --set queue:%1 --filter '%2'").arg(name, filter));
        page.browser()->table()->selectRow(0);
        page.findChild<QAction*>("copyDeleteAction")->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            flags
                + QStringLiteral("jobs delete --set queue:%1 --jid %2 --yes")
                      .arg(name, cell(0, IndexedJobModel::JidColumn)));
        page.findChild<QAction*>("copyClearAction")->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), flags + QStringLiteral("queue clear --yes ") + name);
        QVERIFY2(page.findChild<QLabel*>("queuesStatus")->text().contains(QStringLiteral("Copied the command")),
            qPrintable(page.findChild<QLabel*>("queuesStatus")->text()));
        page.browser()->table()->clearSelection();

        // A filter that does not parse shows no rows, not the last good filter's (issue 14); and
        // the selection it drops takes the actions with it.
        page.browser()->table()->selectRow(0);
        QVERIFY(deleteAction->isEnabled());
        page.browser()->filterEdit()->setText(filter + QStringLiteral(" age>>"));
        QCOMPARE(jobs->rowCount(), 0);
        QVERIFY(!deleteAction->isEnabled());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("jobFilterError"))
                    ->text()
                    .contains(QStringLiteral("at character %1").arg(filter.size() + 6)));
        page.browser()->filterEdit()->setText(filter);
        QTRY_VERIFY_WITH_TIMEOUT(settled(ofClass), 10000);

        // Open the newest job matching: the inspector reads it from Redis by its index key.
        page.browser()->table()->selectRow(0);
        const QString jid = cell(0, IndexedJobModel::JidColumn);
        QTRY_VERIFY_WITH_TIMEOUT(page.browser()->inspector()->text().contains(jid), 10000);
        QVERIFY(deleteAction->isEnabled() && moveAction->isEnabled());
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("queues_page.png"));
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        // Delete it: exactly that payload leaves the list, and its row the table.
        std::string payload;
        for (const auto& raw : list)
            if (kiq::sidekiq::JobRecord::parse(raw).jid == jid.toStdString()) payload = raw;
        QVERIFY(!payload.empty());
        QCOMPARE(page.browser()->selectedCount(), 1LL);
        page.deleteSelection(true);
        QTRY_COMPARE_WITH_TIMEOUT(direct.command(kiq::redis::Command("LLEN").key(key)).integer, q.size - 1, 10000);
        QCOMPARE(direct.command(kiq::redis::Command("LPOS").key(key).arg(payload)).isNil(), true);
        QTRY_VERIFY(page.undoButton()->isVisible()); // offered with the notice of the delete
        QTRY_VERIFY_WITH_TIMEOUT(settled(ofClass - 1), 10000);
        for (int r = 0; r < jobs->rowCount(); ++r) QVERIFY(cell(r, IndexedJobModel::JidColumn) != jid);

        // Move two selected jobs to a new queue: gone from here, there with their queue field rewritten.
        page.browser()->filterEdit()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(settled(int(q.size) - 1), 10000);
        page.browser()->table()->selectRow(0);
        page.browser()->table()->selectionModel()->select(
            jobs->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(page.browser()->selectedCount(), 2LL);
        const QString newer = cell(0, IndexedJobModel::JidColumn), older = cell(1, IndexedJobModel::JidColumn);
        page.moveSelection(QStringLiteral("moved-here"));
        QTRY_COMPARE_WITH_TIMEOUT(
            direct.command(kiq::redis::Command("LLEN").key("queue:moved-here")).integer, 2LL, 10000);
        QCOMPARE(direct.command(kiq::redis::Command("LLEN").key(key)).integer, q.size - 3);
        const auto moved
            = direct.command(kiq::redis::Command("LRANGE").key("queue:moved-here").arg(0).arg(-1)).asStringList();
        QCOMPARE(kiq::sidekiq::JobRecord::parse(moved[0]).queue, std::string("moved-here"));
        // The running order is kept: the older of the two (the lower row) is still the next to run.
        QCOMPARE(QString::fromStdString(kiq::sidekiq::JobRecord::parse(moved[1]).jid), older);
        QCOMPARE(QString::fromStdString(kiq::sidekiq::JobRecord::parse(moved[0]).jid), newer);
        QTRY_VERIFY_WITH_TIMEOUT(settled(int(q.size) - 3), 10000);

        // Pause for our pool, resume, then clear the queue.
        page.togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(
            direct.command(kiq::redis::Command("SISMEMBER").key("paused").arg(q.name)).integer == 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QAction*>("pauseAction")->text() == QObject::tr("Resume queue"), 10000);
        page.togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(
            direct.command(kiq::redis::Command("SISMEMBER").key("paused").arg(q.name)).integer == 0, 10000);
        const auto beforeClear = direct.command(kiq::redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
        QCOMPARE(qsizetype(beforeClear.size()), qsizetype(q.size - 3));
        page.clearCurrentQueue(true);
        QTRY_COMPARE_WITH_TIMEOUT(
            direct.command(kiq::redis::Command("EXISTS").key("queue:" + q.name)).integer, 0LL, 10000);
        // The cleared queue leaves the list; the page shows it empty or has moved on to another queue.
        QTRY_VERIFY_WITH_TIMEOUT(page.currentQueue() != QString::fromStdString(q.name) || jobs->rowCount() == 0, 10000);
        // Undo: the queue is back byte-exact, in its order, and the offer is gone.
        QVERIFY(page.undoButton()->isVisible());
        QVERIFY(page.undoButton()->isEnabled());
        static_cast<QToolButton*>(page.undoButton())->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            direct.command(kiq::redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList() == beforeClear, 10000);
        QTRY_VERIFY(!page.undoButton()->isVisible());
    }
};

QTEST_MAIN(TestQueuesPage)
#include "tst_queuespage.moc"
