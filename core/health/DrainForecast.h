#pragma once
// When will each queue be empty, and will it breach its latency SLO before then (issue 21, item 3)?
// Fed with the queue sizes and latencies every refresh already reads (StatsReader), plus the
// processed counter; nothing extra is asked of Redis.
//
// Per queue, the trend is a least-squares line through the last two minutes of samples: the size's
// slope is the net rate (arrivals less completions; negative while it drains), the latency's slope
// how fast the oldest job ages. From them: the time to empty (size over the drain rate), the latency
// projected 5 and 15 minutes ahead (zero once the queue will be empty), and the time until the
// latency reaches the queue's SLO (HealthThresholds::latencyWarnFor) unless the queue empties first.
// Deployment-wide, completions are the processed counter's rate and arrivals that plus the queues'
// net growth (Sidekiq counts processed jobs per deployment, not per queue).
//
// Not thread-safe: one owner feeds it and asks it (the GUI thread, for one deployment).

#include "health/HealthChecks.h"
#include "sidekiq/api/Stats.h"

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiq::health {

struct QueueForecast {
    enum class Trend { Measuring, Empty, Steady, Draining, Growing };

    std::string queue;
    long long size = 0;
    double latencySeconds = 0;
    Trend trend = Trend::Measuring; // Measuring: too little history for a trend
    double netPerMinute = 0; // size change per minute: < 0 while it drains
    double latencyPerMinute = 0; // seconds of latency gained per minute
    std::optional<double> secondsToEmpty; // draining (0 when empty)
    double latencyIn5Min = 0;
    double latencyIn15Min = 0;
    double sloSeconds = 0; // the latency SLO it is held to; 0: none
    // Seconds until the latency reaches the SLO at the current trend (0: already over it, known from one
    // sample); unset when it will not (falling, or the queue empties first) or no trend is known yet.
    std::optional<double> secondsToBreach;

    // The SLO is breached, or will be within the horizon: a queue to mark.
    bool atRisk() const;
};

struct DrainRates {
    bool known = false; // two processed samples at least
    double completionsPerMinute = 0;
    double arrivalsPerMinute = 0;
};

class DrainForecaster {
public:
    static constexpr double kWindowSeconds = 120; // history a trend is fitted to
    static constexpr double kHorizonSeconds = 15 * 60; // a breach this close marks the queue
    // Less history than this gives no trend yet. Tests shorten it.
    double minSpanSeconds = 15;

    // One refresh's reading. Samples under a second after the last one are ignored (two views of one
    // deployment may read it at nearly the same moment); a counter that went backwards (stats reset)
    // restarts the rates.
    void add(double takenAt, long long processed, const std::vector<sidekiq::QueueSummary>& queues);
    void add(const sidekiq::StatsSnapshot& s) { add(s.takenAt, s.processed, s.queues); }
    void clear();

    // Every queue of the last reading, in its order.
    std::vector<QueueForecast> forecast(const HealthThresholds& thresholds) const;
    DrainRates rates() const;

    // The queue to name on a deployment's one line: the soonest breach, else the fastest growth, else
    // the longest drain; null when every queue is empty, steady or still measured.
    static const QueueForecast* mostUrgent(const std::vector<QueueForecast>& forecasts);

private:
    struct Point {
        double t;
        double size;
        double latency;
    };
    struct Count {
        double t;
        double processed;
    };
    std::map<std::string, std::deque<Point>> m_history;
    std::vector<std::string> m_order; // the last reading's queues
    std::deque<Count> m_processed;
    double m_lastAt = 0;
};

} // namespace kiq::health
