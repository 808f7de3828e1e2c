// The README's Safety pictures, made from a real session: a Production deployment with the sandbox's
// demo jobs opens read-only, a write is refused (and recorded), writes are armed with a reason, three
// filtered job actions run through the deployment's gate, and the Audit trail page shows them, chain
// intact. Saves armed.png and audit-trail.png into $KIQ_README_SHOTS (scripts/screenshots.sh sets it
// to docs/screenshots), else into test-output/.
#include "deployment/Deployment.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/PageRegistry.h"
#include "main/Theme.h"
#include "pages/audit/AuditTrailModel.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/search/JobFilter.h"
#include "write/WriteGate.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using kiq::deployment::Environment;
using namespace std::chrono_literals;

class TestSafetyScreens : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    QTemporaryDir m_home; // the undo journal's folder

    // The members of `set` that `filter` matches, as the job pages and the bulk executor select them.
    std::vector<std::string> matching(const char* set, const std::string& filter, std::size_t limit)
    {
        const auto f = sidekiq::JobFilter::parse(filter);
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
        std::vector<std::string> out;
        for (const auto& member : m_client->command(redis::Command("ZRANGE").key(set).arg(0).arg(-1)).asStringList())
            if (out.size() < limit && f.matches(sidekiq::JobRecord::parse(member), now)) out.push_back(member);
        return out;
    }
    static QString shotPath(const QString& name)
    {
        const QString dir = qEnvironmentVariable("KIQ_README_SHOTS", test::testOutputDir());
        return QDir(dir).filePath(name);
    }
    static void showPage(ui::DeploymentView& view, const QString& objectName)
    {
        const auto& pages = view.pages();
        for (int i = 0; i < pages.size(); ++i)
            if (pages[i]->objectName() == objectName) view.setCurrentPage(i);
    }

private slots:
    void initTestCase()
    {
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // before the deployment opens the undo journal
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
        sandbox::seedDemoData(*m_client);
        ui::applyTheme(ui::Theme::Light);
    }

    void armedWritesLandInTheAuditTrail()
    {
        auto profile
            = test::profileFor(QStringLiteral("billing-prod"), test::optionsFor(*m_server), Environment::Production);
        ui::Deployment d(profile, false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1280, 720);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        showPage(view, QStringLiteral("deadPage"));
        d.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(d.status() == ui::Deployment::Status::Reachable, 10000);
        QTableView* jobs = view.currentPage()->findChild<ui::IndexedJobBrowser*>()->table();
        QTRY_VERIFY_WITH_TIMEOUT(jobs->model()->rowCount() > 100, 10000);

        // Read-only: refused, nothing touched, and the attempt is in the trail.
        const std::string timeouts = "error~Net::ReadTimeout";
        const auto dead = matching("dead", timeouts, 40);
        QVERIFY(dead.size() >= 20);
        const QString deadBefore = m_server->cli({"ZCARD", "dead"});
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused,
            sidekiq::applyJobAction(
                *m_client, *d.writeGate(), sidekiq::JobAction::Retry, sidekiq::JobSetKind::Dead, dead, {}, timeouts));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), deadBefore);

        d.armWrites(QStringLiteral("INC-4711 timeouts after the payments deploy"), 15min);
        const auto retried = sidekiq::applyJobAction(
            *m_client, *d.writeGate(), sidekiq::JobAction::Retry, sidekiq::JobSetKind::Dead, dead, {}, timeouts);
        QCOMPARE(retried.affected, qint64(dead.size()));
        const std::string declined = "class=Billing::ChargeCard error~declined";
        const auto cards = matching("retry", declined, 25);
        QVERIFY(!cards.empty());
        sidekiq::applyJobAction(
            *m_client, *d.writeGate(), sidekiq::JobAction::Kill, sidekiq::JobSetKind::Retry, cards, {}, declined);
        const std::string gone = "error~RecordNotFound";
        const auto notFound = matching("dead", gone, 30);
        QVERIFY(!notFound.empty());
        sidekiq::applyJobAction(
            *m_client, *d.writeGate(), sidekiq::JobAction::Delete, sidekiq::JobSetKind::Dead, notFound, {}, gone);

        // The Dead page, armed: the countdown in the header, the actions enabled.
        view.currentPage()->refresh();
        QTRY_VERIFY(view.findChild<QLabel*>(QStringLiteral("writesState"))
                        ->text()
                        .startsWith(QStringLiteral("Writes armed: 1")));
        jobs->selectRow(0);
        QTest::qWait(300); // the inspector's payload arrives from the server
        QVERIFY(view.grab().save(shotPath(QStringLiteral("armed.png"))));

        // The trail: the refusal and the three writes, newest first, with the reason; the chain verifies.
        showPage(view, QStringLiteral("auditPage"));
        view.currentPage()->refresh();
        auto* model = view.currentPage()->findChild<ui::AuditTrailModel*>();
        QTRY_COMPARE_WITH_TIMEOUT(int(model->rows().size()), 4, 10000);
        QCOMPARE(model->rows()[0].get("action"), std::string("delete"));
        QCOMPARE(model->rows()[1].get("action"), std::string("kill"));
        QCOMPARE(model->rows()[2].get("action"), std::string("retry"));
        QCOMPARE(model->rows()[3].get("action"), std::string("retry"));
        QVERIFY(model->data(model->index(0, ui::AuditTrailModel::ReasonColumn), Qt::DisplayRole)
                    .toString()
                    .startsWith(QStringLiteral("INC-4711")));
        QVERIFY(model->data(model->index(3, ui::AuditTrailModel::OutcomeColumn), Qt::DisplayRole)
                    .toString()
                    .contains(QStringLiteral("read-only")));
        QCOMPARE(model->data(model->index(2, ui::AuditTrailModel::DetailColumn), Qt::DisplayRole).toString(),
            QString::fromStdString(timeouts));
        view.currentPage()->findChild<QPushButton*>(QStringLiteral("auditVerify"))->click();
        auto* status = view.currentPage()->findChild<QLabel*>(QStringLiteral("auditStatus"));
        QTRY_VERIFY(status->text().contains(QStringLiteral("intact")));
        QVERIFY(view.grab().save(shotPath(QStringLiteral("audit-trail.png"))));
    }
};

QTEST_MAIN(TestSafetyScreens)
#include "tst_safety_screens.moc"
