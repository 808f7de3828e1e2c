#include "sidekiq/model/DeadSet.h"

#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"

namespace kiq::sidekiq {

std::array<std::string, 2> deadTrimArgs(double nowSeconds, const DeadSetLimits& limits)
{
    return {formatRubyFloat(nowSeconds - double(limits.timeout.count())), std::to_string(limits.maxJobs)};
}

std::vector<redis::Command> deadCommands(const std::string& payload, double nowSeconds, const DeadSetLimits& limits)
{
    return {redis::Command("ZADD").key(keys::kDead).arg(nowSeconds).arg(payload),
        redis::Command("ZREMRANGEBYSCORE")
            .key(keys::kDead)
            .arg("-inf")
            .arg(nowSeconds - double(limits.timeout.count())),
        redis::Command("ZREMRANGEBYRANK").key(keys::kDead).arg(0).arg(-limits.maxJobs)};
}

} // namespace kiq::sidekiq
