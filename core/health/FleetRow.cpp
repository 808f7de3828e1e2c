#include "health/FleetRow.h"

#include "server/ServerInfo.h"
#include "sidekiq/model/Keys.h"

namespace kiq::health {

using server::ServerInfo;

FleetRow readFleetRow(redis::Client& client, sidekiq::StatsReader& reader)
{
    const sidekiq::StatsSnapshot s = reader.read(client);
    FleetRow row;
    row.enqueued = s.enqueued;
    row.busy = s.workersSize;
    row.processes = s.processesSize;
    row.retrySize = s.retrySize;
    row.deadSize = s.deadSize;
    row.takenAt = s.takenAt;
    row.processed = s.processed;
    row.queues = s.queues;
    for (const auto& q : s.queues) {
        if (!q.error.empty()) ++row.queuesWithErrors;
        if (q.latencySeconds > row.maxLatencySeconds) {
            row.maxLatencySeconds = q.latencySeconds;
            row.maxLatencyQueue = q.name;
        }
    }
    // INFO memory alone: the full INFO is ten times the bytes for two numbers.
    const std::vector<redis::Reply> replies = client.pipeline({
        redis::Command("ZCOUNT").key(sidekiq::keys::kDead).arg(s.takenAt - 3600).arg(std::string_view("+inf")),
        redis::Command::raw({"INFO", "memory"}),
    });
    replies[0].throwIfError();
    row.deadLastHour = replies[0].integer;
    if (const redis::Reply& info = replies[1]; !info.isError()) {
        const ServerInfo parsed = ServerInfo::parseInfo(info.str);
        row.usedMemory = parsed.usedMemory();
        row.maxmemory = parsed.maxmemory();
    }
    return row;
}

} // namespace kiq::health
