#pragma once
// One deployment's line in the fleet overview: the few numbers that say whether it needs attention.
// Read in two pipelined round trips: Sidekiq's stats with every queue's size and latency (one once
// StatsReader knows the queues), then the recent deaths with INFO memory.

#include "redis/Client.h"
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

// `reader` keeps the queue names between calls (one per deployment and connection).
FleetRow readFleetRow(redis::Client& client, sidekiq::StatsReader& reader);

} // namespace kiq::health
