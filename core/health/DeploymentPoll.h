#pragma once
// One deployment's refresh for every long-running view (issue 21, item 6): the Overview's cards and
// charts, the Fleet view's row and the health checks the alerts watch, read together in one pipelined
// round trip: HealthEvaluator's (Sidekiq's stats, heartbeats and the checks' reads), with the Fleet's
// recent deaths and, when asked, the Overview's daily history riding along. Fifty deployments cost
// fifty round trips a refresh, whichever views are open. (The first read, and one after the queues or
// processes changed, takes a second one for the new names; a Cluster adds CLUSTER INFO per primary.)
//
// Blocks: run it on the deployment client's thread. One DeploymentPoll per client (it keeps the names
// and the checks' history).

#include "health/FleetRow.h"
#include "health/HealthChecks.h"
#include "redis/Client.h"
#include "sidekiq/api/Stats.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace kiq::health {

struct DeploymentReading {
    HealthReport health; // health.stats unset: health.statsError says why (unreachable, refused)
    std::optional<FleetRow> fleet; // set with health.stats
    std::optional<std::vector<sidekiq::DailyCount>> daily; // when asked for and readable
    std::uint64_t roundTrips = 0; // this read's
};

class DeploymentPoll {
public:
    DeploymentPoll() { m_evaluator.throwRefusedCredentials = true; }

    // `dailyDays` > 0 adds that many days of processed/failed history. Throws redis::Error for
    // credentials the server refuses (WRONGPASS, NOAUTH); an unreachable server is a reading.
    DeploymentReading read(redis::Client& client, const HealthThresholds& thresholds, int dailyDays = 0);

private:
    HealthEvaluator m_evaluator;
};

} // namespace kiq::health
