#include "health/FleetRow.h"

namespace kiq::health {

FleetRow fleetRowOf(const sidekiq::StatsSnapshot& s, long long deadLastHour, std::optional<long long> usedMemory,
    std::optional<long long> maxmemory)
{
    FleetRow row;
    row.enqueued = s.enqueued;
    row.busy = s.workersSize;
    row.processes = s.processesSize;
    row.retrySize = s.retrySize;
    row.deadSize = s.deadSize;
    row.takenAt = s.takenAt;
    row.processed = s.processed;
    row.queues = s.queues;
    row.deadLastHour = deadLastHour;
    row.usedMemory = usedMemory;
    row.maxmemory = maxmemory;
    for (const auto& q : s.queues) {
        if (!q.error.empty()) ++row.queuesWithErrors;
        if (q.latencySeconds > row.maxLatencySeconds) {
            row.maxLatencySeconds = q.latencySeconds;
            row.maxLatencyQueue = q.name;
        }
    }
    return row;
}

} // namespace kiq::health
