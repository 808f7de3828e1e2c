// Every page fits a 1024×700 window (issue 14): against a real server with demo data and large
// counters, the main window visits each page of two deployments and the fleet view, and stays
// 1024×700; no page asks for more room than it has, no visible label cuts its text, the Overview's
// large counters fit their cards whole, and the sidebar, even at its narrowest, never scrolls
// sideways. Screenshots of each page: layout_<deployment>_<page>_<class>.png. With KIQ_TEST_LANGUAGE
// ("de", "ja", …: the tst_layout_fit_<lang> tests) the same in that translation, as the app loads it
// (issue 22: longer German labels, CJK text), into layout_<lang>_….png.
#include "common/InfoCard.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "harness/Fixture.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QScrollBar>
#include <QSplitter>
#include <QStyleOptionViewItem>
#include <QTest>
#include <QTranslator>

using namespace kiq::ui;
using kiq::test::profileFor;

namespace {
const QSize kWindowSize(1024, 700);

bool fits(QSize inner, QSize outer)
{
    return inner.width() <= outer.width() && inner.height() <= outer.height();
}

// What a plain label draws: with a buddy, "&Period:" shows as "Period:" (P underlined), "&&" as "&".
QString shownText(const QLabel* label)
{
    QString text = label->text();
    if (!label->buddy()) return text;
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    return text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
}

// Labels shown in `root` whose text needs more room than the label has: cut, not elided or wrapped.
QStringList clippedLabels(QWidget* root)
{
    QStringList clipped;
    for (QLabel* label : root->findChildren<QLabel*>()) {
        if (!label->isVisible() || label->text().isEmpty()) continue;
        const QRect room = label->contentsRect();
        bool cut = false;
        if (label->wordWrap())
            cut = label->heightForWidth(label->width()) > label->height();
        else if (Qt::mightBeRichText(label->text()))
            cut = label->sizeHint().width() > label->width();
        else
            cut = label->fontMetrics().horizontalAdvance(shownText(label)) > room.width();
        if (cut)
            clipped << QStringLiteral("%1 '%2' (%3×%4)")
                           .arg(label->objectName(), label->text())
                           .arg(label->width())
                           .arg(label->height());
    }
    return clipped;
}
} // namespace

class TestLayoutFit : public QObject {
    Q_OBJECT
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;
    const QString m_language = qEnvironmentVariable("KIQ_TEST_LANGUAGE");
    QTranslator m_english, m_translation;

    void checkFits(const QString& where)
    {
        QApplication::processEvents();
        QTest::qWait(50); // layouts settle over a few posted events
        if (m_window->size() != kWindowSize) {
            // A page asks more than the window has (a stack is as wide as its widest page): name it.
            QString widest;
            int widestWidth = 0;
            for (DeploymentPage* page : m_window->findChildren<DeploymentPage*>())
                if (page->minimumSizeHint().width() > widestWidth) {
                    widestWidth = page->minimumSizeHint().width();
                    widest = page->title();
                }
            QFAIL(qPrintable(QStringLiteral("%1: the window grew to %2×%3; the widest page is %4 (%5 px)")
                                 .arg(where)
                                 .arg(m_window->width())
                                 .arg(m_window->height())
                                 .arg(widest)
                                 .arg(widestWidth)));
        }
        QVERIFY2(fits(m_window->minimumSizeHint(), kWindowSize),
            qPrintable(QStringLiteral("%1: window wants %2×%3")
                           .arg(where)
                           .arg(m_window->minimumSizeHint().width())
                           .arg(m_window->minimumSizeHint().height())));
        const QStringList clipped = clippedLabels(m_window.get());
        QVERIFY2(clipped.isEmpty(), qPrintable(where + QStringLiteral(": ") + clipped.join(QStringLiteral("; "))));
        auto* sidebar = m_window->findChild<QListView*>(QStringLiteral("deploymentList"));
        QVERIFY(sidebar);
        QVERIFY2(!sidebar->horizontalScrollBar()->isVisible(), qPrintable(where));
        for (int row = 0; row < sidebar->model()->rowCount(); ++row) {
            const QRect item = sidebar->visualRect(sidebar->model()->index(row, 0));
            QVERIFY2(item.width() <= sidebar->viewport()->width(), qPrintable(where));
        }
    }

    void save(const QString& file)
    {
        const QString name
            = m_language.isEmpty() ? file : file.section(u'_', 0, 0) + u'_' + m_language + u'_' + file.section(u'_', 1);
        const QString path = QDir(kiq::test::testOutputDir()).filePath(name);
        QVERIFY2(m_window->grab().save(path), qPrintable(path));
    }

private slots:
    void initTestCase()
    {
        applyTheme(Theme::Light);
        if (!m_language.isEmpty()) { // as main() installs them: English plural forms, then the language
            QLocale::setDefault(QLocale(m_language));
            const QString dir = QStringLiteral(KIQ_QM_DIR);
            QVERIFY(
                m_english.load(QStringLiteral("kiqdesk_en"), dir) && QCoreApplication::installTranslator(&m_english));
            QVERIFY2(m_translation.load(QStringLiteral("kiqdesk_%1").arg(m_language), dir)
                    && QCoreApplication::installTranslator(&m_translation),
                qPrintable(m_language));
        }
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        {
            kiq::redis::Client setup(m_sandbox->options());
            kiq::sandbox::seedDemoData(setup);
            // Counters of a busy deployment: the figures the issue saw cut ("807,6", "16,76").
            setup.command(kiq::redis::Command("SET").key("stat:processed").arg("807654321"));
            setup.command(kiq::redis::Command("SET").key("stat:failed").arg("16765432"));
        }
        m_window = std::make_unique<MainWindow>(nullptr);
        m_window->setPasswordPromptsEnabled(false);
        m_window->resize(kWindowSize);
        m_window->addDeployment(
            profileFor(QStringLiteral(
                           "Billing workers in the eu-central-1 production cluster (primary, read-write, since 2019)"),
                m_sandbox->options(), kiq::deployment::Environment::Production),
            false);
        m_window->addDeployment(
            profileFor(QStringLiteral("Staging"), m_sandbox->options(), kiq::deployment::Environment::Staging), false);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->deployment(0)->status(), Deployment::Status::Reachable, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->deployment(1)->status(), Deployment::Status::Reachable, 15000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_sandbox.reset();
    }

    void everyPageFits()
    {
        for (int d = 0; d < m_window->deploymentCount(); ++d) {
            m_window->selectDeployment(d);
            DeploymentView* view = m_window->currentView();
            QVERIFY(view);
            for (int i = 0; i < view->pages().size(); ++i) {
                view->setCurrentPage(i);
                DeploymentPage* page = view->currentPage();
                QCOMPARE(page, view->pages()[i]);
                if (i == 0) { // the Overview: its figures fit their cards whole, large as they are
                    auto* processed = page->findChild<InfoCard*>(QStringLiteral("processedCard"));
                    QVERIFY(processed);
                    QTRY_VERIFY_WITH_TIMEOUT(!processed->value().isEmpty(), 15000);
                    for (InfoCard* card : page->findChildren<InfoCard*>()) {
                        const QString name = card->objectName().chopped(4) + QStringLiteral("Value"); // "…Card"
                        auto* value = card->findChild<QLabel*>(name);
                        QVERIFY2(value && value->text() == card->value(), qPrintable(name));
                    }
                } else {
                    QTest::qWait(300); // the page's first load
                }
                const QString where = QStringLiteral("deployment %1, page %2").arg(d).arg(page->title());
                checkFits(where);
                if (QTest::currentTestFailed()) return;
                QVERIFY2(fits(page->minimumSizeHint(), page->size()),
                    qPrintable(QStringLiteral("%1 wants %2×%3, has %4×%5")
                                   .arg(where)
                                   .arg(page->minimumSizeHint().width())
                                   .arg(page->minimumSizeHint().height())
                                   .arg(page->width())
                                   .arg(page->height())));
                save(QStringLiteral("layout_%1_%2_%3.png")
                         .arg(d)
                         .arg(i)
                         .arg(QString::fromLatin1(page->metaObject()->className()).section(QStringLiteral("::"), -1)));
            }
        }
        // The sidebar at its narrowest: names elide, chips stay whole, nothing scrolls sideways.
        auto* splitter = qobject_cast<QSplitter*>(m_window->centralWidget());
        QVERIFY(splitter);
        splitter->setSizes({0, kWindowSize.width()});
        auto* sidebar = m_window->findChild<QListView*>(QStringLiteral("deploymentList"));
        QTRY_VERIFY(sidebar->width() < 220);
        checkFits(QStringLiteral("narrow sidebar"));
        if (QTest::currentTestFailed()) return;
        for (int row = 0; row < sidebar->model()->rowCount(); ++row) {
            const QModelIndex index = sidebar->model()->index(row, 0);
            QStyleOptionViewItem option;
            option.initFrom(sidebar);
            QVERIFY(sidebar->itemDelegate()->sizeHint(option, index).width() <= sidebar->viewport()->width());
        }
        save(QStringLiteral("layout_narrow_sidebar.png"));

        m_window->showFleet();
        QTest::qWait(300);
        checkFits(QStringLiteral("fleet"));
        if (QTest::currentTestFailed()) return;
        save(QStringLiteral("layout_fleet.png"));
    }
};

QTEST_MAIN(TestLayoutFit)
#include "tst_layout_fit.moc"
