// The fleet search window (Ctrl+Shift+F) against real servers: a planted JID found on two deployments
// while an unreachable one says so, hits listed with the redaction rules applied, progress per
// deployment, Stop, and a hit opened in place (its deployment, its page, its row selected).
// Screenshot to $KIQ_TEST_OUTPUT.
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "fleet/FleetSearchDialog.h"
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/queues/QueuesPage.h"
#include "redis/Client.h"

#include <QAction>
#include <QDir>
#include <QLineEdit>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace kiq;
using namespace kiq::ui;

namespace {
const std::string kJid = "0000000000000000000f1e57";

deployment::ConnectionProfile profileFor(const QString& name, int port)
{
    auto p = deployment::ConnectionProfile::create(name);
    p.options = test::optionsFor(port);
    p.options.connectTimeout = std::chrono::milliseconds(500);
    return p;
}

std::string job(const std::string& cls, const std::string& jid, const std::string& queue, const std::string& args)
{
    return "{\"retry\":true,\"queue\":\"" + queue + "\",\"class\":\"" + cls + "\",\"args\":" + args + ",\"jid\":\""
        + jid + "\",\"created_at\":1700000000.5,\"enqueued_at\":1700000000.5,\"error_class\":\"Net::ReadTimeout\","
        + "\"error_message\":\"upstream slow\",\"failed_at\":1700000001.5,\"retry_count\":2}";
}

void seedDead(redis::Client& c, int count)
{
    std::vector<redis::Command> cmds;
    for (int i = 0; i < count; ++i)
        cmds.push_back(
            redis::Command("ZADD")
                .key("dead")
                .arg(1700000000 + i)
                .arg(job("NoiseJob", "noise" + std::to_string(i), "default", "[" + std::to_string(i) + "]")));
    for (const auto& r : c.pipeline(cmds)) r.throwIfError();
}

template <typename Page> Page* pageOf(DeploymentView* view)
{
    for (DeploymentPage* p : view->pages())
        if (auto* page = qobject_cast<Page*>(p)) return page;
    return nullptr;
}

JobSetPage* deadPage(DeploymentView* view)
{
    for (DeploymentPage* p : view->pages())
        if (auto* page = qobject_cast<JobSetPage*>(p); page && page->kind() == sidekiq::JobSetKind::Dead) return page;
    return nullptr;
}
} // namespace

class TestFleetSearch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { applyTheme(Theme::Light); }

    void findsAJidOnEveryDeploymentAndOpensItInPlace()
    {
        test::RedisServer one(test::RedisServer::Options {});
        test::RedisServer two(test::RedisServer::Options {});
        redis::Client a(test::optionsFor(one));
        redis::Client b(test::optionsFor(two));
        seedDead(a, 3000);
        a.command(redis::Command("ZADD")
                      .key("dead")
                      .arg(1800000000)
                      .arg(job("Billing::ChargeJob", kJid, "default", R"([{"user":7,"password":"hunter2"}])")))
            .throwIfError();
        b.command(redis::Command("SADD").key("queues").arg("critical")).throwIfError();
        for (int i = 0; i < 500; ++i)
            b.command(redis::Command("LPUSH")
                          .key("queue:critical")
                          .arg(job("NoiseJob", "q" + std::to_string(i), "critical", "[]")))
                .throwIfError();
        b.command(redis::Command("LPUSH").key("queue:critical").arg(job("Billing::ChargeJob", kJid, "critical", "[1]")))
            .throwIfError();

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.resize(1280, 800);
        window.addDeployment(profileFor("billing-eu", one.port()), false);
        window.addDeployment(profileFor("billing-us", two.port()), false);
        window.addDeployment(profileFor("gone", test::freePort()), false);
        window.show();
        QVERIFY(test::waitUntil(
            [&] {
                return window.deployment(0)->status() == Deployment::Status::Reachable
                    && window.deployment(1)->status() == Deployment::Status::Reachable
                    && window.deployment(2)->status() == Deployment::Status::Unreachable;
            },
            10000));

        auto* action = window.findChild<QAction*>("fleetSearchAction");
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
        action->trigger();
        FleetSearchDialog* dialog = window.fleetSearch();
        QVERIFY(dialog && dialog->isVisible());

        dialog->queryEdit()->setText(QString::fromStdString(kJid));
        QTest::keyClick(dialog->queryEdit(), Qt::Key_Return);
        QVERIFY(dialog->isSearching());
        QVERIFY(test::waitUntil([&] { return !dialog->isSearching(); }, 20000));
        FleetSearchModel* model = dialog->model();
        QCOMPARE(model->rowCount(), 2);
        int deadRow = -1, queueRow = -1;
        for (int row = 0; row < 2; ++row) {
            const auto& hit = model->at(row);
            QCOMPARE(hit.hit.job.jid, kJid);
            if (hit.deploymentName == "billing-eu") deadRow = row;
            if (hit.deploymentName == "billing-us") queueRow = row;
        }
        QVERIFY(deadRow >= 0 && queueRow >= 0);
        QVERIFY(model->at(deadRow).hit.place == sidekiq::JobPlace::Dead);
        QCOMPARE(model->data(model->index(queueRow, FleetSearchModel::PlaceColumn), Qt::DisplayRole).toString(),
            QString("Queue critical"));
        // Shown as the rules show it: the password is masked in the hit.
        const QString args
            = model->data(model->index(deadRow, FleetSearchModel::ArgsColumn), Qt::DisplayRole).toString();
        QVERIFY2(args.contains("[REDACTED]") && !args.contains("hunter2"), qPrintable(args));
        // Progress per deployment: both done after reading everything, the unreachable one says so.
        QTableWidget* progress = dialog->progressTable();
        QCOMPARE(progress->rowCount(), 3);
        QVERIFY2(progress->item(0, 1)->text().startsWith("Done: 3,001 jobs"), qPrintable(progress->item(0, 1)->text()));
        QVERIFY2(progress->item(1, 1)->text().startsWith("Done: 501 jobs"), qPrintable(progress->item(1, 1)->text()));
        QCOMPARE(progress->item(2, 1)->text(), QString("Not connected"));
        QCOMPARE(progress->item(0, 2)->text(), QString("1"));

        const QString path = QDir(test::testOutputDir()).filePath("fleet-search.png");
        QVERIFY(dialog->grab().save(path));

        // Opening the dead hit: its deployment, the Dead page, the job's row current.
        window.openSearchHit(model->at(deadRow));
        QCOMPARE(window.currentDeployment(), window.deployment(0));
        JobSetPage* dead = deadPage(window.currentView());
        QVERIFY(dead);
        QCOMPARE(window.currentView()->currentPage(), static_cast<DeploymentPage*>(dead));
        QCOMPARE(dead->browser()->filterEdit()->text(), QString("jid=") + QString::fromStdString(kJid));
        QVERIFY(
            test::waitUntil([&] { return dead->browser()->selectedJids() == std::vector<std::string> {kJid}; }, 10000));
        // And the queued one: the other deployment, the Queues page on `critical`, the row current.
        window.openSearchHit(model->at(queueRow));
        QCOMPARE(window.currentDeployment(), window.deployment(1));
        auto* queues = pageOf<QueuesPage>(window.currentView());
        QVERIFY(queues);
        QCOMPARE(window.currentView()->currentPage(), static_cast<DeploymentPage*>(queues));
        QVERIFY(test::waitUntil([&] { return queues->currentQueue() == "critical"; }, 10000));
        QVERIFY(test::waitUntil(
            [&] { return queues->browser()->selectedJids() == std::vector<std::string> {kJid}; }, 10000));

        // Text as shown: the class finds both, the hidden password nothing.
        dialog->search("chargejob");
        QVERIFY(test::waitUntil([&] { return !dialog->isSearching(); }, 20000));
        QCOMPARE(model->rowCount(), 2);
        dialog->search("hunter2");
        QVERIFY(test::waitUntil([&] { return !dialog->isSearching(); }, 20000));
        QCOMPARE(model->rowCount(), 0);
        QVERIFY2(progress->item(0, 1)->text().startsWith("Done: 3,001 jobs"), qPrintable(progress->item(0, 1)->text()));

        // Stop: every search in flight ends at once and says where it was.
        dialog->search("no such job anywhere");
        QVERIFY(dialog->isSearching());
        dialog->stop();
        QVERIFY(!dialog->isSearching());
        QVERIFY2(progress->item(0, 1)->text().startsWith("Stopped"), qPrintable(progress->item(0, 1)->text()));
    }
};

QTEST_MAIN(TestFleetSearch)
#include "tst_fleetsearch.moc"
