#include "acl/AclUser.h"

#include "redis/Errors.h"

#include <algorithm>
#include <sstream>

namespace kiq::acl {

namespace {
std::vector<std::string> words(const std::string& text)
{
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// 7.0 returns keys/channels as one space-separated string; older servers as an array.
std::vector<std::string> patternList(const redis::Reply& r)
{
    if (r.isArray()) return r.asStringList();
    if (r.isNil()) return {};
    return words(r.asString());
}

bool contains(const std::vector<std::string>& v, const std::string& s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}
} // namespace

bool AclUser::enabled() const
{
    return contains(flags, "on");
}
bool AclUser::noPass() const
{
    return contains(flags, "nopass");
}

AclUser AclUser::fromGetUser(const std::string& name, const redis::Reply& reply)
{
    const auto& items = reply.throwIfError().asArray();
    if (reply.isNil()) throw redis::UsageError("no ACL user named '" + name + "'");
    AclUser u;
    u.name = name;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        const std::string& field = items[i].asString();
        const redis::Reply& value = items[i + 1];
        if (field == "flags")
            u.flags = value.asStringList();
        else if (field == "passwords")
            u.passwordCount = static_cast<int>(value.asArray().size());
        else if (field == "commands")
            u.commands = value.asString();
        else if (field == "keys")
            u.keys = patternList(value);
        else if (field == "channels")
            u.channels = patternList(value);
        else if (field == "selectors") {
            for (const auto& sel : value.asArray()) {
                // Each selector is a map like the user's own: commands, keys, channels.
                std::string text;
                const auto& kv = sel.asArray();
                for (std::size_t k = 0; k + 1 < kv.size(); k += 2) {
                    const auto list = kv[k + 1].isArray() ? kv[k + 1].asStringList() : words(kv[k + 1].asString());
                    for (const auto& w : list) text += (text.empty() ? "" : " ") + w;
                }
                u.selectors.push_back("(" + text + ")");
            }
        }
    }
    return u;
}

std::vector<std::string> AclUser::ruleTokens() const
{
    std::vector<std::string> out;
    out.emplace_back(enabled() ? "on" : "off");
    if (noPass()) out.emplace_back("nopass");
    if (passwordCount > 0)
        out.push_back("(" + std::to_string(passwordCount) + " password" + (passwordCount > 1 ? "s)" : ")"));
    out.insert(out.end(), keys.begin(), keys.end());
    out.insert(out.end(), channels.begin(), channels.end());
    for (const auto& c : words(commands)) out.push_back(c);
    out.insert(out.end(), selectors.begin(), selectors.end());
    return out;
}

std::vector<std::string> AclUser::risks() const
{
    std::vector<std::string> out;
    if (!enabled()) return out;
    const auto cmds = words(commands);
    const bool allCommands = contains(cmds, "+@all");
    const bool allKeys = contains(keys, "~*") || contains(keys, "%RW~*") || contains(flags, "allkeys");
    if (name == "default" && noPass())
        out.emplace_back(
            "the default user is enabled without a password: anyone who can reach the port has its rights");
    else if (noPass())
        out.emplace_back("no password (nopass): any client can log in as this user");
    if (allCommands && allKeys) out.emplace_back("all commands on all keys (+@all ~*)");
    const bool dangerousAdded = contains(cmds, "+@dangerous") || (allCommands && !contains(cmds, "-@dangerous"));
    if (dangerousAdded) out.emplace_back("may run dangerous commands (FLUSHALL, CONFIG, DEBUG, SHUTDOWN…)");
    return out;
}

std::vector<std::string> diffRules(const std::vector<std::string>& before, const std::vector<std::string>& after)
{
    std::vector<std::string> out;
    for (const auto& t : before)
        if (!contains(after, t)) out.push_back("- " + t);
    for (const auto& t : after)
        if (!contains(before, t)) out.push_back("+ " + t);
    return out;
}

} // namespace kiq::acl
