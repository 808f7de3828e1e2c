#pragma once
// ACL role templates for a Sidekiq deployment, scoped to its namespace. The command lists follow
// what the code sends: Sidekiq 6.4 (client push, fetch, poller, heartbeat, retry) and Kiqdesk's own
// worker pool and services. Each template carries the commands to verify with ACL DRYRUN: those the
// role must be allowed, and a few it must be refused.

#include "acl/AclRules.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::acl {

enum class Role { Worker, Operator, Monitor, Admin };

struct RoleCheck {
    std::vector<std::string> command; // name and arguments, keys already namespaced
    bool mustBeAllowed = true;
};

struct RoleTemplate {
    Role role;
    std::string name; // "sidekiq-worker", …
    std::string description; // one line for the editor
    AclRules rules; // without passwords: the caller adds them
    std::vector<RoleCheck> checks;
};

RoleTemplate roleTemplate(Role role, const std::string& keyPrefix);
std::vector<Role> allRoles();
const char* roleName(Role role);
std::optional<Role> parseRole(std::string_view name); // "worker" or "sidekiq-worker", …

} // namespace kiq::acl
