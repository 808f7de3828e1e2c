#include "acl/AclService.h"

#include "redis/Errors.h"
#include "util/ParseNumber.h"

#include <algorithm>

namespace kiq::acl {

using redis::Command;

namespace {
// Runs `cmd` on every node; transport failures come back as error replies from the client.
std::vector<NodeOutcome> onEveryNode(redis::Client& client, const Command& cmd, const char* done)
{
    std::vector<NodeOutcome> out;
    for (auto& nr : client.onAllNodes(cmd)) {
        NodeOutcome o {nr.node, nr.isPrimary, !nr.reply.isError(), nr.reply.isError() ? nr.reply.str : done, false};
        out.push_back(std::move(o));
    }
    return out;
}

// ACL SAVE on the nodes that were changed and load their users from an ACL file.
void persist(redis::Client& client, std::vector<NodeOutcome>& outcomes)
{
    const auto files
        = client.onAllNodes(Command("CONFIG").arg(std::string_view("GET")).arg(std::string_view("aclfile")));
    auto aclFileOf = [&](const redis::Endpoint& node) -> std::string {
        for (const auto& f : files) {
            if (!(f.node == node) || f.reply.isError()) continue;
            const auto kv = f.reply.asStringList(); // ["aclfile", "<path or empty>"]
            return kv.size() == 2 ? kv[1] : std::string();
        }
        return {};
    };
    bool anyFile = false;
    for (auto& o : outcomes) {
        if (!o.ok) continue;
        const std::string file = aclFileOf(o.node);
        if (file.empty()) {
            o.message += "; not persisted: no aclfile is configured, so the rules vanish at restart unless CONFIG "
                         "REWRITE saves them";
            continue;
        }
        o.message += "; saved to " + file;
        o.persisted = anyFile = true;
    }
    if (!anyFile) return;
    for (const auto& r : client.onAllNodes(Command("ACL").arg(std::string_view("SAVE")))) {
        for (auto& o : outcomes) {
            if (o.node == r.node && o.persisted && r.reply.isError()) {
                o.persisted = false;
                o.message += " (ACL SAVE failed: " + r.reply.str + ")";
            }
        }
    }
}

long long countOk(const std::vector<NodeOutcome>& v)
{
    long long n = 0;
    for (const auto& o : v) n += o.ok;
    return n;
}
} // namespace

std::vector<AclUser> listUsers(redis::Client& client)
{
    const auto names = client.command(Command("ACL").arg(std::string_view("USERS"))).throwIfError().asStringList();
    std::vector<Command> cmds;
    for (const auto& n : names) cmds.push_back(Command("ACL").arg(std::string_view("GETUSER")).arg(n));
    const auto replies = client.pipeline(cmds);
    std::vector<AclUser> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!replies[i].isNil()) out.push_back(AclUser::fromGetUser(names[i], replies[i]));
    return out;
}

std::optional<AclUser> getUser(redis::Client& client, const std::string& name)
{
    const auto r = client.command(Command("ACL").arg(std::string_view("GETUSER")).arg(name));
    if (r.isNil()) return std::nullopt;
    return AclUser::fromGetUser(name, r);
}

std::string setUserLine(const std::string& name, const AclRules& rules)
{
    return "ACL SETUSER " + name + " " + rules.hashedPasswords().toString();
}

std::vector<NodeOutcome> applyUser(
    redis::Client& client, write::WriteGate& gate, const std::string& name, const AclRules& rules)
{
    if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos)
        throw redis::UsageError("an ACL user name cannot be empty or contain spaces");
    const AclRules hashed = rules.hashedPasswords(); // clear-text passwords never leave this process
    std::vector<NodeOutcome> out;
    gate.perform({"acl-setuser", name, 1, hashed.toString(), {}}, [&] {
        Command cmd("ACL");
        cmd.arg(std::string_view("SETUSER")).arg(name);
        for (const auto& t : hashed.tokens()) cmd.arg(t);
        out = onEveryNode(client, cmd, "applied");
        persist(client, out);
        return write::WriteOutcome {countOk(out), {}};
    });
    return out;
}

std::vector<NodeOutcome> deleteUser(redis::Client& client, write::WriteGate& gate, const std::string& name)
{
    if (name == "default")
        throw redis::UsageError("the default user cannot be deleted (disable it with 'off' instead)");
    std::vector<NodeOutcome> out;
    gate.perform({"acl-deluser", name, 1, {}, {}}, [&] {
        out = onEveryNode(client, Command("ACL").arg(std::string_view("DELUSER")).arg(name), "deleted");
        persist(client, out);
        return write::WriteOutcome {countOk(out), {}};
    });
    return out;
}

std::vector<CheckOutcome> verifyRole(redis::Client& client, const std::string& user, const RoleTemplate& role)
{
    std::vector<Command> cmds;
    for (const auto& check : role.checks) {
        Command c("ACL");
        c.arg(std::string_view("DRYRUN")).arg(user);
        for (const auto& a : check.command) c.arg(a);
        cmds.push_back(std::move(c));
    }
    const auto replies = client.pipeline(cmds);
    std::vector<CheckOutcome> out;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        replies[i].throwIfError(); // an unknown user or an old server is an error for the whole check
        CheckOutcome o {role.checks[i], replies[i].isOk(), replies[i].isOk() ? "" : replies[i].asString()};
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<AclLogEntry> readAclLog(redis::Client& client, int count)
{
    std::vector<AclLogEntry> out;
    for (const auto& nr : client.onAllNodes(Command("ACL").arg(std::string_view("LOG")).arg(count))) {
        if (nr.reply.isError()) continue;
        for (const auto& entry : nr.reply.asArray()) {
            AclLogEntry e;
            e.node = nr.node;
            const auto& kv = entry.asArray();
            for (std::size_t k = 0; k + 1 < kv.size(); k += 2) {
                const std::string& f = kv[k].asString();
                const redis::Reply& v = kv[k + 1];
                if (f == "count")
                    e.count = v.asInteger();
                else if (f == "reason")
                    e.reason = v.asString();
                else if (f == "context")
                    e.context = v.asString();
                else if (f == "object")
                    e.object = v.asString();
                else if (f == "username")
                    e.username = v.asString();
                else if (f == "client-info")
                    e.clientInfo = v.asString();
                else if (f == "age-seconds")
                    e.ageSeconds = util::parseDouble(v.asString()).value_or(0);
            }
            out.push_back(std::move(e));
        }
    }
    return out;
}

std::vector<NodeOutcome> resetAclLog(redis::Client& client, write::WriteGate& gate)
{
    std::vector<NodeOutcome> out;
    gate.perform({"acl-log-reset", "ACL LOG", 1, {}, {}}, [&] {
        out = onEveryNode(
            client, Command("ACL").arg(std::string_view("LOG")).arg(std::string_view("RESET")), "log cleared");
        return write::WriteOutcome {countOk(out), {}};
    });
    return out;
}

} // namespace kiq::acl
