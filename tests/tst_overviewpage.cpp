// The Overview page against a seeded LocalSandbox: cards fill in, every chart gets points (live
// series, the top-latency queues, Sidekiq's daily history), samples survive a "restart" through
// SampleHistory (SQLite), and rates are differences of counters. Screenshot: overview_page.png.
#include "EnglishTranslation.h"
#include "PageDeployment.h"
#include "common/ChartExport.h"
#include "common/ChartLook.h"
#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "common/TimeSeriesChart.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/overview/DailyHistoryChart.h"
#include "pages/overview/OverviewPage.h"
#include "pages/overview/QueueLatencyChart.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"
#include "storage/SampleHistory.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace kiq::ui;

namespace {
QString label(QWidget* root, const char* name)
{
    auto* l = root->findChild<QLabel*>(QString::fromLatin1(name));
    return l ? l->text() : QString();
}
// Every value-axis label of every chart on the page.
QStringList axisLabels(QWidget* root)
{
    QStringList labels;
    for (auto* view : root->findChildren<QChartView*>())
        for (auto* axis : view->chart()->axes())
            if (auto* category = qobject_cast<QCategoryAxis*>(axis)) labels << category->categoriesLabels();
    return labels;
}
int points(QWidget* root, const char* chart)
{
    auto* c = root->findChild<TimeSeriesChart*>(QString::fromLatin1(chart));
    return c ? c->pointCount() : -1;
}
} // namespace

class TestOverviewPage : public QObject {
    Q_OBJECT
    QTranslator m_translator;
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;

private slots:
    void initTestCase()
    {
        QVERIFY(kiq::test::installEnglishTranslation(m_translator)); // counts read "1 year", "5 seconds"
        // AppLocalDataLocation moves under ~/.qttest: the test never touches a real history file.
        QStandardPaths::setTestModeEnabled(true);
        QFile::remove(kiq::storage::SampleHistory::defaultFile());
        applyTheme(Theme::Light);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        kiq::redis::Client setup(m_sandbox->options());
        kiq::sandbox::seedDemoData(setup);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void ratesAreCounterDifferences()
    {
        kiq::health::OverviewSample a {1000, 100, 10, 0, 0, 0, 0};
        kiq::health::OverviewSample b {1002, 120, 14, 0, 0, 0, 0};
        const auto r = kiq::health::ratesBetween(a, b);
        QVERIFY(r.valid);
        QCOMPARE(r.processedPerSec, 10.0);
        QCOMPARE(r.failedPerSec, 2.0);
        kiq::health::OverviewSample reset {1004, 5, 0, 0, 0, 0, 0};
        QVERIFY(!kiq::health::ratesBetween(b, reset).valid); // stats were reset: no negative rate
        kiq::health::OverviewSample late {5000, 200, 20, 0, 0, 0, 0};
        QVERIFY(!kiq::health::ratesBetween(b, late).valid); // a gap is not a rate
    }

    void historyStoresAndPrunes()
    {
        QTemporaryDir dir;
        kiq::storage::SampleHistory h(dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY2(h.isOpen(), qPrintable(h.error()));
        const double now = 2'000'000'000;
        h.append(QStringLiteral("a"),
            kiq::health::OverviewSample {now - 2 * kiq::storage::SampleHistory::kKeepSeconds, 1, 0, 0, 0, 0, 0});
        h.append(QStringLiteral("a"), kiq::health::OverviewSample {now - 10, 5, 1, 3, 2, 1024, 7});
        h.append(QStringLiteral("a"), kiq::health::OverviewSample {now, 6, 1, 3, 2, 1024, 7});
        h.append(QStringLiteral("b"), kiq::health::OverviewSample {now, 99, 0, 0, 0, 0, 0});
        const auto a = h.load(QStringLiteral("a"), 0);
        QCOMPARE(a.size(), std::size_t(2)); // the 48 h old sample was pruned
        QCOMPARE(a.front().processed, 5LL);
        QCOMPARE(a.front().usedMemory, 1024LL);
        QCOMPARE(h.load(QStringLiteral("b"), 0).size(), std::size_t(1));
        QCOMPARE(h.load(QStringLiteral("a"), now - 5).size(), std::size_t(1));
    }

    void numbersReadLikeADashboard()
    {
        QCOMPARE(formatCompact(0), QStringLiteral("0"));
        QCOMPARE(formatCompact(950), QStringLiteral("950"));
        QCOMPARE(formatCompact(999.7), QStringLiteral("1k"));
        QCOMPARE(formatCompact(38500), QStringLiteral("38.5k"));
        QCOMPARE(formatCompact(1730), QStringLiteral("1.73k"));
        QCOMPARE(formatCompact(999'700), QStringLiteral("1M"));
        QCOMPARE(formatCompact(1.2e6), QStringLiteral("1.2M"));
        QCOMPARE(formatCompact(0.25), QStringLiteral("0.25"));
        QCOMPARE(axisLabel(90, AxisUnit::Seconds), QStringLiteral("1.5 min"));
        QCOMPARE(axisLabel(7200, AxisUnit::Seconds), QStringLiteral("2 h"));
        QCOMPARE(axisLabel(0.5, AxisUnit::Seconds), QStringLiteral("500 ms"));
        // Durations: human units, and a hint where no real queue could be that late.
        QCOMPARE(formatLatency(std::chrono::seconds(303)), QStringLiteral("5 min 3 s"));
        const QString skewed = formatLatency(std::chrono::microseconds(1'794'390'328'600'000LL));
        QVERIFY2(skewed.startsWith(QStringLiteral("56 years")) && skewed.contains(QStringLiteral("clock skew")),
            qPrintable(skewed));
        QCOMPARE(formatUptime(std::chrono::hours(24 * 400)), QStringLiteral("1 year"));

        // Round ticks: 0…a round top just above the highest value, in round steps.
        QCategoryAxis axis;
        setRoundAxis(&axis, 38500, AxisUnit::Count);
        QCOMPARE(axis.categoriesLabels(), QStringList({"0", "10k", "20k", "30k", "40k", "50k"}));
        setRoundAxis(&axis, 304.6, AxisUnit::Seconds);
        QCOMPARE(axis.categoriesLabels(), QStringList({"0", "2 min", "4 min", "6 min"}));
    }

    // Issue 22, item 5: each chart's numbers as CSV (times in the local zone with the offset, plain
    // numbers), saved off the GUI thread; the exact value and time under the pointer; the zone named
    // in the title.
    void chartsExportAndExplainTheirNumbers()
    {
        TimeSeriesChart chart(QStringLiteral("Throughput"), QStringLiteral("testChart"));
        const int processed = chart.addSeries(QStringLiteral("Processed/s"));
        const int latency = chart.addSeries(QStringLiteral("Latency"), true);
        chart.setAxisUnit(true, AxisUnit::Seconds);
        const double t0 = 1'796'385'600; // 2026-12-04 12:00 UTC
        chart.append(processed, t0, 1234.5);
        chart.append(latency, t0, 2.5);
        chart.append(processed, t0 + 5, 38512);
        chart.commit(t0 + 5);

        const ChartTable table = chart.table();
        QCOMPARE(table.header, QStringList({"time", "epoch_seconds", "Processed/s", "Latency"}));
        QCOMPARE(int(table.rows.size()), 2);
        QCOMPARE(table.rows[0].mid(1), QStringList({"1796385600", "1234.5", "2.5"}));
        QCOMPARE(table.rows[1].mid(1), QStringList({"1796385605", "38512", ""})); // no latency point then
        // The time column is the same moment, written in the local zone with its offset.
        QCOMPARE(QDateTime::fromString(table.rows[0][0], Qt::ISODate).toSecsSinceEpoch(), qint64(t0));
        const QString zone = localZoneName(QDateTime::fromSecsSinceEpoch(qint64(t0)));
        QVERIFY(!zone.isEmpty());
        QCOMPARE(chart.chart()->title(), QStringLiteral("Throughput (times in %1)").arg(zone));
        const QByteArray csv = table.toCsv();
        QVERIFY2(csv.startsWith("time,epoch_seconds,Processed/s,Latency\r\n"), csv.constData());
        QCOMPARE(csv.count("\r\n"), 3);
        QCOMPARE(ChartTable({{"a,b", "say \"hi\""}, {}}).toCsv(), QByteArray("\"a,b\",\"say \"\"hi\"\"\"\r\n"));

        // Hover: the exact value (grouped digits, not "38.5k"), the time and the zone.
        const QString exact = chart.pointText(processed, 1);
        QVERIFY2(exact.startsWith(QStringLiteral("Processed/s: %1\n").arg(QLocale().toString(38512.0, 'f', 0))),
            qPrintable(exact));
        QVERIFY2(exact.endsWith(zone), qPrintable(exact));
        QVERIFY2(chart.pointText(processed, 0).contains(QLocale().toString(1234.5, 'f', 2)),
            qPrintable(chart.pointText(processed, 0)));
        QVERIFY2(chart.pointText(latency, 0)
                     .startsWith(QStringLiteral("Latency: %1").arg(formatLatency(std::chrono::milliseconds(2500)))),
            qPrintable(chart.pointText(latency, 0)));

        // Saved as the menu action saves it: off the GUI thread, the same bytes.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("throughput.csv"));
        QString error = QStringLiteral("pending");
        saveCsv(&chart, path, csv, [&error](const QString& e) { error = e; });
        QTRY_VERIFY(error != QStringLiteral("pending"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), csv);
        error = QStringLiteral("pending");
        saveCsv(&chart, dir.filePath(QStringLiteral("missing/throughput.csv")), csv,
            [&error](const QString& e) { error = e; });
        QTRY_VERIFY(error != QStringLiteral("pending"));
        QVERIFY(!error.isEmpty()); // a folder that does not exist: said, not ignored

        // The bar charts: full dates and exact counts, and the queues worst first.
        DailyHistoryChart daily;
        daily.showDays({{"2026-12-04", 38512, 12}, {"2026-12-03", 1000, 0}});
        QCOMPARE(daily.table().header, QStringList({"date", "processed", "failed"}));
        QCOMPARE(daily.table().rows.front(), QStringList({"2026-12-03", "1000", "0"}));
        QCOMPARE(daily.table().rows.back(), QStringList({"2026-12-04", "38512", "12"}));
        QVERIFY2(
            daily.dayText(1).contains(QStringLiteral("2026-12-04")) && daily.dayText(1).contains(formatCount(38512)),
            qPrintable(daily.dayText(1)));
        QueueLatencyChart queues;
        queues.showQueues({{"low", 3, 1.5, false, {}}, {"mailers", 1200, 303, false, {}}});
        QCOMPARE(queues.table().rows.front(), QStringList({"mailers", "303", "1200"}));
        const QString top = queues.barText(queues.barCount() - 1); // drawn on top
        QVERIFY2(top.startsWith(QStringLiteral("mailers: latency 5 min 3 s")), qPrintable(top));
    }

    void pageShowsChartsAndCards()
    {
        OverviewPage page;
        page.resize(1280, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setRefreshIntervalSeconds(1);
        const auto deployment = kiq::test::connectPage(page, m_sandbox->options());

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
        // Axes read like a dashboard: the daily history (tens of thousands a day) in "k", no exponent.
        const QStringList labels = axisLabels(&page);
        QVERIFY(!labels.isEmpty());
        for (const QString& l : labels) QVERIFY2(!l.contains(u'e'), qPrintable(l));
        QVERIFY2(std::any_of(labels.cbegin(), labels.cend(), [](const QString& l) { return l.endsWith(u'k'); }),
            qPrintable(labels.join(u' ')));

        // The dark theme reaches the charts (Qt Charts would stay white).
        applyTheme(Theme::Dark);
        QCoreApplication::processEvents();
        for (auto* view : page.findChildren<QChartView*>())
            QCOMPARE(view->chart()->backgroundBrush().color(), darkPalette().color(QPalette::Base));
        const QString dark = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("overview_page_dark.png"));
        QVERIFY(page.grab().save(dark));
        qInfo("screenshot: %s", qPrintable(dark));
        applyTheme(Theme::Light);
        QCoreApplication::processEvents();
        for (auto* view : page.findChildren<QChartView*>())
            QCOMPARE(view->chart()->backgroundBrush().color(), QApplication::palette().color(QPalette::Base));

        // Pause: no more refreshes.
        page.setPaused(true);
        QTest::qWait(1500); // a load already under way may still land
        const int before = points(&page, "loadChart");
        QTest::qWait(2500);
        QCOMPARE(points(&page, "loadChart"), before);
    }

    void chartsComeBackAfterRestart()
    {
        OverviewPage page; // a new page, as after restarting Kiqdesk: it has only the SQLite file
        page.setPaused(true);
        const auto deployment = kiq::test::connectPage(page, m_sandbox->options());
        // Paused, so no result from the server: what is plotted comes from the file, read off the
        // GUI thread.
        QTRY_VERIFY_WITH_TIMEOUT(points(&page, "loadChart") >= 4, 5000);
        QVERIFY(points(&page, "throughputChart") > 0);
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
