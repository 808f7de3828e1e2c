// The drain forecast (health/DrainForecast.h): fed with what StatsReader reads from a real server while
// our worker pool drains a queue at a steady pace, its time to empty is within 20% of the time the
// queue then takes; a queue nobody works breaches its SLO when the forecast said; and the trend rules
// (steady, counter resets, queues that go away, the most urgent queue) on samples made up here.
#include "harness/Fixture.h"
#include "harness/TestEnv.h"
#include "health/DrainForecast.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/Launcher.h"

#include <QTest>

#include <chrono>
#include <thread>

using namespace kiq;
using health::DrainForecaster;
using health::QueueForecast;
using sidekiq::QueueSummary;

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

const QueueForecast& forecastOf(const std::vector<QueueForecast>& all, const std::string& queue)
{
    for (const auto& f : all)
        if (f.queue == queue) return f;
    qFatal("no forecast for %s", queue.c_str());
}
} // namespace

class TestDrainForecast : public QObject, kiq::test::ServerTest {
    Q_OBJECT

    // `count` jobs of `className` in `queue`, enqueued `ageSeconds` ago, in one pipeline.
    void pushJobs(const std::string& queue, int count, const std::string& className, double ageSeconds = 0)
    {
        std::vector<redis::Command> cmds {redis::Command("SADD").key("queues").arg(queue)};
        const auto now = sidekiq::Timestamp::fromSeconds(sidekiq::Timestamp::now().seconds() - ageSeconds);
        for (int i = 0; i < count; ++i) {
            sidekiq::JobBuilder b(className, "[" + std::to_string(i) + "]");
            b.setQueue(queue).setNow(now);
            cmds.push_back(redis::Command("LPUSH").key("queue:" + queue).arg(b.build().json));
        }
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
    }

    // Samples a second apart (DrainForecaster ignores closer ones) for `seconds`.
    void sample(DrainForecaster& forecaster, sidekiq::StatsReader& reader, double seconds)
    {
        const auto start = Clock::now();
        for (;;) {
            forecaster.add(reader.read(*m_client));
            if (secondsSince(start) >= seconds) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1050));
        }
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void forecastsWhenAQueueThePoolDrainsIsEmpty()
    {
        // About 160 jobs/s: two threads, 12 ms a job. A backlog of 1,500 enqueued at once.
        worker::HandlerRegistry handlers;
        handlers.add(
            "SlowJob", [](const worker::JobContext&) { std::this_thread::sleep_for(std::chrono::milliseconds(12)); });
        pushJobs("default", 1500, "SlowJob");
        worker::Launcher pool(
            test::optionsFor(*m_server), test::quickWorkerOptions({"default"}, 2), std::move(handlers));
        pool.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(500)); // past the start

        DrainForecaster forecaster;
        forecaster.minSpanSeconds = 3;
        sidekiq::StatsReader reader;
        sample(forecaster, reader, 3.1);
        health::HealthThresholds thresholds;
        thresholds.latencyWarnSeconds = 60;
        const auto forecasts = forecaster.forecast(thresholds);
        const auto forecastAt = Clock::now();
        const QueueForecast f = forecastOf(forecasts, "default");
        QVERIFY2(f.trend == QueueForecast::Trend::Draining, qPrintable(QString::number(f.netPerMinute)));
        QVERIFY(f.secondsToEmpty);
        QVERIFY(f.size > 300); // most of the backlog is still there: the forecast looks seconds ahead
        // The oldest job ages a second a second, but the queue is empty long before a minute: no breach.
        QVERIFY2(f.latencyPerMinute > 30, qPrintable(QString::number(f.latencyPerMinute)));
        QVERIFY(!f.secondsToBreach);
        QVERIFY(!f.atRisk());
        QCOMPARE(f.latencyIn5Min, 0.0);

        QVERIFY(test::waitUntil(
            [&] { return m_client->command(redis::Command("LLEN").key("queue:default")).asInteger() == 0; }, 60000,
            10));
        const double took = secondsSince(forecastAt);
        const double forecast = *f.secondsToEmpty;
        qInfo("time to empty: forecast %.2f s, took %.2f s", forecast, took);
        QVERIFY2(std::abs(forecast - took) <= 0.2 * took,
            qPrintable(QStringLiteral("forecast %1 s, took %2 s").arg(forecast).arg(took)));

        // Deployment-wide: what the pool completed (the processed counter) is what left the queue.
        const health::DrainRates rates = forecaster.rates();
        QVERIFY(rates.known);
        QVERIFY2(std::abs(rates.completionsPerMinute + f.netPerMinute) <= 0.25 * -f.netPerMinute,
            qPrintable(
                QStringLiteral("completed %1/min, net %2/min").arg(rates.completionsPerMinute).arg(f.netPerMinute)));
        QVERIFY2(rates.arrivalsPerMinute <= 0.25 * rates.completionsPerMinute,
            qPrintable(QString::number(rates.arrivalsPerMinute)));
        pool.stop();
    }

    void marksAQueueBeforeItBreachesItsSlo()
    {
        // Nobody works "mailers": its oldest job, 40 s old, ages a second a second toward the 60 s SLO.
        pushJobs("mailers", 3, "MailJob", 40);
        pushJobs("default", 1, "Quick", 0);
        DrainForecaster forecaster;
        forecaster.minSpanSeconds = 2;
        sidekiq::StatsReader reader;
        health::HealthThresholds thresholds;
        thresholds.latencyWarnSeconds = 60;
        thresholds.queues["default"].latencyWarnSeconds = 1200;
        sample(forecaster, reader, 2.1);
        const auto forecasts = forecaster.forecast(thresholds);
        const QueueForecast mailers = forecastOf(forecasts, "mailers");
        QVERIFY(mailers.trend == QueueForecast::Trend::Steady); // no job came or went
        QVERIFY(mailers.secondsToBreach);
        QVERIFY(mailers.atRisk());
        const double breachAt = mailers.latencySeconds + *mailers.secondsToBreach;
        QVERIFY2(std::abs(breachAt - 60) < 2, qPrintable(QString::number(breachAt)));
        QVERIFY2(std::abs(mailers.latencyIn5Min - (mailers.latencySeconds + 300)) < 10,
            qPrintable(QString::number(mailers.latencyIn5Min)));
        QCOMPARE(mailers.sloSeconds, 60.0);
        // "default" ages too, but its own SLO is twenty minutes: it is not the one to name.
        const QueueForecast def = forecastOf(forecasts, "default");
        QVERIFY(def.secondsToBreach && *def.secondsToBreach > DrainForecaster::kHorizonSeconds);
        QVERIFY(!def.atRisk());
        const QueueForecast* urgent = DrainForecaster::mostUrgent(forecasts);
        QVERIFY(urgent);
        QCOMPARE(urgent->queue, std::string("mailers"));
        // A queue already over its SLO is at risk now.
        thresholds.latencyWarnSeconds = 30;
        const QueueForecast over = forecastOf(forecaster.forecast(thresholds), "mailers");
        QVERIFY(over.secondsToBreach && *over.secondsToBreach == 0);
        QVERIFY(over.atRisk());
    }

    void trendRules()
    {
        DrainForecaster f;
        f.minSpanSeconds = 10;
        const health::HealthThresholds thresholds;
        const auto q = [](const char* name, long long size, double latency) {
            return QueueSummary {name, size, latency, false, {}};
        };
        // One sample: measuring; an empty queue is empty at once.
        f.add(1000, 0, {q("a", 100, 1), q("b", 100, 1), q("c", 0, 0)});
        QVERIFY(forecastOf(f.forecast(thresholds), "a").trend == QueueForecast::Trend::Measuring);
        QVERIFY(forecastOf(f.forecast(thresholds), "c").trend == QueueForecast::Trend::Empty);
        QVERIFY(!DrainForecaster::mostUrgent(f.forecast(thresholds)));
        QVERIFY(!f.rates().known);
        // Half a second later: ignored (two views reading at once).
        f.add(1000.5, 5, {q("a", 0, 0), q("b", 0, 0), q("c", 0, 0)});
        QCOMPARE(forecastOf(f.forecast(thresholds), "a").size, 100LL);
        // "a" grows 1 a second (60/min), "b" bounces around 100 by less than 1%.
        for (int i = 1; i <= 20; ++i)
            f.add(1000 + i, 10 * i, {q("a", 100 + i, 1), q("b", 100 + (i % 2 ? 0 : 1), 1), q("c", 0, 0)});
        auto all = f.forecast(thresholds);
        const QueueForecast a = forecastOf(all, "a");
        QVERIFY(a.trend == QueueForecast::Trend::Growing);
        QVERIFY(std::abs(a.netPerMinute - 60) < 1e-6);
        QVERIFY(!a.secondsToEmpty);
        QVERIFY(forecastOf(all, "b").trend == QueueForecast::Trend::Steady);
        QCOMPARE(DrainForecaster::mostUrgent(all)->queue, std::string("a"));
        QVERIFY(std::abs(f.rates().completionsPerMinute - 600) < 1e-6);
        // Arrivals: completions plus the queues' growth (60/min for a, ~0 for b).
        QVERIFY(std::abs(f.rates().arrivalsPerMinute - 660) < 5);
        // Stats reset: the counter went backwards, the rates start again; "a" went away with its history.
        f.add(1030, 3, {q("b", 100, 1), q("c", 0, 0)});
        QVERIFY(!f.rates().known);
        all = f.forecast(thresholds);
        QCOMPARE(all.size(), std::size_t(2));
        QCOMPARE(all.front().queue, std::string("b"));
        // Back again: "a" starts measuring afresh.
        f.add(1031, 4, {q("a", 50, 1), q("b", 100, 1), q("c", 0, 0)});
        QVERIFY(forecastOf(f.forecast(thresholds), "a").trend == QueueForecast::Trend::Measuring);
        // A queue that cannot be read (not a list) gets no forecast.
        f.add(1032, 5, {QueueSummary {"a", 0, 0, false, "WRONGTYPE"}, q("b", 100, 1), q("c", 0, 0)});
        QCOMPARE(f.forecast(thresholds).size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestDrainForecast)
#include "tst_drain_forecast.moc"
