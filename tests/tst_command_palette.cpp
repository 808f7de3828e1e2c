// The command palette (issue 22, item 6): Ctrl+K opens it over the window, typed words narrow it to
// menu actions, deployments and pages, Up/Down choose while typing goes on, Enter runs the choice.
// And the keyboard sheet (Help → Keyboard shortcuts) lists every shortcut the window has. Saves
// command-palette.png into $KIQ_README_SHOTS (scripts/screenshots.sh), else into test-output/.
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/CommandPalette.h"
#include "main/MainWindow.h"
#include "main/ShortcutsDialog.h"
#include "main/Theme.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace kiq;
using kiq::ui::CommandPalette;
using kiq::ui::MainWindow;

class TestCommandPalette : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;

    static CommandPalette* open(MainWindow& window)
    {
        window.activateWindow(); // the palette just closed may have kept the activation
        if (!QTest::qWaitFor([&] { return window.isActiveWindow(); }, 2000)) return nullptr;
        QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
        for (auto* palette : window.findChildren<CommandPalette*>())
            if (palette->isVisible()) return palette; // one closed just now may await its deletion
        return nullptr;
    }
    static void choose(CommandPalette* palette, const QString& text)
    {
        QTest::keyClicks(palette->filter(), text);
        QTest::keyClick(palette->filter(), Qt::Key_Return);
    }

private slots:
    void initTestCase()
    {
        ui::applyTheme(ui::Theme::Light);
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
    }

    void reachesActionsDeploymentsAndPages()
    {
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(test::profileFor(QStringLiteral("billing-prod"), test::optionsFor(*m_server)), false);
        window.addDeployment(test::profileFor(QStringLiteral("search-team"), test::optionsFor(*m_server)), false);
        window.resize(1100, 640);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        CommandPalette* palette = open(window);
        QVERIFY(palette);
        QTRY_VERIFY(palette->filter()->hasFocus());
        QVERIFY(palette->list()->count() > 15); // the menus, two deployments, the pages
        choose(palette, QStringLiteral("fleet"));
        QTRY_VERIFY(window.isFleetShown());
        QTRY_VERIFY(!window.findChild<CommandPalette*>());

        palette = open(window);
        QVERIFY(palette);
        choose(palette, QStringLiteral("search-team"));
        QTRY_VERIFY(!window.isFleetShown());
        QCOMPARE(window.currentDeployment(), window.deployment(1));

        // Words in any order and case; Down moves the choice while the filter keeps the focus.
        palette = open(window);
        QVERIFY(palette);
        QTest::keyClicks(palette->filter(), QStringLiteral("PAGE d"));
        QVERIFY(palette->list()->count() >= 2); // Dead, Audit trail …
        palette->resize(560, 300);
        QVERIFY(palette->grab().save(
            QDir(qEnvironmentVariable("KIQ_README_SHOTS", test::testOutputDir())).filePath("command-palette.png")));
        const QString first = palette->list()->item(0)->text();
        QTest::keyClick(palette->filter(), Qt::Key_Down);
        QTRY_VERIFY(palette->filter()->hasFocus());
        QCOMPARE(palette->list()->currentRow(), 1);
        QTest::keyClick(palette->filter(), Qt::Key_Up);
        QCOMPARE(palette->list()->currentRow(), 0);
        palette->filter()->clear();
        QTest::keyClicks(palette->filter(), QStringLiteral("page dead"));
        QVERIFY2(palette->list()->item(0)->text().startsWith(QStringLiteral("Page: Dead")), qPrintable(first));
        QTest::keyClick(palette->filter(), Qt::Key_Return);
        QTRY_COMPARE(window.currentView()->currentPage()->objectName(), QStringLiteral("deadPage"));

        // Nothing matches: Enter does nothing and the palette stays for another try; Escape closes it.
        palette = open(window);
        QVERIFY(palette);
        choose(palette, QStringLiteral("no such thing at all"));
        QVERIFY(palette->isVisible());
        QTest::keyClick(palette->filter(), Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<CommandPalette*>());
    }

    // Every shortcut of the window's actions is on the sheet (page keys are listed as rows of their own).
    void sheetListsEveryShortcut()
    {
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(test::profileFor(QStringLiteral("billing-prod"), test::optionsFor(*m_server)), false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QStringList keys;
        QTimer::singleShot(300, &window, [&] {
            auto* sheet = qobject_cast<ui::ShortcutsDialog*>(QApplication::activeModalWidget());
            if (!sheet) return;
            auto* table = sheet->findChild<QTableWidget*>(QStringLiteral("shortcuts"));
            for (int r = 0; table && r < table->rowCount(); ++r) keys << table->item(r, 0)->text();
            sheet->reject();
        });
        window.showShortcuts();
        QVERIFY(keys.contains(QStringLiteral("Ctrl+K")));
        QStringList missing;
        for (QAction* a : window.findChildren<QAction*>()) {
            if (a->shortcut().isEmpty()) continue;
            const QString key = a->shortcut().toString(QKeySequence::NativeText);
            const bool numbered = key.startsWith(QLatin1String("Ctrl+")) && key.size() == 6 && key.back().isDigit()
                && key.back() != QLatin1Char('0');
            if (!keys.contains(key) && !numbered && !missing.contains(key)) missing << key + " (" + a->text() + ")";
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u',') + " not in " + keys.join(u',')));
    }
};

QTEST_MAIN(TestCommandPalette)
#include "tst_command_palette.moc"
