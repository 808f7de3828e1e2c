#include "health/DeploymentPoll.h"

#include "redis/Errors.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"

namespace kiq::health {

using redis::Command;

DeploymentReading DeploymentPoll::read(redis::Client& client, const HealthThresholds& thresholds, int dailyDays)
{
    const std::uint64_t before = client.roundTrips();
    const double now = sidekiq::Timestamp::now().seconds();
    sidekiq::RideAlong extra;
    // Counted from scores, not size changes (FleetRow::deadLastHour says why).
    extra.commands.push_back(Command("ZCOUNT").key(sidekiq::keys::kDead).arg(now - 3600).arg(std::string_view("+inf")));
    if (dailyDays > 0) {
        auto daily = sidekiq::historyCommands(dailyDays, now);
        extra.commands.insert(extra.commands.end(), daily.begin(), daily.end());
    }
    DeploymentReading reading;
    reading.health = m_evaluator.evaluate(client, thresholds, &extra);
    const bool answered = extra.replies.size() == extra.commands.size(); // not when unreachable
    if (reading.health.stats && answered) {
        const redis::Reply& dead = extra.replies[0];
        reading.fleet = fleetRowOf(*reading.health.stats, dead.isError() ? 0 : dead.integer, reading.health.usedMemory,
            reading.health.maxmemory);
    }
    if (dailyDays > 0 && answered) {
        try {
            reading.daily = sidekiq::parseHistory(dailyDays, now, extra.replies.data() + 1);
        } catch (const redis::ReplyError&) {
            // A wrong-typed daily key leaves the history chart as it was; the rest is shown.
        }
    }
    reading.roundTrips = client.roundTrips() - before;
    return reading;
}

} // namespace kiq::health
