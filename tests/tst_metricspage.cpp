// The Metrics page (issue 20, item 1) on a real redis-server holding Sidekiq 8 job metrics written at
// test time in tracking.rb's exact key names and layouts (minute and ten-minute hashes, BITFIELD u16
// histograms, a deploy mark; spelled out here, not built with the code under test). The page's table and
// histogram must agree with `kiqdesk-cli metrics --json` on the same data; on Sidekiq 6 (no metrics, a
// real 6.4.1 heartbeat) the page says why instead of showing zeros. Saves metrics.png into
// $KIQ_README_SHOTS (scripts/screenshots.sh sets it to docs/screenshots), else into test-output/.
#include "EnglishTranslation.h"
#include "common/StatusLine.h"
#include "common/TimeSeriesChart.h"
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/metrics/ExecutionHistogramChart.h"
#include "pages/metrics/MetricsClassModel.h"
#include "pages/metrics/MetricsPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sidekiq_fixtures_641.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <array>
#include <map>

using namespace kiq;
using ui::MetricsClassModel;

namespace {

struct Expected {
    long long processed = 0, failed = 0, ms = 0;
    std::array<long long, 26> histogram {};
};

// Sidekiq 8.1's spellings (tracking.rb): minute "j|%y%m%d|%-H:%M", its ten-minute rollup the same key
// without its last character, histogram "h|<class>-%-d-%-H:%-M".
QString minuteKey(const QDateTime& t)
{
    return "j|" + t.toString("yyMMdd") + "|" + QString::number(t.time().hour()) + ":" + t.toString("mm");
}
QString histogramKey(const QString& jobClass, const QDateTime& t)
{
    return "h|" + jobClass + "-" + QString::number(t.date().day()) + "-" + QString::number(t.time().hour()) + ":"
        + QString::number(t.time().minute());
}

} // namespace

class TestMetricsPage : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    QTemporaryDir m_home;
    QTranslator m_translator;
    std::map<QString, Expected> m_expected; // written in the last hour

    static QString shotPath(const QString& name)
    {
        return QDir(qEnvironmentVariable("KIQ_README_SHOTS", test::testOutputDir())).filePath(name);
    }
    void run(const QStringList& args)
    {
        std::vector<std::string> a;
        for (const auto& s : args) a.push_back(s.toStdString());
        m_client->command(redis::Command::raw(std::move(a))).throwIfError();
    }
    test::ProcessResult cli(QStringList args)
    {
        args.prepend(QString::number(m_server->port()));
        args.prepend("-p");
        return test::runProcess(qEnvironmentVariable("KIQDESK_CLI"), args, 60000);
    }

    // Four classes over minutes 2…55 ago: steady traffic with a daily shape, a slow class that fails
    // now and then, a deploy 25 minutes ago after which the charges got faster.
    void writeSidekiq8Metrics()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        struct Kind {
            QString name;
            int perMinute, failEvery, msEach, bucket; // bucket: histogram index of a typical run
        };
        const Kind kinds[] = {{"Billing::ChargeJob", 48, 40, 310, 7}, {"Mailers::DigestJob", 21, 0, 80, 4},
            {"Search::ReindexJob", 3, 4, 4200, 13}, {"Webhooks::DeliverJob", 12, 6, 150, 5}};
        for (int ago = 2; ago <= 55; ++ago) {
            const QDateTime t = now.addSecs(-60 * ago);
            for (const Kind& k : kinds) {
                const bool afterDeploy = ago < 25 && k.name == "Billing::ChargeJob";
                const int n = k.perMinute + (ago * 7 + int(k.name.size())) % 9;
                const int failed = k.failEvery ? (ago % k.failEvery == 0 ? 1 + ago % 3 : 0) : 0;
                const int each = afterDeploy ? k.msEach / 2 : k.msEach;
                const long long ms = (long long)(n - failed) * each;
                for (const QString& key : {minuteKey(t), minuteKey(t).chopped(1)}) {
                    run({"HINCRBY", key, k.name + "|p", QString::number(n)});
                    if (failed) run({"HINCRBY", key, k.name + "|f", QString::number(failed)});
                    run({"HINCRBY", key, k.name + "|ms", QString::number(ms)});
                }
                // histogram.rb's persist: most runs in the typical bucket, a tail in the next two.
                const int bucket = afterDeploy ? k.bucket - 2 : k.bucket;
                const int tail = (n - failed) / 5, far = ago % 11 == 0 ? 1 : 0;
                const int main = n - failed - tail - far;
                run({"BITFIELD", histogramKey(k.name, t), "OVERFLOW", "SAT", "INCRBY", "u16",
                    "#" + QString::number(bucket), QString::number(main), "INCRBY", "u16",
                    "#" + QString::number(bucket + 1), QString::number(tail), "INCRBY", "u16",
                    "#" + QString::number(bucket + 2), QString::number(far)});
                Expected& e = m_expected[k.name];
                e.processed += n;
                e.failed += failed;
                e.ms += ms;
                e.histogram[std::size_t(bucket)] += main;
                e.histogram[std::size_t(bucket + 1)] += tail;
                e.histogram[std::size_t(bucket + 2)] += far;
            }
        }
        // deploy.rb's mark: "<%Y%m%d>-marks", field the minute's ISO 8601 time, value the label.
        const QDateTime deployed = now.addSecs(-60 * 25);
        run({"HSET", deployed.toString("yyyyMMdd") + "-marks", deployed.toString("yyyy-MM-ddTHH:mm:00Z"),
            "a1b2c3d Faster invoice rendering"});
    }

    static QVariant cell(QTableView* table, int row, int column)
    {
        return table->model()->index(row, column).data(MetricsClassModel::UnderlyingDataRole);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("KIQDESK_CLI")), "KIQDESK_CLI must point at the built kiqdesk-cli");
        qputenv("XDG_CONFIG_HOME", m_home.path().toUtf8()); // no saved profiles of the user's
        QVERIFY(test::installEnglishTranslation(m_translator)); // "1 deploy marked", not "1 deploy(s)"
        ui::applyTheme(ui::Theme::Light);
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
    }

    void showsEachClassAndAgreesWithTheCli()
    {
        run({"FLUSHALL"});
        m_expected.clear();
        writeSidekiq8Metrics();
        redis::AsyncClient client(test::optionsFor(*m_server));
        ui::MetricsPage page;
        page.resize(1500, 860);
        page.show();
        page.setClient(&client);
        auto* table = page.findChild<QTableView*>("metricsTable");
        auto* histogram = page.findChild<ui::ExecutionHistogramChart*>("executionHistogram");
        auto* chart = page.findChild<ui::TimeSeriesChart*>("metricsChart");
        auto* status = page.findChild<ui::StatusLine*>("metricsStatus");
        QVERIFY(table && histogram && chart && status);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 4, 10000);
        QVERIFY2(status->text().contains("Sidekiq 8 metrics"), qPrintable(status->text()));
        QVERIFY2(status->text().contains("1 deploy marked"), qPrintable(status->text()));

        // Most processed first, and the numbers are what was written.
        QCOMPARE(cell(table, 0, MetricsClassModel::ClassColumn).toString(), QString("Billing::ChargeJob"));
        for (int row = 0; row < 4; ++row) {
            const QString name = cell(table, row, MetricsClassModel::ClassColumn).toString();
            const Expected& e = m_expected.at(name);
            QCOMPARE(cell(table, row, MetricsClassModel::ProcessedColumn).toLongLong(), e.processed);
            QCOMPARE(cell(table, row, MetricsClassModel::FailedColumn).toLongLong(), e.failed);
            QCOMPARE(cell(table, row, MetricsClassModel::TotalColumn).toLongLong(), e.ms);
        }
        // The same numbers through the CLI, class by class.
        auto r = cli({"--json", "metrics", "--period", "1h"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray classes = QJsonDocument::fromJson(r.out.toUtf8()).object()["classes"].toArray();
        QCOMPARE(classes.size(), 4);
        for (int row = 0; row < 4; ++row) {
            const QJsonObject c = classes[row].toObject();
            QCOMPARE(c["class"].toString(), cell(table, row, MetricsClassModel::ClassColumn).toString());
            QCOMPARE(c["processed"].toInteger(), cell(table, row, MetricsClassModel::ProcessedColumn).toLongLong());
            QCOMPARE(c["failed"].toInteger(), cell(table, row, MetricsClassModel::FailedColumn).toLongLong());
            QCOMPARE(c["ms"].toInteger(), cell(table, row, MetricsClassModel::TotalColumn).toLongLong());
            QCOMPARE(c["mean_ms"].toDouble(), cell(table, row, MetricsClassModel::MeanColumn).toDouble());
        }

        // The selected class: its executions charted with the deploy across them, and its histogram,
        // bucket by bucket as written and as the CLI reads it.
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(histogram->count(7), m_expected.at("Billing::ChargeJob").histogram[7], 10000);
        const auto& charge = m_expected.at("Billing::ChargeJob").histogram;
        r = cli({"--json", "metrics", "--class", "Billing::ChargeJob"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray bars = QJsonDocument::fromJson(r.out.toUtf8())
                                    .object()["classes"]
                                    .toArray()
                                    .first()
                                    .toObject()["histogram"]
                                    .toArray();
        QCOMPARE(bars.size(), 26);
        for (std::size_t i = 0; i < 26; ++i) {
            QCOMPARE(histogram->count(i), charge[i]);
            QCOMPARE(bars[int(i)].toInteger(), charge[i]);
        }
        QVERIFY(histogram->barText(5).contains("under 150ms: "));
        QCOMPARE(chart->marks().size(), std::size_t(1));
        QCOMPARE(chart->marks().front().label, QString("a1b2c3d Faster invoice rendering"));
        QVERIFY(chart->pointCount() >= 2 * 60 + 50); // processed and failed per minute, the mean where jobs ran
        QTest::qWait(300); // the charts' layout settles before the picture
        QVERIFY(page.grab().save(shotPath("metrics.png")));

        // Filter by class; sort by failures.
        auto* filter = page.findChild<QLineEdit*>("metricsFilter");
        filter->setText("reindex");
        QCOMPARE(table->model()->rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(histogram->count(13), m_expected.at("Search::ReindexJob").histogram[13], 10000);
        filter->clear();
        QCOMPARE(table->model()->rowCount(), 4);
        table->sortByColumn(MetricsClassModel::FailureRateColumn, Qt::DescendingOrder);
        QCOMPARE(cell(table, 0, MetricsClassModel::ClassColumn).toString(), QString("Search::ReindexJob"));
        QCOMPARE(cell(table, 3, MetricsClassModel::ClassColumn).toString(), QString("Mailers::DigestJob"));

        // 24 hours: Sidekiq 8's ten-minute buckets, the same totals; no histogram beyond 8 hours.
        page.findChild<QComboBox*>("metricsPeriod")->setCurrentIndex(4);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("10-minute buckets"), 10000);
        QCOMPARE(table->model()->rowCount(), 4);
        for (int row = 0; row < 4; ++row) {
            const Expected& e = m_expected.at(cell(table, row, MetricsClassModel::ClassColumn).toString());
            QCOMPARE(cell(table, row, MetricsClassModel::ProcessedColumn).toLongLong(), e.processed);
        }
        QTRY_COMPARE_WITH_TIMEOUT(histogram->count(7), 0LL, 10000);
        QVERIFY(histogram->chart()->title().contains("8 hours"));
    }

    void saysWhyOnSidekiq6()
    {
        run({"FLUSHALL"});
        // A real Sidekiq 6.4.1 heartbeat, beating now: that version writes no metrics at all.
        const QString id
            = QString::fromUtf8(fixtures641::kProcessIdentity.data(), fixtures641::kProcessIdentity.size());
        run({"SADD", "processes", id});
        run({"HSET", id, "info",
            QString::fromUtf8(fixtures641::kProcess_info.data(), qsizetype(fixtures641::kProcess_info.size())), "busy",
            "0", "beat", QString::number(QDateTime::currentSecsSinceEpoch()), "quiet", "false"});
        redis::AsyncClient client(test::optionsFor(*m_server));
        ui::MetricsPage page;
        page.resize(1200, 700);
        page.show();
        page.setClient(&client);
        auto* status = page.findChild<ui::StatusLine*>("metricsStatus");
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("No job metrics"), 10000);
        QVERIFY2(status->text().contains("run Sidekiq 6.x or older"), qPrintable(status->text()));
        QCOMPARE(page.findChild<QTableView*>("metricsTable")->model()->rowCount(), 0);
        // The CLI says the same and exits 5.
        const auto r = cli({"metrics"});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("Sidekiq 6.x or older"), qPrintable(r.err));
    }
};

QTEST_MAIN(TestMetricsPage)
#include "tst_metricspage.moc"
