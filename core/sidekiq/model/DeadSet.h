#pragma once
// Sidekiq's dead set (the "morgue", docs/sidekiq-data-model.md §3): where a job goes when its retries
// are exhausted, when it is killed, or when it cannot be delivered. Every writer adds with score now
// and then trims exactly as Sidekiq's send_to_morgue does: what is older than the timeout, then by
// rank, keeping the newest max - 1 (ZREMRANGEBYRANK 0 -max).

#include "redis/Command.h"

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

struct DeadSetLimits {
    long long maxJobs = 10000; // Sidekiq's dead_max_jobs
    std::chrono::seconds timeout {180LL * 24 * 3600}; // Sidekiq's dead_timeout_in_seconds
};

// For scripts that move jobs to dead: to_dead(dead, now, job) adds one; trim_dead(dead, oldest, max)
// trims once after the adds, with the two arguments deadTrimArgs() makes.
inline constexpr std::string_view kLuaDeadSet = R"lua(
local function to_dead(dead, now, job)
  redis.call('ZADD', dead, now, job)
end
local function trim_dead(dead, oldest, max)
  redis.call('ZREMRANGEBYSCORE', dead, '-inf', oldest)
  redis.call('ZREMRANGEBYRANK', dead, 0, -tonumber(max))
end
)lua";

// trim_dead's `oldest` (the oldest score kept) and `max`, as script arguments.
std::array<std::string, 2> deadTrimArgs(double nowSeconds, const DeadSetLimits& limits = {});

// The same add and trims as commands, for a MULTI.
std::vector<redis::Command> deadCommands(
    const std::string& payload, double nowSeconds, const DeadSetLimits& limits = {});

} // namespace kiq::sidekiq
