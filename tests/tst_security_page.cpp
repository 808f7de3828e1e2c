// The Security tab and the Fleet view's Security column (issue 18): the audit runs on the deployment's
// client when the page is first shown, groups its findings by control with the fix, shows why for the
// selected one and exports Markdown and JSON; "Audit all" fills the Fleet column with each deployment's
// fails and warnings. Saves security.png into $KIQ_README_SHOTS (scripts/screenshots.sh sets it to
// docs/screenshots), else into test-output/.
#include "common/Colors.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentView.h"
#include "fleet/FleetModel.h"
#include "fleet/FleetView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/PageRegistry.h"
#include "main/Theme.h"
#include "pages/security/SecurityPage.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace kiq;
using kiq::ui::Deployment;

class TestSecurityPage : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_weak; // no persistence, an open default user, a secret in a job
    std::unique_ptr<test::RedisServer> m_better; // AOF and a password

    static QString shotPath(const QString& name)
    {
        return QDir(qEnvironmentVariable("KIQ_README_SHOTS", test::testOutputDir())).filePath(name);
    }
    static QTreeWidgetItem* row(QTreeWidget* tree, const QString& check)
    {
        for (int g = 0; g < tree->topLevelItemCount(); ++g)
            for (int i = 0; i < tree->topLevelItem(g)->childCount(); ++i)
                if (tree->topLevelItem(g)->child(i)->text(1) == check) return tree->topLevelItem(g)->child(i);
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        ui::applyTheme(ui::Theme::Light);
        m_weak = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        auto client = test::clientFor(*m_weak);
        sandbox::seedDemoData(*client);
        m_weak->cli({"LPUSH", "queue:default",
            QString::fromUtf8(QJsonDocument(QJsonObject {{"class", "Billing::Charge"},
                                                {"args", QJsonArray {QJsonObject {{"api_key", "sk_live_51Hx"}}}},
                                                {"jid", "s1"}, {"queue", "default"}})
                                  .toJson(QJsonDocument::Compact))});
        test::RedisServer::Options better;
        better.name = "better";
        better.extraArgs = {"--appendonly", "yes", "--maxmemory", "256mb", "--requirepass", "better-Pw-1"};
        m_better = std::make_unique<test::RedisServer>(better);
    }

    void securityTabShowsTheAuditGroupedByControl()
    {
        const auto profile = test::profileFor(QStringLiteral("billing-prod"), test::optionsFor(*m_weak));
        Deployment d(profile, false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1400, 860);
        d.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(d.status() == Deployment::Status::Reachable, 10000);
        QVERIFY(!d.securityAudit()); // nothing runs before the page is shown
        auto* page = view.findChild<ui::SecurityPage*>();
        QVERIFY(page);
        const auto& pages = view.pages();
        for (int i = 0; i < pages.size(); ++i)
            if (pages[i] == page) view.setCurrentPage(i);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(d.securityAudit().has_value(), 20000);
        QTRY_VERIFY(!d.isAuditing());

        QTreeWidget* tree = page->tree();
        QCOMPARE(tree->topLevelItemCount(), 7); // identity … operations
        QCOMPARE(tree->topLevelItem(0)->text(0), QStringLiteral("Server identity"));
        QTreeWidgetItem* persistence = row(tree, QStringLiteral("Persistence"));
        QVERIFY(persistence);
        QCOMPARE(persistence->text(0), QStringLiteral("fail"));
        QCOMPARE(persistence->foreground(0).color(), ui::problemColor(page->palette()));
        QVERIFY2(persistence->text(3).contains(QStringLiteral("appendonly yes")), qPrintable(persistence->text(3)));
        QTreeWidgetItem* secrets = row(tree, QStringLiteral("Secrets in job arguments"));
        QVERIFY(secrets);
        QCOMPARE(secrets->text(0), QStringLiteral("fail"));
        QVERIFY2(secrets->text(2).contains(QStringLiteral("Billing::Charge")), qPrintable(secrets->text(2)));
        QVERIFY(!secrets->text(2).contains(QStringLiteral("sk_live")));

        tree->setCurrentItem(secrets);
        const QString details = page->findChild<QTextBrowser*>(QStringLiteral("securityDetails"))->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Why it matters:")) && details.contains(QStringLiteral("encrypt")),
            qPrintable(details));
        tree->setCurrentItem(persistence);
        QVERIFY(view.grab().save(shotPath(QStringLiteral("security.png"))));

        // Exports, written off the GUI thread; no secret in either.
        QTemporaryDir dir;
        for (const QString& name : {QStringLiteral("audit.md"), QStringLiteral("audit.json")}) {
            QSignalSpy done(page, &ui::SecurityPage::exported);
            page->exportTo(dir.filePath(name));
            QVERIFY(done.wait(5000));
            QCOMPARE(done.first().first().toBool(), true);
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            QVERIFY(!text.contains("sk_live"));
            if (name.endsWith(QLatin1String(".md")))
                QVERIFY(text.startsWith("# Security audit of redis://127.0.0.1:"));
            else
                QVERIFY(QJsonDocument::fromJson(text).object()["summary"].toObject()["fail"].toInt() >= 2);
        }
        // Run audit again: the button is off while it runs.
        page->findChild<QPushButton*>(QStringLiteral("runAudit"))->click();
        QVERIFY(d.isAuditing());
        QVERIFY(!page->findChild<QPushButton*>(QStringLiteral("runAudit"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!d.isAuditing(), 20000);
        QVERIFY(page->findChild<QPushButton*>(QStringLiteral("runAudit"))->isEnabled());
    }

    void fleetColumnAfterAuditAll()
    {
        ui::MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(test::profileFor(QStringLiteral("weak"), test::optionsFor(*m_weak)), false);
        auto better = test::profileFor(QStringLiteral("better"), test::optionsFor(*m_better));
        better.options.password = "better-Pw-1";
        window.addDeployment(better, false);
        QVERIFY(test::waitUntil(
            [&] {
                return window.deployment(0)->status() == Deployment::Status::Reachable
                    && window.deployment(1)->status() == Deployment::Status::Reachable;
            },
            10000));
        window.showFleet();
        auto* fleet = window.findChild<ui::FleetView*>();
        QVERIFY(fleet);
        auto* model = fleet->findChild<ui::FleetModel*>();
        QVERIFY(model);
        QCOMPARE(model->index(0, ui::FleetModel::Security).data().toString(), QStringLiteral("—"));
        fleet->findChild<QPushButton*>(QStringLiteral("auditAll"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.deployment(0)->securityAudit() && window.deployment(1)->securityAudit(), 20000);
        QTRY_VERIFY(!window.deployment(0)->isAuditing() && !window.deployment(1)->isAuditing());
        const QString weak = model->index(0, ui::FleetModel::Security).data().toString();
        const QString good = model->index(1, ui::FleetModel::Security).data().toString();
        const auto& weakAudit = *window.deployment(0)->securityAudit();
        QCOMPARE(weak,
            QStringLiteral("%1 fail · %2 warn")
                .arg(weakAudit.count(security::Status::Fail))
                .arg(weakAudit.count(security::Status::Warn)));
        QVERIFY2(!good.contains(QStringLiteral("fail")), qPrintable(good)); // AOF, a password, loopback
        QCOMPARE(
            model->index(0, ui::FleetModel::Security).data(Qt::ForegroundRole).value<QColor>(), ui::problemColor());
        QVERIFY(model->index(0, ui::FleetModel::Security).data(Qt::ToolTipRole).toString().startsWith("Audited "));
        // Sorting puts the worst first.
        QVERIFY(model->index(0, ui::FleetModel::Security).data(Qt::UserRole).toInt()
            > model->index(1, ui::FleetModel::Security).data(Qt::UserRole).toInt());
    }
};

QTEST_MAIN(TestSecurityPage)
#include "tst_security_page.moc"
