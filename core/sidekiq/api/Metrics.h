#pragma once
// Sidekiq ≥ 7's job metrics, read as `Sidekiq::Metrics::Query` reads them (docs/sidekiq-data-model.md
// §15): per job class, processed, failed and execution milliseconds per minute (up to 8 h back) or per
// ten minutes (8.x only, up to 72 h), the execution-time histogram per minute, and deploy marks.
// Only reads. The key names changed in 8.0; both spellings are read in the same pipeline and the one
// that holds data says which Sidekiq wrote them.

#include "redis/Client.h"

#include <array>
#include <string>
#include <vector>

namespace kiq::sidekiq {

enum class MetricsFormat {
    None, // no metrics keys in the period: Sidekiq 6, or no job ran
    V7, // 7.0 – 7.3: minute buckets `j|%Y%m%d|%-H:%-M`, histograms `<class>-%d-%H:%-M`
    V8, // 8.0+: `j|%y%m%d|%-H:%M`, ten-minute `j|%y%m%d|%-H:%M`[0..-2], histograms `h|<class>-%-d-%-H:%-M`
};

inline constexpr std::size_t kHistogramBuckets = 26;
// The upper bound of each histogram bucket in milliseconds (the last: no bound), Histogram's
// BUCKET_INTERVALS (lib/sidekiq/metrics/shared.rb).
extern const std::array<double, kHistogramBuckets> kHistogramBucketMs;
// Sidekiq's own label of bucket i, as its Metrics page prints it: "20ms" … "335s", "Slow".
const char* histogramBucketLabel(std::size_t i);

struct MetricsPoint {
    double time = 0; // the bucket's start, epoch seconds (UTC)
    long long processed = 0; // failures included, as Sidekiq counts
    long long failed = 0;
    long long milliseconds = 0; // of the jobs that did not fail
};

struct ClassMetrics {
    std::string jobClass; // `wrapped` when there is one, else `class`
    long long processed = 0;
    long long failed = 0;
    long long milliseconds = 0;
    std::vector<MetricsPoint> series; // oldest first, one per bucket of the period (zeros included)
    std::array<long long, kHistogramBuckets> histogram {}; // summed over the period (minute buckets only)

    // Mean execution time of the jobs that succeeded, as JobResult#total_avg: ms / (processed - failed).
    double meanMilliseconds() const;
};

struct DeployMark {
    double time = 0; // epoch seconds, floored to the minute
    std::string label;
};

struct MetricsResult {
    MetricsFormat format = MetricsFormat::None;
    int bucketSeconds = 60; // 60, or 600 for long periods on 8.x
    double startsAt = 0; // the first bucket's start
    double endsAt = 0; // now
    std::vector<ClassMetrics> classes; // most processed first
    std::vector<DeployMark> marks; // inside the period, oldest first
    bool truncated = false; // the period was longer than the format keeps (7.x: 8 h)
    // Only when format is None, to say why: the Sidekiq versions the live processes report
    // (ProcessRecord::versionLabel), sorted, each once; empty when no process runs.
    std::vector<std::string> runningVersions;
};

struct MetricsQuery {
    double periodSeconds = 3600; // 1 h … 72 h
    std::string jobClass; // only this class (empty: all)
    bool histograms = false; // read the histograms too (one BITFIELD_RO per class and minute)
};

// Reads the period ending at `now` (epoch seconds). Throws redis::Error.
MetricsResult readMetrics(redis::Client& client, const MetricsQuery& query, double now);

// The key names, for tests and docs: the bucket that holds epoch second `t`.
std::string minuteKey(MetricsFormat format, double t);
std::string tenMinuteKey(double t); // 8.x only
std::string histogramKey(MetricsFormat format, const std::string& jobClass, double t);
std::string marksKey(double t); // `<%Y%m%d>-marks` of t's UTC day

} // namespace kiq::sidekiq
