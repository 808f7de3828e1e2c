#pragma once
// Health numbers as Prometheus' text exposition format (version 0.0.4, which OpenMetrics scrapers
// read too), for `kiqdesk-cli exporter`: per deployment whether it could be read, Sidekiq's counters,
// set sizes, busy jobs and processes, each queue's size and latency, Redis memory, and every health
// check's state (0 ok, 1 warn, 2 critical, 3 unknown), and each queue's drain forecast once the
// exporter has watched it long enough (health/DrainForecast.h). Metric names follow Prometheus conventions
// (a `kiqdesk_` prefix, base units, `_total` on counters).

#include "health/DrainForecast.h"
#include "health/HealthChecks.h"

#include <string>
#include <vector>

namespace kiq::health {

struct Scrape {
    std::string deployment; // the label value: the profile's name, or the connection described
    HealthReport report; // its reachable check says whether the rest could be read
    double durationSeconds = 0;
    std::vector<QueueForecast> forecasts; // from the scrapes so far; queues still Measuring are left out
};

std::string prometheusText(const std::vector<Scrape>& scrapes);

} // namespace kiq::health
