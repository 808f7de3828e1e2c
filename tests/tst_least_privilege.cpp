// Kiqdesk under a read-only ACL user that may not run INFO, CLIENT, CONFIG or ACL (issue 16, item 5):
// the connection stands, every page shows what the user may read, and where it cannot, a plain "Not
// permitted for user viewer: needs +info" instead of a failed load. Real server, real ACL; screenshots
// of the Overview and the Redis page to $KIQ_TEST_OUTPUT.
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "fleet/FleetModel.h"
#include "fleet/FleetView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/PageRegistry.h"
#include "main/Theme.h"
#include "pages/acl/AclPage.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/overview/OverviewPage.h"
#include "pages/queues/QueuesPage.h"
#include "pages/redis/RedisPage.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"

#include <QDir>
#include <QLabel>
#include <QTest>

using namespace kiq;

namespace {
const QString kNeedsInfo = QStringLiteral("Not permitted for user viewer: needs +info");

QString labelText(QWidget* page, const char* name)
{
    auto* label = page->findChild<QLabel*>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("(no label %1)").arg(QLatin1String(name));
}
} // namespace

class TestLeastPrivilege : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;

    deployment::ConnectionProfile viewer() const
    {
        return test::profileFor(QStringLiteral("Viewer"), test::optionsFor(m_server->port(), "viewer", "viewer-Pw-1"));
    }
    template <typename Page> static int pageIndex(ui::DeploymentView& view)
    {
        for (int i = 0; i < view.pages().size(); ++i)
            if (qobject_cast<Page*>(view.pages()[i])) return i;
        return -1;
    }

private slots:
    void initTestCase()
    {
        ui::applyTheme(ui::Theme::Light);
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        auto client = test::clientFor(*m_server);
        sandbox::seedDemoData(*client);
        QCOMPARE(m_server->cli({"ACL", "SETUSER", "viewer", "on", ">viewer-Pw-1", "~*", "&*", "+@read", "+@connection",
                     "-info", "-client", "-config", "-acl"}),
            QStringLiteral("OK"));
    }

    void everyPageShowsWhatItMay()
    {
        ui::Deployment d(viewer(), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        d.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(int(d.status()), int(ui::Deployment::Status::Reachable), 10000);

        // Overview: Sidekiq's numbers, and why the Redis chart is empty.
        view.setCurrentPage(pageIndex<ui::OverviewPage>(view));
        QWidget* page = view.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(labelText(page, "overviewStatus").contains(kNeedsInfo), 10000);
        QVERIFY2(labelText(page, "overviewStatus").startsWith(QStringLiteral("Updated at")),
            qPrintable(labelText(page, "overviewStatus")));
        QVERIFY(!page->findChild<ui::StatusLine*>(QStringLiteral("overviewStatus"))->showsProblem());
        QTest::qWait(200);
        QVERIFY(view.grab().save(QDir(test::testOutputDir()).filePath(QStringLiteral("least-privilege-overview.png"))));

        // Redis: the key count (DBSIZE is a read), and for INFO, the client list and the slow log what to grant.
        view.setCurrentPage(pageIndex<ui::RedisPage>(view));
        page = view.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(labelText(page, "redisStatus").contains(kNeedsInfo), 10000);
        const QString all = [&] {
            QStringList texts;
            for (auto* l : page->findChildren<QLabel*>())
                if (l->isVisible()) texts << l->text();
            return texts.join(u'\n');
        }();
        QVERIFY2(all.contains(QStringLiteral("Not permitted for user viewer: needs +client|list")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Not permitted for user viewer: needs +slowlog")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("Could not load")), qPrintable(all));
        QVERIFY(view.grab().save(QDir(test::testOutputDir()).filePath(QStringLiteral("least-privilege-redis.png"))));

        // ACL: the rule to grant, not a raw refusal.
        view.setCurrentPage(pageIndex<ui::AclPage>(view));
        page = view.currentPage();
        QTRY_VERIFY_WITH_TIMEOUT(
            labelText(page, "aclStatus").contains(QStringLiteral("Not permitted for user viewer: needs +acl|")), 10000);

        // Queues and job sets read as they do for anyone.
        view.setCurrentPage(pageIndex<ui::QueuesPage>(view));
        QTRY_VERIFY_WITH_TIMEOUT(
            labelText(view.currentPage(), "queuesStatus").startsWith(QStringLiteral("4 queue")), 10000);
        view.setCurrentPage(pageIndex<ui::JobSetPage>(view));
        QTRY_VERIFY_WITH_TIMEOUT(
            labelText(view.currentPage(), "jobSetStatus").contains(QStringLiteral("job(s) in the set")), 10000);
    }

    // The Fleet view reads the same deployment's numbers; only memory is missing.
    void fleetRowReadsWithoutInfo()
    {
        ui::MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(viewer(), false);
        window.resize(1200, 500);
        window.show();
        window.showFleet();
        ui::FleetModel* model = window.fleetView()->model();
        QTRY_COMPARE_WITH_TIMEOUT(
            model->index(0, ui::FleetModel::Status).data().toString(), QStringLiteral("Reachable"), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(model->index(0, ui::FleetModel::Enqueued).data().toString() != QStringLiteral("—"),
            qPrintable(model->index(0, ui::FleetModel::Status).data(Qt::ToolTipRole).toString()), 10000);
        QVERIFY(model->index(0, ui::FleetModel::Dead).data(Qt::UserRole).toLongLong() > 0);
        QCOMPARE(model->index(0, ui::FleetModel::Memory).data().toString(), QStringLiteral("—"));
    }
};

QTEST_MAIN(TestLeastPrivilege)
#include "tst_least_privilege.moc"
