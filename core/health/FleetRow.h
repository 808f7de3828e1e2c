#pragma once
// One deployment's line in the fleet overview: the few numbers that say whether it needs attention.
// Made from what DeploymentPoll reads in its one round trip (health/DeploymentPoll.h).

#include "sidekiq/api/Stats.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::health {

struct FleetRow {
    long long enqueued = 0;
    double maxLatencySeconds = 0; // the latest queue's latency
    std::string maxLatencyQueue; // empty when every queue is empty
    long long busy = 0;
    long long processes = 0;
    long long retrySize = 0;
    long long deadSize = 0;
    // Dead jobs whose death (their score, docs/sidekiq-data-model.md §3) is within the hour before
    // takenAt. Counted from scores, not size changes: retries shrink the set and the 10,000 cap
    // keeps its size flat while jobs keep dying.
    long long deadLastHour = 0;
    long long queuesWithErrors = 0; // queues whose key is not a list (see QueueSummary::error)
    std::optional<long long> usedMemory; // bytes
    std::optional<long long> maxmemory; // bytes; 0 = no limit
    double takenAt = 0; // epoch seconds, local clock
    // What the drain forecast is fed (DrainForecaster::add).
    long long processed = 0;
    std::vector<sidekiq::QueueSummary> queues;
};

// `deadLastHour`: ZCOUNT dead over the hour before the stats were taken.
FleetRow fleetRowOf(const sidekiq::StatsSnapshot& stats, long long deadLastHour, std::optional<long long> usedMemory,
    std::optional<long long> maxmemory);

} // namespace kiq::health
