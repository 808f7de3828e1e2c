#pragma once
// One ACL user as ACL GETUSER describes it (Redis 7), with the risks an operator should see first.
// Password hashes are counted, never shown: they are secrets too.

#include "redis/Reply.h"

#include <string>
#include <vector>

namespace kiq::acl {

struct AclUser {
    std::string name;
    std::vector<std::string> flags; // "on"/"off", "nopass", "allkeys", …
    int passwordCount = 0;
    std::string commands; // "+@all -debug"
    std::vector<std::string> keys; // "~*", "%R~stat:*"
    std::vector<std::string> channels; // "&*"
    std::vector<std::string> selectors; // each selector's rules as one string

    bool enabled() const;
    bool noPass() const;

    // Builds from an ACL GETUSER reply. Throws redis::ProtocolError on an unexpected shape.
    static AclUser fromGetUser(const std::string& name, const redis::Reply& reply);

    // The user's rules as ACL SETUSER tokens (passwords as a count, not hashes), for the diff view.
    std::vector<std::string> ruleTokens() const;
    // Plain-words warnings: no password, the default user open, all commands on all keys, dangerous commands.
    std::vector<std::string> risks() const;
};

// Tokens in `after` but not `before` ("+ …") and the reverse ("- …"), in order.
std::vector<std::string> diffRules(const std::vector<std::string>& before, const std::vector<std::string>& after);

} // namespace kiq::acl
