// A read-only deployment in the window: the gate opens read-only from the profile and follows its
// edits, the header shows "Read-only" or the armed countdown, arming goes through the arm dialog (the
// exact name and a reason) and runs out by itself, after which a real write is refused again.
#include "deployment/ArmDialog.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "main/PageRegistry.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

using namespace kiq;
using kiq::deployment::ConnectionProfile;
using kiq::deployment::Environment;
using namespace std::chrono_literals;

namespace {
const std::string kJob = R"({"class":"X","jid":"0123456789abcdef01234567","args":[],"queue":"default"})";
}

class TestDeploymentArm : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;

    ConnectionProfile profile(const QString& name, Environment environment) const
    {
        return test::profileFor(name, test::optionsFor(*m_server), environment);
    }
    static QString writesText(ui::DeploymentView& view)
    {
        return view.findChild<QLabel*>(QStringLiteral("writesState"))->text();
    }
    static QPushButton* armButton(ui::DeploymentView& view)
    {
        return view.findChild<QPushButton*>(QStringLiteral("armWritesButton"));
    }
    // Deletes the seeded dead job through the deployment's gate: a real write, refused or done.
    bool deleteThroughGate(ui::Deployment& d)
    {
        try {
            sidekiq::deleteJobs(*m_client, *d.writeGate(), sidekiq::JobSetKind::Dead, {kJob});
            return true;
        } catch (const write::WriteRefused&) {
            return false;
        }
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
        ui::applyTheme(ui::Theme::Light);
    }
    void init()
    {
        m_server->cli({"FLUSHALL"});
        m_server->cli({"ZADD", "dead", "1", QString::fromStdString(kJob)});
    }

    void productionArmsThroughTheDialogAndRunsOut()
    {
        auto p = profile(QStringLiteral("Billing"), Environment::Production);
        p.armMinutes = 7;
        ui::Deployment d(p, false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1024, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QVERIFY(!d.writeGate()->writable());
        QCOMPARE(writesText(view), QStringLiteral("Read-only"));
        QCOMPARE(armButton(view)->text(), QStringLiteral("Arm writes…"));
        QVERIFY(!deleteThroughGate(d));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("1")); // refused: untouched

        armButton(view)->click();
        auto* dialog = view.findChild<ui::ArmDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QCOMPARE(dialog->findChild<QSpinBox*>(QStringLiteral("armMinutes"))->value(), 7); // the profile's
        dialog->findChild<QLineEdit*>(QStringLiteral("armName"))->setText(QStringLiteral("Billing"));
        dialog->findChild<QLineEdit*>(QStringLiteral("armReason"))->setText(QStringLiteral("INC-42 stuck retries"));
        auto* arm = dialog->findChild<QPushButton*>(QStringLiteral("armButton"));
        QVERIFY(arm->isEnabled());
        arm->click();
        QVERIFY(d.writeGate()->writable());
        QCOMPARE(QString::fromStdString(d.writeGate()->arming()->reason), QStringLiteral("INC-42 stuck retries"));
        QVERIFY2(writesText(view).startsWith(QStringLiteral("Writes armed: 7:00 left"))
                || writesText(view).startsWith(QStringLiteral("Writes armed: 6:59 left")),
            qPrintable(writesText(view)));
        QCOMPARE(armButton(view)->text(), QStringLiteral("Disarm"));
        QTRY_VERIFY_WITH_TIMEOUT(writesText(view) == QStringLiteral("Writes armed: 6:58 left"), 4000); // it counts
        QVERIFY(deleteThroughGate(d));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("0"));

        armButton(view)->click(); // Disarm, at any time
        QVERIFY(!d.writeGate()->writable());
        QCOMPARE(writesText(view), QStringLiteral("Read-only"));

        // A short box: the header goes back to read-only by itself, and the next write is refused.
        m_server->cli({"ZADD", "dead", "1", QString::fromStdString(kJob)});
        d.armWrites(QStringLiteral("INC-43"), 1500ms);
        QVERIFY(writesText(view).startsWith(QStringLiteral("Writes armed: 0:02 left")));
        QTRY_COMPARE_WITH_TIMEOUT(writesText(view), QStringLiteral("Read-only"), 5000);
        QVERIFY(!deleteThroughGate(d));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("1"));
    }

    // Also while the view is hidden (another deployment selected): the deployment notices the expiry.
    void expiryWhileHidden()
    {
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        int changes = 0;
        connect(&d, &ui::Deployment::writesChanged, this, [&] { ++changes; });
        d.armWrites(QStringLiteral("INC-44"), 300ms);
        QCOMPARE(changes, 1);
        QTRY_COMPARE_WITH_TIMEOUT(changes, 2, 3000);
        QVERIFY(!d.writeGate()->writable());
        view.show();
        QCOMPARE(writesText(view), QStringLiteral("Read-only"));
    }

    void profileDecidesAndEditsFollow()
    {
        ui::Deployment d(profile(QStringLiteral("Laptop"), Environment::Development), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.show();
        QVERIFY(d.writeGate()->writable()); // no ceremony
        QVERIFY(!armButton(view)->isVisible());
        QVERIFY(deleteThroughGate(d));

        auto p = d.profile();
        p.environment = Environment::Staging;
        d.setProfile(p);
        QVERIFY(d.writeGate()->writable());
        p.readOnly = true; // a staging marked read-only
        d.setProfile(p);
        QVERIFY(!d.writeGate()->writable());
        QVERIFY(armButton(view)->isVisible());
        QCOMPARE(writesText(view), QStringLiteral("Read-only"));
        m_server->cli({"ZADD", "dead", "1", QString::fromStdString(kJob)});
        try {
            sidekiq::deleteJobs(*m_client, *d.writeGate(), sidekiq::JobSetKind::Dead, {kJob});
            QFAIL("a read-only staging deployment wrote");
        } catch (const write::WriteRefused& e) {
            QCOMPARE(
                QString(e.what()), QStringLiteral("Laptop (Staging) is read-only: arm writes with a reason first"));
        }

        d.armWrites(QStringLiteral("INC-45"), 10min);
        QVERIFY(d.writeGate()->writable());
        p.readOnly = false;
        p.environment = Environment::Development;
        d.setProfile(p);
        QVERIFY(d.writeGate()->writable());
        QVERIFY(!armButton(view)->isVisible());
        p.environment = Environment::Production;
        d.setProfile(p);
        QVERIFY(!d.writeGate()->writable()); // the old arming does not carry over
        QCOMPARE(writesText(view), QStringLiteral("Read-only"));
    }

    void armDialogNeedsTheExactNameAndAReason()
    {
        auto p = profile(QStringLiteral("Billing EU"), Environment::Production);
        ui::ArmDialog dialog(p);
        dialog.show();
        auto* name = dialog.findChild<QLineEdit*>(QStringLiteral("armName"));
        auto* reason = dialog.findChild<QLineEdit*>(QStringLiteral("armReason"));
        auto* arm = dialog.findChild<QPushButton*>(QStringLiteral("armButton"));
        QCOMPARE(dialog.findChild<QSpinBox*>(QStringLiteral("armMinutes"))->value(), 15);
        QVERIFY(!arm->isEnabled());
        reason->setText(QStringLiteral("INC-9"));
        QVERIFY(!arm->isEnabled()); // no name yet
        for (const char* nearMiss : {"billing eu", "Billing", "Billing EU ", " Billing EU", "Billing  EU"}) {
            name->setText(QString::fromLatin1(nearMiss));
            QVERIFY2(!arm->isEnabled(), nearMiss);
        }
        name->clear();
        QTest::keyClicks(name, QStringLiteral("Billing EU"));
        QVERIFY(arm->isEnabled());
        reason->setText(QStringLiteral("   "));
        QVERIFY(!arm->isEnabled()); // a blank reason is no reason
        reason->setText(QStringLiteral("JIRA-77"));
        QVERIFY(arm->isEnabled());
        QCOMPARE(dialog.reason(), QStringLiteral("JIRA-77"));
        QVERIFY(dialog.grab().save(
            qEnvironmentVariable("KIQ_ARM_PNG_DIR", QDir::tempPath()) + QStringLiteral("/kiq-arm-dialog.png")));
        QTest::keyClick(reason, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    // Pictures of the header, read-only and armed, in both themes, for a person to look at.
    void renderHeader()
    {
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1024, 160);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString dir = qEnvironmentVariable("KIQ_ARM_PNG_DIR", QDir::tempPath());
        for (auto theme : {ui::Theme::Light, ui::Theme::Dark}) {
            ui::applyTheme(theme);
            const QString suffix = theme == ui::Theme::Light ? QStringLiteral("light") : QStringLiteral("dark");
            d.disarmWrites();
            QCoreApplication::processEvents();
            QVERIFY(view.grab().save(dir + QStringLiteral("/kiq-header-readonly-%1.png").arg(suffix)));
            d.armWrites(QStringLiteral("INC-42"), 14min + 32s);
            QCoreApplication::processEvents();
            QVERIFY(writesText(view).startsWith(QStringLiteral("Writes armed: 14:3")));
            QVERIFY(view.grab().save(dir + QStringLiteral("/kiq-header-armed-%1.png").arg(suffix)));
        }
        ui::applyTheme(ui::Theme::Light);
    }
};

QTEST_MAIN(TestDeploymentArm)
#include "tst_deployment_arm.moc"
