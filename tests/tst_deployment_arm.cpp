// A read-only deployment in the window: the gate opens read-only from the profile and follows its
// edits, the header shows "Read-only" or the armed countdown, arming goes through the arm dialog (the
// exact name and a reason) and runs out by itself, after which a real write is refused again. Every
// page's write actions are disabled while read-only, saying why, and follow arming and its run-out.
#include "deployment/ArmDialog.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "main/PageRegistry.h"
#include "main/Theme.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/undo/UndoPage.h"
#include "pages/workers/WorkersPage.h"
#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "write/AuditChain.h"
#include "write/UndoJournal.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <functional>
#include <thread>

using namespace kiq;
using kiq::deployment::ConnectionProfile;
using kiq::deployment::Environment;
using namespace std::chrono_literals;

namespace {
const std::string kJob = R"({"class":"X","jid":"0123456789abcdef01234567","args":[],"queue":"default"})";
const QString kRefusal = QStringLiteral("Billing (Production) is read-only: arm writes with a reason first");

// A write action of a page: a toolbar action or a button.
struct WriteControl {
    QString name;
    std::function<bool()> enabled;
    std::function<QString()> toolTip;
};

// Every write action of every page, by object name: the job actions (not Reload, not the entries of
// the "All matching" menu, whose button is checked instead), the ACL buttons and the pool's Start.
std::vector<WriteControl> writeControls(ui::DeploymentView& view)
{
    std::vector<WriteControl> out;
    for (ui::DeploymentPage* page : view.pages()) {
        for (QAction* a : page->findChildren<QAction*>()) {
            const QString name = a->objectName();
            // Copy as command writes nothing, and replay only reads here: they stay available while read-only.
            if (!name.endsWith(QStringLiteral("Action")) || name == QStringLiteral("reloadAction")
                || name.startsWith(QStringLiteral("all")) || name.startsWith(QStringLiteral("copy"))
                || name == QStringLiteral("replayAction") || name == QStringLiteral("groupReplayAction"))
                continue;
            out.push_back({page->objectName() + QLatin1Char('/') + name, [a] { return a->isEnabled(); },
                [a] { return a->toolTip(); }});
        }
        for (QAbstractButton* b : page->findChildren<QAbstractButton*>()) {
            const QString name = b->objectName();
            if (name != QStringLiteral("allMatchingButton") && name != QStringLiteral("startPool")
                && !(name.startsWith(QStringLiteral("acl")) && name.endsWith(QStringLiteral("Button"))
                    && !name.contains(QStringLiteral("Copy"))))
                continue;
            out.push_back({page->objectName() + QLatin1Char('/') + name, [b] { return b->isEnabled(); },
                [b] { return b->toolTip(); }});
        }
    }
    return out;
}

// Which controls are all disabled with `tip`; empty when they all are.
QStringList notDisabledWith(const std::vector<WriteControl>& controls, const QString& tip)
{
    QStringList wrong;
    for (const auto& c : controls)
        if (c.enabled() || c.toolTip() != tip) wrong << c.name + QStringLiteral(": ") + c.toolTip();
    return wrong;
}
} // namespace

class TestDeploymentArm : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    QTemporaryDir m_home; // the undo journal's folder

    ConnectionProfile profile(const QString& name, Environment environment) const
    {
        return test::profileFor(name, test::optionsFor(*m_server), environment);
    }
    // Shows `view` on its Dead page, connects, and selects the seeded job; nullptr if that never happens.
    static QTableView* openDeadJob(ui::Deployment& d, ui::DeploymentView& view)
    {
        view.resize(1100, 420);
        view.show();
        if (!QTest::qWaitForWindowActive(&view)) return nullptr;
        const auto& pages = view.pages();
        for (int i = 0; i < pages.size(); ++i)
            if (pages[i]->objectName() == QStringLiteral("deadPage")) view.setCurrentPage(i);
        d.connectNow();
        if (!QTest::qWaitFor([&] { return d.status() == ui::Deployment::Status::Reachable; })) return nullptr;
        QTableView* table = view.currentPage()->findChild<ui::IndexedJobBrowser*>()->table();
        if (!QTest::qWaitFor([&] { return table->model()->rowCount() == 1; })) return nullptr;
        table->selectRow(0);
        return table;
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
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8()); // before the first deployment opens the journal
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

    // The deployment's writes land in its shared audit trail: from the GUI thread (appended on a pool
    // thread) and from a worker thread. A user who may not write the stream gets the local file, and
    // the header says so.
    void writesGoToTheAuditTrail()
    {
        QTemporaryDir data;
        qputenv("XDG_DATA_HOME", data.path().toUtf8());
        auto p = profile(QStringLiteral("Billing"), Environment::Production);
        ui::Deployment d(p, false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        d.armWrites(QStringLiteral("INC-45 audit"), 5min);
        QVERIFY(deleteThroughGate(d)); // on this (the GUI) thread
        QTRY_COMPARE(m_server->cli({"XLEN", "kiqdesk:audit"}), QStringLiteral("1"));
        const QString entry = m_server->cli({"XRANGE", "kiqdesk:audit", "-", "+"});
        QVERIFY2(entry.contains(QStringLiteral("INC-45 audit")) && entry.contains(QStringLiteral("delete")),
            qPrintable(entry));

        m_server->cli({"ACL", "SETUSER", "ops", "reset", "on", ">ops-Pw-3344", "~*", "&*", "+@all", "-xadd"});
        p.options.user = "ops";
        p.passwordRequired = true;
        ui::Deployment limited(p, false);
        ui::DeploymentView limitedView(&limited, ui::deploymentPages());
        limited.setPasswords(QStringLiteral("ops-Pw-3344"), {});
        limited.connectNow();
        limited.armWrites(QStringLiteral("INC-46"), 5min);
        m_server->cli({"ZADD", "dead", "1", QString::fromStdString(kJob)});
        bool deleted = false;
        std::thread worker([&] { deleted = deleteThroughGate(limited); });
        worker.join();
        QVERIFY(deleted);
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("0")); // the write stands
        auto* warnings = limitedView.findChild<QLabel*>(QStringLiteral("deploymentWarnings"));
        QTRY_VERIFY(!limited.auditProblem().isEmpty());
        const QString file = data.filePath(QStringLiteral("tst_deployment_arm/audit/Billing.jsonl"));
        QVERIFY2(limited.auditProblem().startsWith(QStringLiteral("audit stream not writable (")),
            qPrintable(limited.auditProblem()));
        QVERIFY2(limited.auditProblem().endsWith(QStringLiteral("entries kept in ") + file),
            qPrintable(limited.auditProblem()));
        QVERIFY(warnings->text().contains(QStringLiteral("audit stream not writable")));
        QVERIFY(QFile::exists(file));
        QCOMPARE(m_server->cli({"XLEN", "kiqdesk:audit"}), QStringLiteral("1"));
        m_server->cli({"ACL", "DELUSER", "ops"});
        qunsetenv("XDG_DATA_HOME");
    }

    // The deployment trims the shared stream to its profile's cap (about: whole nodes of 100 entries).
    void auditStreamKeepsAboutTheProfilesCap()
    {
        test::fillAuditStream(test::optionsFor(*m_server), m_home.filePath("filler.jsonl"), 300);
        auto p = profile(QStringLiteral("Laptop"), Environment::Development);
        p.auditMaxLen = 100;
        ui::Deployment d(p, false);
        QVERIFY(deleteThroughGate(d));
        QTRY_VERIFY(m_server->cli({"XLEN", "kiqdesk:audit"}).toInt() <= 201);
        QVERIFY(m_server->cli({"XLEN", "kiqdesk:audit"}).toInt() >= 100);
        QVERIFY(write::verifyAuditStream(*m_client).intact());
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

    void writeActionsSayWhyWhileReadOnly()
    {
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        view.resize(1280, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // The Local workers page is shown throughout: it follows the gate while visible; the others are
        // hidden, so nothing but the gate's signal can change their actions.
        const auto& pages = view.pages();
        for (int i = 0; i < pages.size(); ++i)
            if (qobject_cast<ui::WorkersPage*>(pages[i])) view.setCurrentPage(i);
        QVERIFY(qobject_cast<ui::WorkersPage*>(view.currentPage()));
        const auto controls = writeControls(view);
        // Queues 4; Retries 4 + 2 group actions + All matching; Dead 3 + 2 + 1; Scheduled 4 + 1; Busy 4 +
        // Cancel iteration; ACL 7; Local workers' Start; Undo history's Restore.
        QCOMPARE(controls.size(), std::size_t(36));

        // Not connected comes first: arming would not help.
        QStringList wrong = notDisabledWith(controls, QStringLiteral("Not connected"));
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        d.connectNow();
        QTRY_COMPARE(d.status(), ui::Deployment::Status::Reachable);
        wrong = notDisabledWith(controls, kRefusal);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        // Armed: no longer for the read-only reason; what needs no selection is enabled at once.
        const QStringList needsSelection {QStringLiteral("Select jobs in the table first"),
            QStringLiteral("Select a queue first"), QStringLiteral("Select a failure group first"),
            QStringLiteral("Select processes in the table first"), QStringLiteral("No Sidekiq process is running"),
            QStringLiteral("Select a user first"), QStringLiteral("Select an action in the list first"),
            QStringLiteral("Select a running iterable job first")};
        const auto checkArmed = [&] {
            QStringList wrong;
            for (const auto& c : controls) {
                const bool bare = c.name.endsWith(QStringLiteral("allMatchingButton"))
                    || c.name.endsWith(QStringLiteral("startPool"))
                    || c.name.endsWith(QStringLiteral("aclNewUserButton"))
                    || c.name.endsWith(QStringLiteral("aclApplyRoleButton"))
                    || c.name.endsWith(QStringLiteral("aclResetLogButton"));
                if (bare ? !c.enabled() : !c.enabled() && !needsSelection.contains(c.toolTip()))
                    wrong << c.name + QStringLiteral(": ") + c.toolTip();
            }
            return wrong;
        };
        d.armWrites(QStringLiteral("INC-46"), 10min);
        wrong = checkArmed();
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        d.disarmWrites();
        wrong = notDisabledWith(controls, kRefusal);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        // A short box: enabled, then disabled again by itself when it runs out.
        d.armWrites(QStringLiteral("INC-47"), 800ms);
        wrong = checkArmed();
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
        QTRY_VERIFY_WITH_TIMEOUT(notDisabledWith(controls, kRefusal).isEmpty(), 5000);
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

    void aWriteShortcutSaysWhyWhileReadOnly()
    {
        // Keyboard users never see the disabled action's tooltip: the key itself must answer.
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        QTableView* table = openDeadJob(d, view);
        QVERIFY2(table, "the Dead page never showed the seeded job");
        table->setFocus();
        auto* status = view.currentPage()->findChild<QLabel*>(QStringLiteral("jobSetStatus"));
        QVERIFY(status);
        QVERIFY(!status->text().contains(QStringLiteral("read-only")));

        QTest::keyClick(table, Qt::Key_R); // Retry now
        QTRY_VERIFY(status->text().contains(kRefusal.toHtmlEscaped()));
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("1"));

        d.armWrites(QStringLiteral("INC-48"), 10min);
        QTest::keyClick(table, Qt::Key_R);
        QTRY_COMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("0"));
        QVERIFY(!status->text().contains(kRefusal.toHtmlEscaped()));
    }

    // A delete on the Dead page offers Undo, which puts the job back with its score; the Undo history page
    // lists the action, and its Restore is disabled with the gate's reason while read-only.
    void undoAfterDeleteAndUndoHistory()
    {
        // Without the deletes of the tests before (no deployment holds the journal open now).
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(write::UndoJournal::defaultFile() + QLatin1String(suffix));
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        QVERIFY2(openDeadJob(d, view), "the Dead page never showed the seeded job");
        auto* dead = qobject_cast<ui::JobSetPage*>(view.currentPage());
        QVERIFY(dead);
        d.armWrites(QStringLiteral("INC-49 cleanup"), 10min);
        dead->actOnSelection(sidekiq::JobAction::Delete, true);
        QTRY_VERIFY(dead->undoButton()->isVisible());
        QCOMPARE(m_server->cli({"ZCARD", "dead"}), QStringLiteral("0"));
        QVERIFY(view.grab().save(QDir::tempPath() + QStringLiteral("/kiq-undo-offer.png")));
        QVERIFY(dead->undoButton()->isEnabled());
        d.disarmWrites();
        QVERIFY(!dead->undoButton()->isEnabled());
        QCOMPARE(dead->undoButton()->toolTip(), kRefusal);

        ui::UndoPage* undo = nullptr;
        const auto& pages = view.pages();
        for (int i = 0; i < pages.size(); ++i) {
            if (auto* page = qobject_cast<ui::UndoPage*>(pages[i])) {
                undo = page;
                view.setCurrentPage(i);
            }
        }
        QVERIFY(undo);
        QTRY_COMPARE(undo->table()->model()->rowCount(), 1);
        QVERIFY(undo->table()->model()->index(0, 1).data().toString().contains(QStringLiteral("deleted from dead at")));
        undo->table()->selectRow(0);
        auto* restore = undo->findChild<QAction*>(QStringLiteral("restoreAction"));
        QVERIFY(!restore->isEnabled());
        QCOMPARE(restore->toolTip(), kRefusal);
        d.armWrites(QStringLiteral("INC-49 undo"), 10min);
        QVERIFY(restore->isEnabled());
        QCoreApplication::processEvents();
        QVERIFY(
            view.grab().save(QDir::tempPath() + QStringLiteral("/kiq-undo-history.png"))); // for a person to look at

        for (int i = 0; i < pages.size(); ++i)
            if (pages[i] == dead) view.setCurrentPage(i);
        dead->undoButton()->click();
        QTRY_COMPARE(m_server->cli({"ZRANGE", "dead", "0", "-1", "WITHSCORES"}),
            QString::fromStdString(kJob) + QStringLiteral("\n1"));
        QVERIFY(!dead->undoButton()->isVisible());
        undo->refresh();
        QTRY_COMPARE(undo->table()->model()->index(0, 3).data().toString(), QStringLiteral("0"));
        undo->table()->selectRow(0);
        QVERIFY(!restore->isEnabled());
        QCOMPARE(restore->toolTip(), QStringLiteral("Its jobs were restored already"));
    }

    // A page of a read-only deployment, then armed (light), for a person to look at its toolbar.
    void renderPageReadOnlyAndArmed()
    {
        ui::Deployment d(profile(QStringLiteral("Billing"), Environment::Production), false);
        ui::DeploymentView view(&d, ui::deploymentPages());
        // The seeded dead job, selected: its actions are disabled for being read-only, not for want of a row.
        QVERIFY2(openDeadJob(d, view), "the Dead page never showed the seeded job");
        auto* retry = view.currentPage()->findChild<QAction*>(QStringLiteral("retryAction"));
        QVERIFY(!retry->isEnabled());
        QCOMPARE(retry->toolTip(), kRefusal);
        auto* all = view.currentPage()->findChild<QAbstractButton*>(QStringLiteral("allMatchingButton"));
        QVERIFY(!all->isEnabled());
        QCOMPARE(all->toolTip(), kRefusal);
        const QString dir = qEnvironmentVariable("KIQ_ARM_PNG_DIR", QDir::tempPath());
        QVERIFY(view.grab().save(dir + QStringLiteral("/kiq-page-readonly-light.png")));
        d.armWrites(QStringLiteral("INC-48"), 10min);
        QVERIFY(all->isEnabled());
        QVERIFY(retry->isEnabled());
        QCoreApplication::processEvents();
        QVERIFY(view.grab().save(dir + QStringLiteral("/kiq-page-armed-light.png")));
    }
};

QTEST_MAIN(TestDeploymentArm)
#include "tst_deployment_arm.moc"
