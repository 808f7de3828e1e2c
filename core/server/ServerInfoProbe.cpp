#include "server/ServerInfoProbe.h"

#include "redis/Client.h"
#include "redis/Errors.h"
#include "redis/KeySlot.h"
#include "server/ServerInfo.h"

namespace kiq::server {

std::optional<std::string> clusterNamespaceWarning(const kiq::redis::ConnectionOptions& options, bool clusterMode)
{
    if (!clusterMode || kiq::redis::prefixPinsSlot(options.keyPrefix)) return std::nullopt;
    const std::string ns
        = options.keyPrefix.empty() ? std::string("no namespace") : "the namespace '" + options.keyPrefix + "'";
    const std::string suggestion = options.keyPrefix.empty()
        ? std::string("{myapp}:")
        : "{" + options.keyPrefix.substr(0, options.keyPrefix.find_last_not_of(':') + 1) + "}:";
    return "Redis Cluster with " + ns
        + " (no {hash tag}): Sidekiq's keys are spread over slots. "
          "Views work (stats, queues, job sets, processes) and so does deleting jobs; retry, enqueue now, "
          "move and kill need their keys in one slot and fail with CROSSSLOT. Use a hash-tagged namespace such as '"
        + suggestion + "' (the Sidekiq apps must use the same).";
}

ServerProbe probeServer(kiq::redis::Client& client)
{
    using kiq::redis::Command;
    client.connect();
    const auto& options = client.options();
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
    // No password means no AUTH: the server runs every command as its `default` user, and a user
    // name given without a password is not used at all.
    if (options.password.empty())
        probe.notes.push_back(options.user.empty()
                ? "connected as default, no password"
                : "connected as default, no password (the user '" + options.user + "' needs a password to be used)");
    if (auto warning = clusterNamespaceWarning(
            options, options.topology == kiq::redis::Topology::Cluster || probe.mode == "cluster"))
        probe.notes.push_back(*warning);
    return probe;
}

} // namespace kiq::server
