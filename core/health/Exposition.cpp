#include "health/Exposition.h"

#include <cmath>
#include <cstdio>
#include <functional>

namespace kiq::health {

namespace {

// Label values escape backslash, double quote and newline (the exposition format's rules).
std::string escaped(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string number(double v)
{
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

int stateValue(CheckState s)
{
    switch (s) {
    case CheckState::Ok:
        return 0;
    case CheckState::Warn:
        return 1;
    case CheckState::Critical:
        return 2;
    case CheckState::Unknown:
        return 3;
    }
    return 3;
}

class Writer {
public:
    // One metric family: HELP and TYPE once, then a sample per call of `sample`.
    void family(const char* name, const char* type, const char* help,
        const std::function<void(const std::function<void(const std::string& labels, double value)>&)>& samples)
    {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
        samples([&](const std::string& labels, double value) {
            out += std::string(name) + "{" + labels + "} " + number(value) + "\n";
        });
    }
    std::string out;
};

std::string label(const std::string& key, const std::string& value)
{
    return key + "=\"" + escaped(value) + "\"";
}

} // namespace

std::string prometheusText(const std::vector<Scrape>& scrapes)
{
    Writer w;
    using Emit = std::function<void(const std::string&, double)>;
    auto each = [&](auto&& fn) {
        return [&scrapes, fn](const Emit& put) {
            for (const auto& s : scrapes) fn(s, label("deployment", s.deployment), put);
        };
    };
    auto up = [](const Scrape& s) {
        return !s.report.results.empty() && s.report.results.front().id == check::kReachable
            && s.report.results.front().state == CheckState::Ok;
    };
    w.family("kiqdesk_up", "gauge", "Whether Kiqdesk could read the deployment (1) or not (0).",
        each([&](const Scrape& s, const std::string& l, const Emit& put) { put(l, up(s) ? 1 : 0); }));
    w.family("kiqdesk_scrape_duration_seconds", "gauge", "How long reading the deployment took.",
        each([](const Scrape& s, const std::string& l, const Emit& put) { put(l, s.durationSeconds); }));

    // Sidekiq's numbers: only for deployments whose stats could be read (absent beats a false zero).
    auto stat = [&](const char* name, const char* type, const char* help, auto value) {
        w.family(name, type, help, each([value](const Scrape& s, const std::string& l, const Emit& put) {
            if (s.report.stats) put(l, double(value(*s.report.stats)));
        }));
    };
    using Snapshot = sidekiq::StatsSnapshot;
    stat("kiqdesk_jobs_processed_total", "counter", "Jobs processed (Sidekiq's stat:processed).",
        [](const Snapshot& st) { return st.processed; });
    stat("kiqdesk_jobs_failed_total", "counter", "Jobs failed (Sidekiq's stat:failed).",
        [](const Snapshot& st) { return st.failed; });
    stat("kiqdesk_jobs_enqueued", "gauge", "Jobs waiting in all queues.",
        [](const Snapshot& st) { return st.enqueued; });
    stat("kiqdesk_jobs_busy", "gauge", "Jobs being worked on by live processes.",
        [](const Snapshot& st) { return st.workersSize; });
    stat("kiqdesk_processes", "gauge", "Sidekiq processes registered.",
        [](const Snapshot& st) { return st.processesSize; });
    w.family("kiqdesk_set_jobs", "gauge", "Jobs in the retry, scheduled and dead sets.",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (!s.report.stats) return;
            put(l + "," + label("set", "retry"), double(s.report.stats->retrySize));
            put(l + "," + label("set", "scheduled"), double(s.report.stats->scheduledSize));
            put(l + "," + label("set", "dead"), double(s.report.stats->deadSize));
        }));
    w.family("kiqdesk_queue_jobs", "gauge", "Jobs waiting in the queue.",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (!s.report.stats) return;
            for (const auto& q : s.report.stats->queues)
                if (q.error.empty()) put(l + "," + label("queue", q.name), double(q.size));
        }));
    w.family("kiqdesk_queue_latency_seconds", "gauge", "Age of the oldest job in the queue (0 when empty).",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (!s.report.stats) return;
            for (const auto& q : s.report.stats->queues)
                if (q.error.empty()) put(l + "," + label("queue", q.name), q.latencySeconds);
        }));
    w.family("kiqdesk_queue_paused", "gauge", "Whether the queue is paused (1) or not (0).",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (!s.report.stats) return;
            for (const auto& q : s.report.stats->queues) put(l + "," + label("queue", q.name), q.paused ? 1 : 0);
        }));
    w.family("kiqdesk_redis_memory_used_bytes", "gauge", "Memory Redis uses (INFO used_memory).",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (s.report.usedMemory) put(l, double(*s.report.usedMemory));
        }));
    w.family("kiqdesk_redis_memory_max_bytes", "gauge", "Redis maxmemory (0: no limit).",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            if (s.report.maxmemory) put(l, double(*s.report.maxmemory));
        }));
    // The drain forecast: a queue appears once its trend is known (absent beats a guess).
    auto forecast = [&](const char* name, const char* help, auto value) {
        w.family(name, "gauge", help, each([value](const Scrape& s, const std::string& l, const Emit& put) {
            for (const auto& f : s.forecasts)
                if (f.trend != QueueForecast::Trend::Measuring) value(f, l + "," + label("queue", f.queue), put);
        }));
    };
    forecast("kiqdesk_queue_net_jobs_per_second", "Net change of the queue's size (negative while it drains).",
        [](const QueueForecast& f, const std::string& l, const Emit& put) { put(l, f.netPerMinute / 60); });
    forecast("kiqdesk_queue_drain_seconds",
        "Seconds until the queue is empty at its current net rate (while it drains).",
        [](const QueueForecast& f, const std::string& l, const Emit& put) {
            if (f.secondsToEmpty) put(l, *f.secondsToEmpty);
        });
    forecast("kiqdesk_queue_latency_forecast_seconds", "The queue's latency projected 5 and 15 minutes ahead.",
        [](const QueueForecast& f, const std::string& l, const Emit& put) {
            put(l + "," + label("horizon", "5m"), f.latencyIn5Min);
            put(l + "," + label("horizon", "15m"), f.latencyIn15Min);
        });
    forecast("kiqdesk_queue_slo_breach_seconds",
        "Seconds until the queue's latency reaches its SLO at the current trend (0: over it now).",
        [](const QueueForecast& f, const std::string& l, const Emit& put) {
            if (f.secondsToBreach) put(l, *f.secondsToBreach);
        });

    w.family("kiqdesk_check_state", "gauge", "Health check state: 0 ok, 1 warn, 2 critical, 3 unknown.",
        each([](const Scrape& s, const std::string& l, const Emit& put) {
            for (const auto& r : s.report.results)
                put(l + "," + label("check", r.id) + "," + label("queue", r.subject), stateValue(r.state));
        }));
    return w.out;
}

} // namespace kiq::health
