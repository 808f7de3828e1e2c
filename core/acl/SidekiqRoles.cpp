#include "acl/SidekiqRoles.h"

namespace kiq::acl {

namespace {
RoleCheck allow(std::vector<std::string> cmd)
{
    return {std::move(cmd), true};
}
RoleCheck deny(std::vector<std::string> cmd)
{
    return {std::move(cmd), false};
}

// Commands every role needs to connect and be identified.
constexpr const char* kConnection
    = "+ping +auth +hello +client|setname +client|getname +select +info +role +cluster|slots +cluster|shards +command";
// Reads of Sidekiq's keys (api.rb, our services and index).
constexpr const char* kReads
    = "+get +mget +exists +type +ttl +llen +lrange +lindex +zcard +zcount +zrange +zrangebyscore +zrevrange "
      "+zrevrangebyscore +zscan +zscore +smembers +sscan +scard +sismember +hget +hmget +hgetall +hlen +hscan +scan "
      "+dbsize";
// Writes Sidekiq and our pool make (client.rb, fetch, scheduled.rb, job_retry.rb, launcher.rb).
constexpr const char* kWorkerWrites
    = "+lpush +rpush +rpop +brpop +lmove +blmove +lrem +zadd +zrem +zincrby +zremrangebyscore +zremrangebyrank "
      "+sadd +srem +hset +hmset +hdel +hincrby +incrby +incr +set +expire +del +unlink +multi +exec +discard +watch "
      "+unwatch "
      "+evalsha +eval +script|load +script|exists "
      // Kiqdesk's pool wakes its own idle threads at stop with CLIENT UNBLOCK of its connections' ids
      // (without it, stop waits out the 2 s blocking fetch).
      "+client|id +client|unblock";
// Admin writes of the Web UI and Kiqdesk's job actions (no fetch, no heartbeat).
constexpr const char* kOperatorWrites
    = "+lpush +rpush +lrem +zadd +zrem +zremrangebyscore +zremrangebyrank +sadd +srem +expire +del +unlink +set +mset "
      "+multi +exec +discard +watch +unwatch +evalsha +eval +script|load +slowlog|get +client|list +acl|dryrun";

std::string pattern(const std::string& prefix)
{
    return prefix + "*";
}
} // namespace

std::vector<Role> allRoles()
{
    return {Role::Worker, Role::Operator, Role::Monitor, Role::Admin};
}

const char* roleName(Role role)
{
    switch (role) {
    case Role::Worker:
        return "sidekiq-worker";
    case Role::Operator:
        return "sidekiq-operator";
    case Role::Monitor:
        return "sidekiq-monitor";
    case Role::Admin:
        return "kiqdesk-admin";
    }
    return "sidekiq-monitor";
}

std::optional<Role> parseRole(std::string_view name)
{
    static constexpr std::pair<std::string_view, Role> kShort[]
        = {{"worker", Role::Worker}, {"operator", Role::Operator}, {"monitor", Role::Monitor}, {"admin", Role::Admin}};
    for (const auto& [shortName, role] : kShort)
        if (name == shortName || name == roleName(role)) return role;
    return std::nullopt;
}

RoleTemplate roleTemplate(Role role, const std::string& p)
{
    RoleTemplate t {role, roleName(role), {}, {}, {}};
    const std::string keys = "~" + pattern(p);
    const std::string queue = p + "queue:default";
    const std::string identity = p + "host:4242:0123456789ab";
    std::string rules;
    switch (role) {
    case Role::Worker:
        t.description = "Runs jobs: real Sidekiq and Kiqdesk's pool (fetch, retry, schedule, heartbeat)";
        rules = "resetkeys " + keys + " resetchannels -@all " + kConnection + " " + kReads + " " + kWorkerWrites;
        t.checks = {allow({"BRPOP", queue, "2"}), allow({"LMOVE", queue, identity + ":inprogress", "RIGHT", "LEFT"}),
            allow({"LPUSH", queue, "{}"}), allow({"ZADD", p + "retry", "1.0", "{}"}),
            allow({"ZADD", p + "dead", "1.0", "{}"}),
            allow({"EVALSHA", std::string(40, '0'), "1", p + "schedule", "1.0"}), allow({"SCRIPT", "LOAD", "return 1"}),
            allow({"HSET", identity, "busy", "0"}), allow({"SADD", p + "processes", identity}),
            allow({"INCRBY", p + "stat:processed", "1"}), allow({"EXPIRE", identity, "60"}),
            allow({"RPOP", identity + "-signals"}), allow({"MULTI"}), allow({"EXEC"}), allow({"INFO"}),
            deny({"FLUSHALL"}), deny({"CONFIG", "GET", "*"}), deny({"ACL", "LIST"})};
        break;
    case Role::Operator:
        t.description = "Dashboard operator: reads everything and retries, deletes, kills and moves jobs";
        rules = "resetkeys " + keys + " resetchannels -@all " + kConnection + " " + kReads + " " + kOperatorWrites;
        t.checks = {allow({"ZRANGE", p + "dead", "0", "10", "WITHSCORES"}), allow({"ZREM", p + "dead", "{}"}),
            allow({"LPUSH", queue, "{}"}), allow({"EVALSHA", std::string(40, '0'), "2", p + "dead", p + "queues"}),
            allow({"WATCH", p + "dead"}), allow({"LPUSH", identity + "-signals", "TSTP"}),
            allow({"SLOWLOG", "GET", "10"}), deny({"BRPOP", queue, "2"}), deny({"FLUSHALL"}),
            deny({"CONFIG", "SET", "maxmemory", "0"})};
        break;
    case Role::Monitor:
        t.description = "Read-only monitor: every page loads, every write is refused";
        rules = "resetkeys %R~" + pattern(p) + " resetchannels -@all " + kConnection + " " + kReads
            + " +slowlog|get +client|list";
        t.checks = {allow({"ZCARD", p + "dead"}), allow({"LRANGE", queue, "0", "10"}),
            allow({"HMGET", identity, "info", "busy"}), allow({"SMEMBERS", p + "queues"}), allow({"INFO"}),
            deny({"ZREM", p + "dead", "{}"}), deny({"LPUSH", queue, "{}"}),
            deny({"EVALSHA", std::string(40, '0'), "0"}), deny({"FLUSHALL"})};
        break;
    case Role::Admin:
        t.description = "Kiqdesk administrator: everything the operator does plus ACL and server settings";
        rules = "resetkeys ~* resetchannels &* +@all -flushall -flushdb -debug -shutdown -monitor";
        t.checks = {allow({"ACL", "LIST"}), allow({"CONFIG", "GET", "aclfile"}), allow({"ZREM", p + "dead", "{}"}),
            deny({"FLUSHALL"}), deny({"DEBUG", "SLEEP", "0"})};
        break;
    }
    t.rules = AclRules::parse(rules);
    return t;
}

} // namespace kiq::acl
