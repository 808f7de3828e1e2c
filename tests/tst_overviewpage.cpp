// The Overview page against a seeded LocalSandbox: cards fill in, every chart gets points (live
// series, the top-latency queues, Sidekiq's daily history), samples survive a "restart" through
// SampleHistory (SQLite), and rates are differences of counters. Screenshot: overview_page.png.
#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "common/TimeSeriesChart.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/overview/DailyHistoryChart.h"
#include "pages/overview/OverviewPage.h"
#include "pages/overview/QueueLatencyChart.h"
#include "pages/overview/SampleHistory.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::ui;

namespace {
QString label(QWidget* root, const char* name)
{
    auto* l = root->findChild<QLabel*>(QString::fromLatin1(name));
    return l ? l->text() : QString();
}
int points(QWidget* root, const char* chart)
{
    auto* c = root->findChild<TimeSeriesChart*>(QString::fromLatin1(chart));
    return c ? c->pointCount() : -1;
}
} // namespace

class TestOverviewPage : public QObject {
    Q_OBJECT
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;

private slots:
    void initTestCase()
    {
        // AppLocalDataLocation moves under ~/.qttest: the test never touches a real history file.
        QStandardPaths::setTestModeEnabled(true);
        QFile::remove(SampleHistory::defaultFile());
        applyTheme(Theme::Light);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        kiq::redis::Client setup(m_sandbox->options());
        kiq::sandbox::seedDemoData(setup);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void ratesAreCounterDifferences()
    {
        OverviewSample a{1000, 100, 10, 0, 0, 0, 0};
        OverviewSample b{1002, 120, 14, 0, 0, 0, 0};
        const auto r = ratesBetween(a, b);
        QVERIFY(r.valid);
        QCOMPARE(r.processedPerSec, 10.0);
        QCOMPARE(r.failedPerSec, 2.0);
        OverviewSample reset{1004, 5, 0, 0, 0, 0, 0};
        QVERIFY(!ratesBetween(b, reset).valid); // stats were reset: no negative rate
        OverviewSample late{5000, 200, 20, 0, 0, 0, 0};
        QVERIFY(!ratesBetween(b, late).valid); // a gap is not a rate
    }

    void historyStoresAndPrunes()
    {
        QTemporaryDir dir;
        SampleHistory h(dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY2(h.isOpen(), qPrintable(h.error()));
        const double now = 2'000'000'000;
        h.append(QStringLiteral("a"), OverviewSample{now - 2 * SampleHistory::kKeepSeconds, 1, 0, 0, 0, 0, 0});
        h.append(QStringLiteral("a"), OverviewSample{now - 10, 5, 1, 3, 2, 1024, 7});
        h.append(QStringLiteral("a"), OverviewSample{now, 6, 1, 3, 2, 1024, 7});
        h.append(QStringLiteral("b"), OverviewSample{now, 99, 0, 0, 0, 0, 0});
        const auto a = h.load(QStringLiteral("a"), 0);
        QCOMPARE(a.size(), std::size_t(2)); // the 48 h old sample was pruned
        QCOMPARE(a.front().processed, 5LL);
        QCOMPARE(a.front().usedMemory, 1024LL);
        QCOMPARE(h.load(QStringLiteral("b"), 0).size(), std::size_t(1));
        QCOMPARE(h.load(QStringLiteral("a"), now - 5).size(), std::size_t(1));
    }

    void pageShowsChartsAndCards()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        OverviewPage page;
        page.resize(1280, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setRefreshIntervalSeconds(1);
        page.setClient(&client);

        QTRY_VERIFY_WITH_TIMEOUT(!label(&page, "deadValue").isEmpty(), 10000);
        QCOMPARE(label(&page, "deadValue"), formatCount(1200));
        QCOMPARE(label(&page, "retriesValue"), formatCount(300));
        QCOMPARE(label(&page, "scheduledValue"), formatCount(200));
        QCOMPARE(label(&page, "enqueuedValue"), formatCount(600));
        QVERIFY(!label(&page, "processedValue").isEmpty());
        QVERIFY(!label(&page, "latencyValue").isEmpty());
        QVERIFY(points(&page, "loadChart") > 0);
        QVERIFY(points(&page, "redisChart") > 0);
        QVERIFY(page.findChild<QueueLatencyChart*>()->barCount() > 0);
        QCOMPARE(page.findChild<DailyHistoryChart*>()->dayCount(), 30);
        // Throughput needs two samples (a rate is a difference).
        QTRY_VERIFY_WITH_TIMEOUT(points(&page, "throughputChart") > 0, 8000);
        QTest::qWait(300);
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("overview_page.png"));
        QVERIFY(page.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        // Pause: no more refreshes.
        page.setPaused(true);
        QTest::qWait(1500); // a load already under way may still land
        const int before = points(&page, "loadChart");
        QTest::qWait(2500);
        QCOMPARE(points(&page, "loadChart"), before);
    }

    void chartsComeBackAfterRestart()
    {
        kiq::redis::AsyncClient client(m_sandbox->options());
        OverviewPage page; // a new page, as after restarting Kiqdesk: it has only the SQLite file
        page.setPaused(true);
        page.setClient(&client);
        // Paused, so no result from the server: what is plotted comes from the file, read off the
        // GUI thread.
        QTRY_VERIFY_WITH_TIMEOUT(points(&page, "loadChart") >= 4, 5000);
        QVERIFY(points(&page, "throughputChart") > 0);
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
