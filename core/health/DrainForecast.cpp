#include "health/DrainForecast.h"

#include <algorithm>
#include <cmath>

namespace kiq::health {

namespace {

// Least-squares slope of `y` over time (per second); 0 for fewer than two distinct moments.
template <class Point, class Y> double slope(const std::deque<Point>& points, Y y)
{
    if (points.size() < 2) return 0;
    double meanT = 0, meanY = 0;
    for (const Point& p : points) {
        meanT += p.t;
        meanY += y(p);
    }
    meanT /= double(points.size());
    meanY /= double(points.size());
    double sxy = 0, sxx = 0;
    for (const Point& p : points) {
        sxy += (p.t - meanT) * (y(p) - meanY);
        sxx += (p.t - meanT) * (p.t - meanT);
    }
    return sxx > 0 ? sxy / sxx : 0;
}

template <class Point> void trim(std::deque<Point>& points, double now)
{
    while (!points.empty() && points.front().t < now - DrainForecaster::kWindowSeconds) points.pop_front();
}

template <class Point> double span(const std::deque<Point>& points)
{
    return points.size() < 2 ? 0 : points.back().t - points.front().t;
}

} // namespace

bool QueueForecast::atRisk() const
{
    return secondsToBreach && *secondsToBreach <= DrainForecaster::kHorizonSeconds;
}

void DrainForecaster::add(double takenAt, long long processed, const std::vector<sidekiq::QueueSummary>& queues)
{
    if (!m_processed.empty() && takenAt < m_lastAt + 1) return;
    if (!m_processed.empty() && double(processed) < m_processed.back().processed) m_processed.clear();
    m_lastAt = takenAt;
    m_processed.push_back({takenAt, double(processed)});
    trim(m_processed, takenAt);

    std::map<std::string, std::deque<Point>> history;
    m_order.clear();
    for (const sidekiq::QueueSummary& q : queues) {
        if (!q.error.empty()) continue; // not a list: nothing to forecast
        auto& points = history[q.name];
        if (auto it = m_history.find(q.name); it != m_history.end()) points = std::move(it->second);
        points.push_back({takenAt, double(q.size), q.latencySeconds});
        trim(points, takenAt);
        m_order.push_back(q.name);
    }
    m_history = std::move(history); // a queue gone from the list takes its history with it
}

void DrainForecaster::clear()
{
    m_history.clear();
    m_order.clear();
    m_processed.clear();
    m_lastAt = 0;
}

std::vector<QueueForecast> DrainForecaster::forecast(const HealthThresholds& thresholds) const
{
    std::vector<QueueForecast> out;
    out.reserve(m_order.size());
    for (const std::string& name : m_order) {
        const std::deque<Point>& points = m_history.at(name);
        QueueForecast f;
        f.queue = name;
        f.size = static_cast<long long>(points.back().size);
        f.latencySeconds = points.back().latency;
        f.sloSeconds = std::max(0.0, thresholds.latencyWarnFor(name));
        if (f.size == 0) {
            f.trend = QueueForecast::Trend::Empty;
            f.secondsToEmpty = 0;
            out.push_back(std::move(f));
            continue;
        }
        if (f.sloSeconds > 0 && f.latencySeconds >= f.sloSeconds) f.secondsToBreach = 0; // known without a trend
        if (span(points) < minSpanSeconds) {
            out.push_back(std::move(f));
            continue;
        }
        const double net = slope(points, [](const Point& p) { return p.size; }); // jobs per second
        const double aging = slope(points, [](const Point& p) { return p.latency; });
        f.netPerMinute = net * 60;
        f.latencyPerMinute = aging * 60;
        // A change under a job a minute, or under 1% of the queue, is noise around a queue that keeps up.
        if (std::abs(f.netPerMinute) < std::max(1.0, 0.01 * double(f.size)))
            f.trend = QueueForecast::Trend::Steady;
        else if (net < 0) {
            f.trend = QueueForecast::Trend::Draining;
            f.secondsToEmpty = double(f.size) / -net;
        } else
            f.trend = QueueForecast::Trend::Growing;
        const auto projected = [&](double ahead) {
            if (f.secondsToEmpty && *f.secondsToEmpty <= ahead) return 0.0;
            return std::max(0.0, f.latencySeconds + aging * ahead);
        };
        f.latencyIn5Min = projected(5 * 60);
        f.latencyIn15Min = projected(15 * 60);
        if (f.sloSeconds > 0 && !f.secondsToBreach && aging > 0) {
            const double due = (f.sloSeconds - f.latencySeconds) / aging;
            if (!f.secondsToEmpty || *f.secondsToEmpty > due) f.secondsToBreach = due;
        }
        out.push_back(std::move(f));
    }
    return out;
}

DrainRates DrainForecaster::rates() const
{
    DrainRates r;
    if (span(m_processed) <= 0) return r;
    r.known = true;
    r.completionsPerMinute = std::max(0.0, slope(m_processed, [](const Count& c) { return c.processed; }) * 60);
    double growth = 0;
    for (const auto& [name, points] : m_history) growth += slope(points, [](const Point& p) { return p.size; }) * 60;
    r.arrivalsPerMinute = std::max(0.0, r.completionsPerMinute + growth);
    return r;
}

const QueueForecast* DrainForecaster::mostUrgent(const std::vector<QueueForecast>& forecasts)
{
    const QueueForecast* best = nullptr;
    // Ranked: a breach ahead (sooner first), then a drain (longer first), then growth (faster first).
    const auto rank = [](const QueueForecast& f) -> std::pair<int, double> {
        if (f.secondsToBreach) return {3, -*f.secondsToBreach};
        if (f.trend == QueueForecast::Trend::Growing) return {2, f.netPerMinute};
        if (f.trend == QueueForecast::Trend::Draining) return {1, *f.secondsToEmpty};
        return {0, 0};
    };
    for (const QueueForecast& f : forecasts)
        if (rank(f).first > 0 && (!best || rank(f) > rank(*best))) best = &f;
    return best;
}

} // namespace kiq::health
