// metrics: Sidekiq ≥ 7's per-class job metrics over a period (sidekiq/api/Metrics.h), as its Metrics page shows them.
#include "Commands.h"
#include "ExitCode.h"

#include "redis/Errors.h"
#include "sidekiq/api/Metrics.h"
#include "sidekiq/model/Timestamp.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <iostream>

namespace kiq::cli {

namespace {

double parsePeriod(const std::string& text)
{
    char unit = 0;
    double n = 0;
    if (std::sscanf(text.c_str(), "%lf%c", &n, &unit) == 2 && n > 0 && (unit == 'h' || unit == 'm')) {
        const double seconds = n * (unit == 'h' ? 3600 : 60);
        if (seconds >= 60 && seconds <= 72 * 3600) return seconds;
    }
    throw redis::UsageError("--period wants 1m to 72h, such as 1h, 8h or 72h (got '" + text + "')");
}

int runMetrics(CliContext& ctx, const std::string& jobClass, const std::string& periodText)
{
    sidekiq::MetricsQuery query;
    query.periodSeconds = parsePeriod(periodText);
    query.jobClass = jobClass;
    query.histograms = !jobClass.empty();
    const auto r = sidekiq::readMetrics(ctx.client(), query, sidekiq::Timestamp::now().seconds());
    if (r.format == sidekiq::MetricsFormat::None) {
        // Say why there is nothing rather than print zeros: Sidekiq 6 writes no metrics at all.
        std::string seen;
        for (const auto& v : r.runningVersions) seen += (seen.empty() ? "" : ", ") + v;
        std::cerr << "no job metrics in the last " << periodText
                  << ": Sidekiq writes them from 7.0 on, for jobs that ran"
                  << (seen.empty() ? std::string(" (no process is running)")
                                   : "; the processes here run Sidekiq " + seen)
                  << "\n";
        if (ctx.json) ctx.printJson(QJsonObject {{"format", "none"}, {"classes", QJsonArray {}}});
        return NotFound;
    }
    if (ctx.json) {
        QJsonArray classes;
        for (const auto& c : r.classes) {
            QJsonArray series, histogram;
            for (const auto& p : c.series)
                series.append(QJsonObject {
                    {"time", p.time}, {"processed", p.processed}, {"failed", p.failed}, {"ms", p.milliseconds}});
            for (long long n : c.histogram) histogram.append(n);
            QJsonObject o {{"class", QString::fromStdString(c.jobClass)}, {"processed", c.processed},
                {"failed", c.failed}, {"ms", c.milliseconds}, {"mean_ms", c.meanMilliseconds()}, {"series", series}};
            if (query.histograms) o["histogram"] = histogram;
            classes.append(o);
        }
        QJsonArray marks;
        for (const auto& m : r.marks)
            marks.append(QJsonObject {{"time", m.time}, {"label", QString::fromStdString(m.label)}});
        ctx.printJson(QJsonObject {{"format", r.format == sidekiq::MetricsFormat::V8 ? "8" : "7"},
            {"bucket_seconds", r.bucketSeconds}, {"starts_at", r.startsAt}, {"ends_at", r.endsAt},
            {"truncated", r.truncated}, {"classes", classes}, {"marks", marks}});
        return Ok;
    }
    if (r.truncated) std::cerr << "note: Sidekiq 7 keeps minute metrics for 8 hours only: showing the last 8 hours\n";
    std::printf("%-40s %10s %8s %12s %14s\n", "CLASS", "PROCESSED", "FAILED", "MEAN", "TOTAL TIME");
    for (const auto& c : r.classes)
        std::printf("%-40s %10lld %8lld %12s %14s\n", truncate(c.jobClass, 40).c_str(), c.processed, c.failed,
            formatElapsed(c.meanMilliseconds() / 1000).c_str(), formatElapsed(double(c.milliseconds) / 1000).c_str());
    if (query.histograms && !r.classes.empty()) {
        std::printf("\nexecution time (successful jobs, up to 8 hours):\n");
        for (std::size_t i = 0; i < sidekiq::kHistogramBuckets; ++i)
            if (r.classes.front().histogram[i])
                std::printf("  < %-6s %lld\n", sidekiq::histogramBucketLabel(i), r.classes.front().histogram[i]);
    }
    for (const auto& m : r.marks) std::printf("deploy %s  %s\n", formatTime(m.time).c_str(), m.label.c_str());
    return Ok;
}

} // namespace

void addMetricsCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("metrics",
        "Job metrics per class (Sidekiq 7 and later): processed, failed, mean and total execution time over a "
        "period, with the execution-time histogram for one --class and the deploy marks; only reads. Exits 5 "
        "when there are none (Sidekiq 6 writes none)");
    auto jobClass = std::make_shared<std::string>();
    auto period = std::make_shared<std::string>("1h");
    cmd->add_option("--class", *jobClass, "Only this job class (and its histogram)");
    cmd->add_option("--period", *period, "How far back: 1h (default), 2h, 4h, 8h, 24h, 72h; minutes from 1m");
    cmd->callback([&ctx, &exitCode, jobClass, period] { exitCode = runMetrics(ctx, *jobClass, *period); });
}

} // namespace kiq::cli
