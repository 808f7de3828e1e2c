// The keyboard, as a new user meets it (issue 14), against a real redis-server (a LocalSandbox)
// holding a few dead and retrying jobs in two failure groups:
// - Tab leaves every table of the app after one stop (arrows move inside), and Tab or Shift+Tab over
//   the "Failures by cause" list never selects a group, so it never rewrites the filter;
// - the job actions, the group actions and Reload are Tab stops, in the order they are shown;
// - R, M, K, Del on the job table and Shift+R, Shift+Del on the group list open their dialogs, and a
//   group action names its group in the preview and in the confirmation;
// - Ctrl+Tab / Ctrl+Shift+Tab switch the deployment's pages, Ctrl+PgDn / Ctrl+PgUp the tabs inside a
//   page (the pages where it has none); the shortcuts sheet lists them.
// Screenshot: keyboard_group_preview.png (the preview of a group action, with its group named).
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/ShortcutsDialog.h"
#include "main/Theme.h"
#include "pages/acl/AclPage.h"
#include "pages/jobs/BulkPreviewDialog.h"
#include "pages/jobs/FailureGroupModel.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/IndexedJobModel.h"
#include "pages/jobs/JobIndexFeed.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/redis/RedisPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/LocalSandbox.h"
#include "write/WriteGate.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QToolBar>

#include <functional>

using namespace kiq::ui;
using kiq::redis::Command;
using kiq::sidekiq::JobSetKind;

namespace {
std::string failedJob(const std::string& cls, int n, const std::string& errorClass, const std::string& message)
{
    return "{\"class\":\"" + cls + "\",\"args\":[" + std::to_string(n) + "],\"queue\":\"default\",\"jid\":\"" + cls
        + std::to_string(1000 + n) + "\",\"created_at\":1600000000,\"enqueued_at\":1600000001,\"error_class\":\""
        + errorClass + "\",\"error_message\":\"" + message + "\",\"failed_at\":1600000002,\"retry_count\":3}";
}

// The button a toolbar shows for the action with this object name.
QWidget* buttonFor(QWidget* page, const char* actionName)
{
    auto* action = page->findChild<QAction*>(QString::fromLatin1(actionName));
    for (QToolBar* bar : page->findChildren<QToolBar*>())
        if (QWidget* w = action ? bar->widgetForAction(action) : nullptr) return w;
    return nullptr;
}

// Not QTableView::selectRow: that reads the keyboard's modifiers, and QTest may leave Shift down
// after a Shift+Tab.
void selectRow(QTableView* table, int row)
{
    table->selectionModel()->setCurrentIndex(
        table->model()->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QString describe(QWidget* w)
{
    return w ? QStringLiteral("%1 '%2'").arg(QLatin1String(w->metaObject()->className()), w->objectName())
             : QStringLiteral("nothing");
}

// Runs `trigger`, which opens modal dialogs (at once or after a round trip to the server), and hands
// each one that shows to `answer`, which must close it, until `expected` were answered (10 s at
// most) and a little longer, to catch one too many. Progress dialogs are left alone. Returns how
// many dialogs were answered.
int withDialogs(int expected, const std::function<void()>& trigger, const std::function<void(QWidget*)>& answer)
{
    int answered = 0;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal || !modal->isVisible() || qobject_cast<QProgressDialog*>(modal)) return;
        ++answered;
        answer(modal);
    });
    poll.start(30);
    trigger();
    (void)QTest::qWaitFor([&] { return answered >= expected; }, 10000); // the count is what the caller checks
    QTest::qWait(300);
    return answered;
}
} // namespace

class TestKeyboard : public QObject {
    Q_OBJECT
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;
    std::unique_ptr<kiq::redis::Client> m_direct;

    long long zcard(const char* key) { return m_direct->command(Command("ZCARD").key(key)).asInteger(); }

    // A shown, connected page, its window active (keys reach the focus widget only then).
    void openPage(JobSetPage& page, kiq::redis::AsyncClient& client, int rows)
    {
        page.setWriteGate(std::make_shared<kiq::write::WriteGate>("test"));
        page.resize(1200, 800);
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        page.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), rows, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page.feed()->snapshot()->complete(), 10000);
    }

private slots:
    void initTestCase()
    {
        applyTheme(Theme::Light);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        m_direct = std::make_unique<kiq::redis::Client>(m_sandbox->options());
        Command dead("ZADD");
        dead.key("dead");
        for (int i = 0; i < 4; ++i)
            dead.arg(1600000000LL + i).arg(failedJob("ImportJob", i, "Net::ReadTimeout", "read timeout after 30s"));
        for (int i = 0; i < 2; ++i)
            dead.arg(1600000100LL + i).arg(failedJob("MailJob", i, "ArgumentError", "missing keyword: to"));
        m_direct->command(dead).throwIfError();
        Command retry("ZADD");
        retry.key("retry");
        for (int i = 0; i < 3; ++i)
            retry.arg(4000000000LL + i).arg(failedJob("SyncJob", i, "Redis::TimeoutError", "connection timed out"));
        m_direct->command(retry).throwIfError();
    }

    void cleanupTestCase()
    {
        m_direct.reset();
        m_sandbox.reset();
    }

    // Tab and Shift+Tab leave the group list at once, with no group selected and the filter as it
    // was: walking its cells used to select group after group, rewriting the filter (and with it
    // what "Retry all in group…" acts on).
    void tabOverTheGroupListKeepsTheFilter()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        openPage(page, client, 6);
        IndexedJobBrowser* browser = page.browser();
        QTRY_COMPARE_WITH_TIMEOUT(browser->groupModel()->rowCount(), 2, 10000);
        browser->filterEdit()->setText(QStringLiteral("age>1h"));
        QTableView* groups = browser->groupTable();
        for (Qt::KeyboardModifiers direction : {Qt::NoModifier, Qt::ShiftModifier}) {
            for (int i = 0; i < 4; ++i) {
                groups->setFocus(Qt::TabFocusReason);
                QCOMPARE(page.focusWidget(), groups);
                QTest::keyClick(groups, Qt::Key_Tab, direction);
                QVERIFY2(page.focusWidget() != groups, qPrintable(describe(page.focusWidget())));
                QCOMPARE(browser->filterEdit()->text(), QStringLiteral("age>1h"));
                QVERIFY(!groups->selectionModel()->hasSelection());
            }
        }
        // Arrows still move inside the list, and choosing a group there is what filters to it.
        groups->setFocus(Qt::TabFocusReason);
        QTest::keyClick(groups, Qt::Key_Down);
        QVERIFY(groups->selectionModel()->hasSelection());
        QVERIFY(browser->filterEdit()->text().contains(QStringLiteral("group=")));
    }

    // Every list and table of every page, and of the fleet overview, is one Tab stop; Tab from a
    // table with a current cell goes to the next control and leaves the current cell alone.
    void everyTableIsOneTabStop()
    {
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Keys"));
        profile.options = m_sandbox->options();
        window.addDeployment(profile, false);
        window.resize(1280, 820);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        DeploymentView* view = window.currentView();
        QVERIFY(view);
        int tables = 0;
        for (QAbstractItemView* v : window.findChildren<QAbstractItemView*>()) {
            QVERIFY2(
                !v->tabKeyNavigation(), qPrintable(describe(v) + QStringLiteral(" in ") + describe(v->parentWidget())));
            ++tables;
        }
        QVERIFY2(tables >= 12, qPrintable(QString::number(tables)));

        RedisPage* redis = nullptr;
        for (int i = 0; i < view->pages().size(); ++i)
            if ((redis = qobject_cast<RedisPage*>(view->pages()[i]))) {
                view->setCurrentPage(i);
                break;
            }
        QVERIFY(redis);
        auto* clients = redis->findChild<QTableView*>(QStringLiteral("clientsTable"));
        QTRY_VERIFY_WITH_TIMEOUT(clients->model()->rowCount() > 0, 15000);
        clients->setFocus(Qt::TabFocusReason);
        clients->setCurrentIndex(clients->model()->index(0, 0));
        QTest::keyClick(clients, Qt::Key_Tab);
        QVERIFY2(window.focusWidget() != clients, qPrintable(describe(window.focusWidget())));
        QCOMPARE(clients->currentIndex(), clients->model()->index(0, 0));
    }

    // The job actions, then the filter, the group list and its actions, then the jobs.
    void actionsAreTabStopsInOrder()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        openPage(page, client, 6);
        IndexedJobBrowser* browser = page.browser();
        QTRY_COMPARE_WITH_TIMEOUT(browser->groupModel()->rowCount(), 2, 10000);
        selectRow(browser->groupTable(), 0); // the 4 ImportJob timeouts
        QTRY_COMPARE_WITH_TIMEOUT(browser->model()->rowCount(), 4, 5000);
        selectRow(browser->table(), 0);
        const QList<QWidget*> expected {buttonFor(&page, "reloadAction"), buttonFor(&page, "retryAction"),
            buttonFor(&page, "moveAction"), buttonFor(&page, "deleteAction"), buttonFor(&page, "replayAction"),
            page.findChild<QWidget*>(QStringLiteral("allMatchingButton")),
            page.findChild<QWidget*>(QStringLiteral("copyCommandButton")),
            page.findChild<QWidget*>(QStringLiteral("jobFileButton")), browser->filterEdit(), browser->groupTable(),
            buttonFor(&page, "groupretryAction"), buttonFor(&page, "groupdeleteAction"),
            buttonFor(&page, "groupReplayAction"), browser->table()};
        QVERIFY(!expected.contains(nullptr));
        expected.front()->setFocus(Qt::TabFocusReason);
        QCOMPARE(page.focusWidget(), expected.front());
        for (qsizetype i = 1; i < expected.size(); ++i) {
            QTest::keyClick(page.focusWidget(), Qt::Key_Tab);
            QVERIFY2(page.focusWidget() == expected[i],
                qPrintable(QStringLiteral("stop %1: %2").arg(i).arg(describe(page.focusWidget()))));
        }
        QTest::keyClick(page.focusWidget(), Qt::Key_Tab); // on to the inspector of the current job
        QVERIFY2(browser->inspector()->isAncestorOf(page.focusWidget()), qPrintable(describe(page.focusWidget())));
        for (qsizetype i = expected.size() - 1; i >= 0; --i) {
            QTest::keyClick(page.focusWidget(), Qt::Key_Tab, Qt::ShiftModifier);
            QCOMPARE(page.focusWidget(), expected[i]);
        }
        QCOMPARE(browser->groupTable()->selectionModel()->selectedRows().value(0).row(), 0); // untouched
    }

    // R, M, K and Del act on the selected jobs while the job table has focus; nothing is done here
    // (every dialog is declined), and the set is left as it was.
    void jobShortcutsOpenTheirDialogs()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Retry);
        openPage(page, client, 3);
        QTableView* table = page.browser()->table();
        selectRow(table, 1);
        QTRY_VERIFY(page.findChild<QAction*>(QStringLiteral("deleteAction"))->isEnabled());
        for (const auto& step :
            {std::pair {Qt::Key_Delete, QStringLiteral("Delete")}, std::pair {Qt::Key_K, QStringLiteral("Kill")},
                std::pair {Qt::Key_M, QStringLiteral("Move to queue")}}) {
            const auto& [key, title] = step;
            // Back from the last dialog: the focus is on the table again once the window is active.
            page.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&page));
            table->setFocus(Qt::TabFocusReason);
            QString seen, text;
            const int dialogs = withDialogs(
                1, [&] { QTest::keyClick(table, step.first); },
                [&](QWidget* dialog) {
                    seen = dialog->windowTitle();
                    if (auto* box = qobject_cast<QMessageBox*>(dialog)) {
                        text = box->text();
                        box->button(QMessageBox::No)->click();
                    } else if (auto* input = qobject_cast<QInputDialog*>(dialog)) {
                        text = input->labelText();
                        input->reject();
                    } else {
                        qobject_cast<QDialog*>(dialog)->reject();
                    }
                });
            QVERIFY2(dialogs == 1, qPrintable(title + QStringLiteral(": %1 dialogs").arg(dialogs)));
            QCOMPARE(seen, title);
            if (key != Qt::Key_M) QVERIFY2(text.contains(QStringLiteral("1 selected job")), qPrintable(text));
        }
        QCOMPARE(zcard("retry"), 3LL);

        // R retries the selection at once (it cannot lose a job).
        const auto before = zcard("retry");
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        table->setFocus(Qt::TabFocusReason);
        QTest::keyClick(table, Qt::Key_R);
        QTRY_COMPARE_WITH_TIMEOUT(zcard("retry"), before - 1, 10000);
    }

    // Shift+R and Shift+Del on the group list: "all matching" on the group chosen there, and both the
    // preview and the confirmation say which group that is.
    void groupShortcutsNameTheirGroup()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        openPage(page, client, 6);
        IndexedJobBrowser* browser = page.browser();
        QTRY_COMPARE_WITH_TIMEOUT(browser->groupModel()->rowCount(), 2, 10000);
        const int mail = browser->groupModel()->group(0).displayClass == "MailJob" ? 0 : 1;
        selectRow(browser->groupTable(), mail);
        QTRY_COMPARE_WITH_TIMEOUT(browser->model()->rowCount(), 2, 5000);

        for (const auto& step :
            {std::pair {Qt::Key_Delete, QStringLiteral("Delete")}, std::pair {Qt::Key_R, QStringLiteral("Retry")}}) {
            const QString& action = step.second;
            page.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&page));
            browser->groupTable()->setFocus(Qt::TabFocusReason);
            QString preview, confirmation;
            const int dialogs = withDialogs(
                2, [&] { QTest::keyClick(browser->groupTable(), step.first, Qt::ShiftModifier); },
                [&](QWidget* dialog) {
                    if (auto* p = qobject_cast<BulkPreviewDialog*>(dialog)) {
                        preview = dialog->findChild<QLabel*>(QStringLiteral("bulkScope"))->text();
                        if (action == QLatin1String("Delete")) {
                            const QString path = QDir(kiq::test::testOutputDir())
                                                     .filePath(QStringLiteral("keyboard_group_preview.png"));
                            p->grab().save(path);
                            qInfo("screenshot: %s", qPrintable(path));
                        }
                        p->accept();
                    } else if (auto* box = qobject_cast<QMessageBox*>(dialog)) {
                        confirmation = box->text();
                        box->button(QMessageBox::No)->click();
                    } else {
                        qobject_cast<QDialog*>(dialog)->reject();
                    }
                });
            QCOMPARE(dialogs, 2);
            for (const QString& text : {preview, confirmation}) {
                QVERIFY2(text.contains(QStringLiteral("Failure group: ArgumentError: missing keyword: to (MailJob)")),
                    qPrintable(action + QStringLiteral(": ") + text));
                QVERIFY2(text.contains(QStringLiteral("Filter: group=")), qPrintable(text));
            }
            QVERIFY2(confirmation.startsWith(action + QStringLiteral(" 2 matching")), qPrintable(confirmation));
        }
        QCOMPARE(zcard("dead"), 6LL); // declined: nothing was done
    }

    // Ctrl+Tab and Ctrl+Shift+Tab walk the pages, wrapping; Ctrl+PgDn and Ctrl+PgUp the tabs of the
    // page's own tab widget while the focus is in it, the pages otherwise.
    void ctrlTabAndCtrlPageSwitchTabs()
    {
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Keys"));
        profile.options = m_sandbox->options();
        window.addDeployment(profile, false);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        DeploymentView* view = window.currentView();
        const auto& pages = view->pages();
        const auto current = [&] { return int(pages.indexOf(view->currentPage())); };
        view->setCurrentPage(0);
        const auto target = [&]() -> QWidget* {
            QWidget* focus = QApplication::focusWidget();
            return focus ? focus : &window;
        };
        QTest::keyClick(target(), Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(current(), 1);
        QTest::keyClick(target(), Qt::Key_Tab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(current(), 0);
        // What X11 sends for Ctrl+Shift+Tab.
        QTest::keyClick(target(), Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(current(), int(pages.size()) - 1);
        QTest::keyClick(target(), Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(current(), 0);
        QTest::keyClick(target(), Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(current(), int(pages.size()) - 1);

        int acl = -1;
        for (int i = 0; i < pages.size(); ++i)
            if (qobject_cast<AclPage*>(pages[i])) acl = i;
        QVERIFY(acl >= 0);
        view->setCurrentPage(acl);
        auto* tabs = pages[acl]->findChild<QTabWidget*>();
        QVERIFY(tabs);
        tabs->setCurrentIndex(0);
        QWidget* users = tabs->currentWidget()->findChild<QTableView*>();
        users->setFocus(Qt::TabFocusReason);
        QCOMPARE(QApplication::focusWidget(), users);
        QTest::keyClick(users, Qt::Key_PageDown, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 1);
        QCOMPARE(current(), acl);
        QTest::keyClick(target(), Qt::Key_PageUp, Qt::ControlModifier);
        QCOMPARE(tabs->currentIndex(), 0);
        QCOMPARE(current(), acl);
        QTest::keyClick(target(), Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(current(), (acl + 1) % int(pages.size()));

        // One list of shortcuts: the sheet shows these too.
        QStringList keys;
        QTimer::singleShot(300, &window, [&] {
            auto* sheet = qobject_cast<ShortcutsDialog*>(QApplication::activeModalWidget());
            if (!sheet) return;
            auto* table = sheet->findChild<QTableWidget*>(QStringLiteral("shortcuts"));
            for (int r = 0; table && r < table->rowCount(); ++r) keys << table->item(r, 0)->text();
            sheet->reject();
        });
        window.showShortcuts();
        for (const char* k : {"Ctrl+Tab", "Ctrl+Shift+Tab", "Ctrl+PgDown", "Ctrl+PgUp", "F5", "R", "M", "K", "Del",
                 "Shift+R", "Shift+Del"})
            QVERIFY2(keys.contains(QLatin1String(k)),
                qPrintable(QLatin1String(k) + QStringLiteral(" not in ") + keys.join(u',')));
    }
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
