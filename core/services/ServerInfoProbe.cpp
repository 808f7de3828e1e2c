#include "ServerInfoProbe.h"

#include "ServerInfo.h"
#include "redis/Client.h"
#include "redis/Errors.h"

namespace kiq::services {

ServerProbe probeServer(kiq::redis::Client& client)
{
    using kiq::redis::Command;
    client.connect();
    const auto started = std::chrono::steady_clock::now();
    const auto replies = client.pipeline({Command("PING"), Command("INFO").arg("server")});
    const auto elapsed = std::chrono::steady_clock::now() - started;

    replies[0].throwIfError();
    ServerProbe probe;
    probe.roundTrip = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    if (replies[1].isError()) {
        probe.infoError = kiq::redis::ReplyError(replies[1].str, "INFO server").what();
    } else {
        const ServerInfo info = ServerInfo::parseInfo(replies[1].asString());
        probe.redisVersion = info.redisVersion();
        probe.mode = info.field("redis_mode").value_or(std::string());
    }
    return probe;
}

} // namespace kiq::services
