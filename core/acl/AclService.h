#pragma once
// ACL operations on a deployment. Reads come from the primary; writes (SETUSER, DELUSER, LOG RESET)
// go to every node that holds ACLs (all primaries and replicas of a Cluster, the primary and replicas
// behind Sentinel), each through the WriteGate, with a result per node. Where a node loads users from
// an ACL file the change is saved with ACL SAVE; where none is configured the result says the rules
// live only in memory until the next restart.

#include "acl/AclRules.h"
#include "acl/AclUser.h"
#include "acl/SidekiqRoles.h"
#include "redis/Client.h"
#include "write/WriteGate.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::acl {

struct NodeOutcome {
    redis::Endpoint node;
    bool isPrimary = true;
    bool ok = false;
    std::string message; // the error, or what happened ("applied", "applied and saved to users.acl")
    bool persisted = false; // ACL SAVE ran
};

struct CheckOutcome {
    RoleCheck check;
    bool allowed = false;
    std::string denial; // DRYRUN's explanation when refused
    bool passed() const { return allowed == check.mustBeAllowed; }
};

struct AclLogEntry {
    redis::Endpoint node;
    long long count = 0;
    std::string reason, context, object, username, clientInfo;
    double ageSeconds = 0;
};

std::vector<AclUser> listUsers(redis::Client& client);
std::optional<AclUser> getUser(redis::Client& client, const std::string& name);

// The exact line shown before applying: passwords already hashed.
std::string setUserLine(const std::string& name, const AclRules& rules);

std::vector<NodeOutcome> applyUser(
    redis::Client& client, write::WriteGate& gate, const std::string& name, const AclRules& rules);
std::vector<NodeOutcome> deleteUser(redis::Client& client, write::WriteGate& gate, const std::string& name);

// ACL DRYRUN of every check of the role as `user` (Redis 7.0+).
std::vector<CheckOutcome> verifyRole(redis::Client& client, const std::string& user, const RoleTemplate& role);

std::vector<AclLogEntry> readAclLog(redis::Client& client, int count = 100);
std::vector<NodeOutcome> resetAclLog(redis::Client& client, write::WriteGate& gate);

} // namespace kiq::acl
