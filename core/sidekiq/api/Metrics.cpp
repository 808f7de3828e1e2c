#include "sidekiq/api/Metrics.h"

#include "sidekiq/api/Processes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

namespace kiq::sidekiq {

const std::array<double, kHistogramBuckets> kHistogramBucketMs = {20, 30, 45, 65, 100, 150, 225, 335, 500, 750, 1100,
    1700, 2500, 3800, 5750, 8500, 13000, 20000, 30000, 45000, 65000, 100000, 150000, 225000, 335000, 1e20};

const char* histogramBucketLabel(std::size_t i)
{
    // shared.rb's Histogram::LABELS, in the order of kHistogramBucketMs.
    static const char* const labels[kHistogramBuckets]
        = {"20ms", "30ms", "45ms", "65ms", "100ms", "150ms", "225ms", "335ms", "500ms", "750ms", "1.1s", "1.7s", "2.5s",
            "3.8s", "5.75s", "8.5s", "13s", "20s", "30s", "45s", "65s", "100s", "150s", "225s", "335s", "Slow"};
    return i < kHistogramBuckets ? labels[i] : "?";
}

namespace {

constexpr double kMinute = 60;
constexpr double kTenMinutes = 600;
constexpr int kMostMinutes = 480; // 8 h: the minute buckets' TTL, and Query's limit
constexpr int kMostTenMinutes = 72 * 6; // 72 h: Query's limit (the ten-minute buckets live 3 days)

std::tm utc(double t)
{
    const auto seconds = static_cast<std::time_t>(std::floor(t));
    std::tm tm {};
    gmtime_r(&seconds, &tm);
    return tm;
}

std::string format(const char* pattern, int a, int b, int c, int d = 0, int e = 0)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, a, b, c, d, e);
    return buf;
}

} // namespace

double ClassMetrics::meanMilliseconds() const
{
    const long long completed = processed - failed;
    return completed > 0 ? double(milliseconds) / double(completed) : 0;
}

std::string minuteKey(MetricsFormat f, double t)
{
    const std::tm tm = utc(t);
    if (f == MetricsFormat::V7) // "%Y%m%d|%-H:%-M"
        return "j|" + format("%04d%02d%02d|%d:%d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return "j|" + format("%02d%02d%02d|%d:%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

std::string tenMinuteKey(double t)
{
    const std::string minute = minuteKey(MetricsFormat::V8, t);
    return minute.substr(0, minute.size() - 1); // tracking.rb: strftime(…)[0..-2]
}

std::string histogramKey(MetricsFormat f, const std::string& jobClass, double t)
{
    const std::tm tm = utc(t);
    if (f == MetricsFormat::V7) // "%d-%H:%-M"
        return jobClass + "-" + format("%02d-%02d:%d", tm.tm_mday, tm.tm_hour, tm.tm_min);
    return "h|" + jobClass + "-" + format("%d-%d:%d", tm.tm_mday, tm.tm_hour, tm.tm_min);
}

std::string marksKey(double t)
{
    const std::tm tm = utc(t);
    return format("%04d%02d%02d-marks", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

MetricsResult readMetrics(redis::Client& client, const MetricsQuery& query, double now)
{
    MetricsResult result;
    result.endsAt = now;
    const double period = std::clamp(query.periodSeconds, kMinute, double(kMostTenMinutes) * kTenMinutes);
    const bool longPeriod = period > kMostMinutes * kMinute;
    // 8.x: ten-minute buckets beyond 8 h; 7.x has minute buckets only, so it is cut at 8 h.
    const int tens = longPeriod ? int(std::ceil(period / kTenMinutes)) : 0;
    const int minutes = std::min(kMostMinutes, int(std::ceil(period / kMinute)));
    const double lastMinute = std::floor(now / kMinute) * kMinute;
    const double lastTen = std::floor(now / kTenMinutes) * kTenMinutes;

    const auto read = [&](const std::string& key) {
        if (query.jobClass.empty()) return redis::Command("HGETALL").key(key);
        return redis::Command("HMGET")
            .key(key)
            .arg(query.jobClass + "|p")
            .arg(query.jobClass + "|f")
            .arg(query.jobClass + "|ms");
    };
    std::vector<redis::Command> cmds;
    std::vector<double> v8Times, v7Times;
    if (longPeriod) {
        for (int i = tens - 1; i >= 0; --i) v8Times.push_back(lastTen - i * kTenMinutes);
        for (double t : v8Times) cmds.push_back(read(tenMinuteKey(t)));
    } else {
        for (int i = minutes - 1; i >= 0; --i) v8Times.push_back(lastMinute - i * kMinute);
        for (double t : v8Times) cmds.push_back(read(minuteKey(MetricsFormat::V8, t)));
    }
    for (int i = minutes - 1; i >= 0; --i) v7Times.push_back(lastMinute - i * kMinute);
    for (double t : v7Times) cmds.push_back(read(minuteKey(MetricsFormat::V7, t)));
    const auto replies = client.pipeline(cmds);

    // Each reply as field → value (HMGET's answers named like HGETALL's).
    const auto fieldsOf = [&](const redis::Reply& r) {
        std::map<std::string, long long> out;
        r.throwIfError();
        const auto& items = r.asArray();
        if (query.jobClass.empty()) {
            for (std::size_t i = 0; i + 1 < items.size(); i += 2)
                out[items[i].asString()] = std::atoll(items[i + 1].asString().c_str());
        } else {
            const char* names[] = {"|p", "|f", "|ms"};
            for (std::size_t i = 0; i < items.size() && i < 3; ++i)
                if (!items[i].isNil()) out[query.jobClass + names[i]] = std::atoll(items[i].asString().c_str());
        }
        return out;
    };
    const auto hasData = [&](std::size_t from, std::size_t count) {
        for (std::size_t i = from; i < from + count; ++i)
            if (!fieldsOf(replies[i]).empty()) return true;
        return false;
    };
    const bool v8 = hasData(0, v8Times.size());
    const bool v7 = !v8 && hasData(v8Times.size(), v7Times.size());
    result.format = v8 ? MetricsFormat::V8 : v7 ? MetricsFormat::V7 : MetricsFormat::None;
    const std::vector<double>& times = v7 ? v7Times : v8Times;
    const std::size_t offset = v7 ? v8Times.size() : 0;
    result.bucketSeconds = v8 && longPeriod ? int(kTenMinutes) : int(kMinute);
    result.truncated = v7 && longPeriod;
    result.startsAt = times.empty() ? now : times.front();

    std::map<std::string, ClassMetrics> byClass;
    for (std::size_t b = 0; result.format != MetricsFormat::None && b < times.size(); ++b) {
        for (const auto& [field, value] : fieldsOf(replies[offset + b])) {
            const auto bar = field.rfind('|');
            if (bar == std::string::npos) continue;
            const std::string jobClass = field.substr(0, bar), metric = field.substr(bar + 1);
            ClassMetrics& c = byClass[jobClass];
            if (c.series.empty()) {
                c.jobClass = jobClass;
                for (double t : times) c.series.push_back({t, 0, 0, 0});
            }
            MetricsPoint& p = c.series[b];
            if (metric == "p") p.processed += value, c.processed += value;
            if (metric == "f") p.failed += value, c.failed += value;
            if (metric == "ms") p.milliseconds += value, c.milliseconds += value;
        }
    }
    for (auto& [name, c] : byClass) result.classes.push_back(std::move(c));
    std::sort(result.classes.begin(), result.classes.end(), [](const ClassMetrics& a, const ClassMetrics& b) {
        return a.processed != b.processed ? a.processed > b.processed : a.jobClass < b.jobClass;
    });

    // Histograms exist per minute only (8 h): one BITFIELD_RO per class and minute, as for_job does.
    if (query.histograms && result.format != MetricsFormat::None) {
        std::vector<redis::Command> grams;
        for (const auto& c : result.classes)
            for (double t : v7Times) {
                redis::Command g("BITFIELD_RO");
                g.key(histogramKey(result.format, c.jobClass, t));
                for (std::size_t i = 0; i < kHistogramBuckets; ++i)
                    g.arg(std::string_view("GET")).arg(std::string_view("u16")).arg("#" + std::to_string(i));
                grams.push_back(std::move(g));
            }
        const auto counts = client.pipeline(grams);
        std::size_t k = 0;
        for (auto& c : result.classes)
            for (std::size_t m = 0; m < v7Times.size(); ++m, ++k) {
                const auto& values = counts[k].throwIfError().asArray();
                for (std::size_t i = 0; i < values.size() && i < kHistogramBuckets; ++i)
                    c.histogram[i] += values[i].integer;
            }
    }

    // Deploy marks: one hash per UTC day of the period.
    std::vector<redis::Command> days;
    for (double day = std::floor(result.startsAt / 86400) * 86400; day <= now; day += 86400)
        days.push_back(redis::Command("HGETALL").key(marksKey(day)));
    for (const auto& r : client.pipeline(days)) {
        const auto& items = r.throwIfError().asArray();
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
            std::tm tm {};
            if (!strptime(items[i].asString().c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) continue;
            const double at = double(timegm(&tm));
            if (at >= result.startsAt && at <= now) result.marks.push_back({at, items[i + 1].asString()});
        }
    }
    std::sort(result.marks.begin(), result.marks.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    if (result.format == MetricsFormat::None) {
        for (const auto& p : listProcesses(client).live) result.runningVersions.push_back(p.versionLabel());
        std::sort(result.runningVersions.begin(), result.runningVersions.end());
        result.runningVersions.erase(
            std::unique(result.runningVersions.begin(), result.runningVersions.end()), result.runningVersions.end());
    }
    return result;
}

} // namespace kiq::sidekiq
