// "Replay in…" in the window (issue 23): dead jobs of a production deployment (one as Sidekiq 6.4.1 left it,
// one carrying a password) selected on its Dead page while it is read-only; the dialog offers only the
// development and staging deployments, previews the first copy exactly and redacted, checks edited arguments
// as they are typed and shows them as a diff against the original's; Replay writes the copies into the
// target's queues through its gate and the source's dead set stays byte for byte as it was. Above 20 jobs the
// count must be typed. A pool on the target runs the copies: the Local workers' marker, and the outcome in
// the inspectors of the original and of the copy. Screenshots: replay_dialog.png, replay_outcome.png.
#include "EnglishTranslation.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/jobs/ReplayDialog.h"
#include "pages/workers/InFlightJobModel.h"
#include "sidekiq_fixtures_641.h"
#include "storage/ReplayJournal.h"
#include "worker/HandlerRegistry.h"
#include "worker/Launcher.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTranslator>

using namespace kiq::ui;
using kiq::deployment::Environment;
using kiq::test::RedisServer;

namespace {
const char* kMailJob = "{\"retry\":true,\"queue\":\"mail\",\"class\":\"MailJob\",\"args\":[{\"to\":\"a@b.c\","
                       "\"password\":\"hunter2\"}],\"jid\":\"00000000000000000000beef\",\"created_at\":1795435950.5,"
                       "\"error_class\":\"Net::ReadTimeout\",\"error_message\":\"slow\",\"retry_count\":25,"
                       "\"failed_at\":1795435951.5}";
}

class TestReplayDialog : public QObject {
    Q_OBJECT
    QTranslator m_english;
    QTemporaryDir m_home;
    std::unique_ptr<RedisServer> m_source, m_target;

    static QJsonObject object(const QString& json) { return QJsonDocument::fromJson(json.toUtf8()).object(); }

    // The Dead page of `source`, shown, with `rows` jobs listed, all selected; then its "Replay in…".
    ReplayDialog* openReplay(MainWindow& w, Deployment* source, int rows)
    {
        DeploymentView* view = w.viewOf(source);
        auto* page = view->findChild<JobSetPage*>(QStringLiteral("deadPage"));
        if (!page) return nullptr;
        view->setCurrentPage(int(view->pages().indexOf(page)));
        page->refresh();
        QTableView* table = page->findChild<IndexedJobBrowser*>()->table();
        if (!QTest::qWaitFor([&] { return table->model()->rowCount() == rows; }, 10000)) return nullptr;
        auto* replay = page->findChild<QAction*>(QStringLiteral("replayAction"));
        table->clearSelection();
        if (!QTest::qWaitFor([&] { return !replay->isEnabled(); }, 5000)) return nullptr; // needs a selection
        table->selectAll();
        if (!QTest::qWaitFor([&] { return replay->isEnabled(); }, 5000)) return nullptr;
        replay->trigger();
        ReplayDialog* dialog = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (dialog = w.findChild<ReplayDialog*>(QStringLiteral("replayDialog"))); }, 5000))
            return nullptr;
        if (!QTest::qWaitFor([&] { return dialog->isLoaded(); }, 10000)) return nullptr;
        return dialog;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(kiq::test::installEnglishTranslation(m_english));
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // the replay journal of this run only
        m_source = std::make_unique<RedisServer>(RedisServer::Options {});
        m_target = std::make_unique<RedisServer>(RedisServer::Options {});
    }

    void replaysSelectedDeadJobsIntoADevelopmentDeployment()
    {
        m_source->cli({"ZADD", "dead", "1795435956.841809",
            QString::fromUtf8(fixtures641::kDeadNoRetryJob.data(), qsizetype(fixtures641::kDeadNoRetryJob.size()))});
        m_source->cli({"ZADD", "dead", "1795435951.5", kMailJob});
        const QString before = m_source->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"});

        MainWindow w(nullptr);
        w.setPasswordPromptsEnabled(false);
        w.resize(1280, 800);
        auto* billing = w.addDeployment(
            kiq::test::profileFor("Billing", kiq::test::optionsFor(*m_source), Environment::Production), false);
        auto* laptop = w.addDeployment(
            kiq::test::profileFor("Laptop", kiq::test::optionsFor(*m_target), Environment::Development), false);
        w.addDeployment(
            kiq::test::profileFor("Payments", kiq::test::optionsFor(*m_target), Environment::Production), false);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(
            billing->status() == Deployment::Status::Reachable && laptop->status() == Deployment::Status::Reachable,
            10000);
        QVERIFY(!billing->writeGate()->writable()); // production: read-only, and replay only reads it
        w.selectDeployment(0);

        QPointer<ReplayDialog> dialog = openReplay(w, billing, 2);
        QVERIFY(dialog);
        auto* target = dialog->findChild<QComboBox*>(QStringLiteral("replayTarget"));
        QCOMPARE(target->count(), 1); // neither production deployment
        QCOMPARE(target->itemText(0), QString("Laptop (Development)"));
        auto* button = dialog->findChild<QPushButton*>(QStringLiteral("replayButton"));
        QVERIFY(button->isEnabled());
        QVERIFY(dialog->findChild<QLineEdit*>(QStringLiteral("replayCount"))->isHidden()); // 2 jobs: no count asked

        // The first copy (the oldest job), exactly as it will be written, and redacted.
        const QString preview = dialog->findChild<QPlainTextEdit*>(QStringLiteral("replayPreview"))->toPlainText();
        const QJsonObject copy = object(preview);
        QCOMPARE(copy["class"].toString(), QString("MailJob"));
        QCOMPARE(copy["args"].toArray()[0].toObject()["password"].toString(), QString("[REDACTED]"));
        QVERIFY(!preview.contains("hunter2"));
        QCOMPARE(copy["replayed_from"].toObject()["deployment"].toString(), QString("Billing"));
        QCOMPARE(copy["replayed_from"].toObject()["error_class"].toString(), QString("Net::ReadTimeout"));
        QVERIFY(!copy.contains("retry_count") && !copy.contains("failed_at") && copy["retry"].toInt(-1) == 0);

        // Edited arguments: refused while not an array, then shown as a diff and used for both copies.
        auto* args = dialog->findChild<QPlainTextEdit*>(QStringLiteral("replayArgs"));
        QCOMPARE(args->toPlainText(), QString(R"([{"to":"a@b.c","password":"[REDACTED]"}])"));
        args->setPlainText(QStringLiteral(R"({"to":"dev@localhost"})"));
        QVERIFY(!button->isEnabled());
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("replayArgsNote"))->text().contains("must be a JSON array"));
        args->setPlainText(QStringLiteral(R"([{"to":"dev@localhost","password":"local-only"}])"));
        QVERIFY(button->isEnabled());
        const QString diff = dialog->findChild<QTextEdit*>(QStringLiteral("replayDiff"))->toPlainText();
        const auto hasLine = [&diff](const char* sign, const char* text) {
            for (const QString& line : diff.split(QLatin1Char('\n')))
                if (line.startsWith(QLatin1String(sign)) && line.contains(QLatin1String(text))) return true;
            return false;
        };
        QVERIFY2(hasLine("-", "\"password\": \"[REDACTED]\""), qPrintable(diff));
        QVERIFY2(hasLine("+", "\"password\": \"local-only\""), qPrintable(diff));
        QVERIFY2(hasLine("+", "\"to\": \"dev@localhost\""), qPrintable(diff));
        QVERIFY2(hasLine(" ", "{"), qPrintable(diff)); // unchanged lines stay, unmarked
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("replayArgsNote"))->text().contains("all 2 copies"));
        QVERIFY(
            dialog->findChild<QPlainTextEdit*>(QStringLiteral("replayPreview"))->toPlainText().contains("local-only"));
        dialog->findChild<QLineEdit*>(QStringLiteral("replayQueue"))->setText(QStringLiteral("replays"));
        QTest::qWait(50);
        const QString shot = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("replay_dialog.png"));
        QVERIFY(dialog->grab().save(shot));
        qInfo("screenshot: %s", qPrintable(shot));

        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull(), 10000);
        QTRY_VERIFY(w.statusBar()->currentMessage().contains("Replayed 2 jobs into Laptop (Development)"));
        QCOMPARE(m_target->cli({"LLEN", "queue:replays"}), QString("2"));
        const QJsonObject first = object(m_target->cli({"LINDEX", "queue:replays", "-1"})); // the first to run
        QCOMPARE(first["class"].toString(), QString("MailJob"));
        QCOMPARE(first["args"].toArray()[0].toObject()["password"].toString(), QString("local-only"));
        QCOMPARE(first["replayed_from"].toObject()["jid"].toString(), QString("00000000000000000000beef"));
        const QJsonObject second = object(m_target->cli({"LINDEX", "queue:replays", "0"}));
        QCOMPARE(second["replayed_from"].toObject()["jid"].toString(), QString("0a0d6dee9ccc8afeff944249"));
        QCOMPARE(m_source->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"}), before);
        QCOMPARE(m_source->cli({"EXISTS", "queue:replays"}), QString("0"));

        // The Local workers' marker: a copy in flight is told from the everyday work.
        InFlightJobModel inFlight;
        kiq::worker::InFlightJob running;
        running.className = "MailJob";
        running.payload = m_target->cli({"LINDEX", "queue:replays", "-1"}).toStdString();
        running.threadId = "t0";
        running.jid = "copy";
        kiq::worker::InFlightJob everyday = running;
        everyday.processor = 1;
        everyday.threadId = "t1";
        everyday.jid = "everyday";
        everyday.payload = "{\"class\":\"MailJob\",\"args\":[]}";
        inFlight.applySnapshot({running, everyday});
        QCOMPARE(inFlight.index(0, InFlightJobModel::ClassColumn).data().toString(), QString("↺ MailJob"));
        QVERIFY(inFlight.index(0, InFlightJobModel::ClassColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .startsWith("Replay of 00000000000000000000beef from Billing (dead)"));
        QCOMPARE(inFlight.index(1, InFlightJobModel::ClassColumn).data().toString(), QString("MailJob"));

        // A pool on the target runs both copies: the mail goes out, the other fails again. Each run is noted
        // in this machine's journal, and both inspectors show it beside the original failure.
        kiq::worker::HandlerRegistry handlers;
        handlers.add("MailJob", [](const kiq::worker::JobContext&) {});
        handlers.add("NoRetryJob",
            [](const kiq::worker::JobContext&) { throw kiq::worker::JobError("RuntimeError", "dies here too"); });
        kiq::worker::WorkerOptions options = kiq::test::quickWorkerOptions({"replays"});
        options.replayJournal = kiq::storage::ReplayJournal::defaultPath();
        {
            kiq::worker::Launcher pool(kiq::test::optionsFor(*m_target), options, std::move(handlers));
            pool.start();
            QTRY_COMPARE_WITH_TIMEOUT(m_target->cli({"ZCARD", "dead"}), QString("1"), 10000);
            QTRY_COMPARE(m_target->cli({"LLEN", "queue:replays"}), QString("0"));
            pool.stop();
        }
        auto* sourcePage = w.viewOf(billing)->findChild<JobSetPage*>(QStringLiteral("deadPage"));
        QTableView* sourceTable = sourcePage->browser()->table();
        sourceTable->selectRow(1); // newest first: the MailJob died first, so it is the second row
        QTRY_VERIFY_WITH_TIMEOUT(
            sourcePage->browser()->inspector()->text().contains("into Laptop, queue replays"), 10000);
        QVERIFY2(sourcePage->browser()->inspector()->text().contains("succeeded"),
            qPrintable(sourcePage->browser()->inspector()->text()));
        sourceTable->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(
            sourcePage->browser()->inspector()->text().contains("RuntimeError: dies here too"), 10000);
        QVERIFY(sourcePage->browser()->inspector()->text().contains("RuntimeError: dies immediately")); // its own

        w.selectDeployment(1);
        DeploymentView* laptopView = w.viewOf(laptop);
        auto* targetPage = laptopView->findChild<JobSetPage*>(QStringLiteral("deadPage"));
        laptopView->setCurrentPage(int(laptopView->pages().indexOf(targetPage)));
        targetPage->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(targetPage->browser()->model()->rowCount(), 1, 10000);
        targetPage->browser()->table()->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(targetPage->browser()->inspector()->text().contains("Original failure"), 10000);
        const QString copyText = targetPage->browser()->inspector()->text();
        QVERIFY2(copyText.contains("0a0d6dee9ccc8afeff944249 from Billing (dead)"), qPrintable(copyText));
        QVERIFY2(copyText.contains("RuntimeError: dies immediately"), qPrintable(copyText));
        QVERIFY2(
            copyText.contains("This run") && copyText.contains("RuntimeError: dies here too"), qPrintable(copyText));
        const QString inspectorShot = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("replay_outcome.png"));
        QVERIFY(targetPage->grab().save(inspectorShot));
        qInfo("screenshot: %s", qPrintable(inspectorShot));
        w.selectDeployment(0);

        // Above 20 jobs the count is typed before Replay.
        QStringList many {"ZADD", "dead"};
        for (int i = 0; i < 23; ++i)
            many
                << QString::number(1700000000 + i)
                << QStringLiteral("{\"class\":\"BulkJob\",\"args\":[%1],\"queue\":\"bulk\",\"jid\":\"bulk%1\"}").arg(i);
        m_source->cli(many);
        dialog = openReplay(w, billing, 25);
        QVERIFY(dialog);
        button = dialog->findChild<QPushButton*>(QStringLiteral("replayButton"));
        auto* count = dialog->findChild<QLineEdit*>(QStringLiteral("replayCount"));
        QVERIFY(!count->isHidden());
        QVERIFY(!button->isEnabled());
        count->setText(QStringLiteral("24"));
        QVERIFY(!button->isEnabled());
        count->setText(QStringLiteral("25"));
        QVERIFY(button->isEnabled());
        dialog->reject();
        QTRY_VERIFY(dialog.isNull());
        QCOMPARE(m_target->cli({"LLEN", "queue:bulk"}), QString("0"));
    }
};

QTEST_MAIN(TestReplayDialog)
#include "tst_replay_dialog.moc"
