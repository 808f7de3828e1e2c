#include "write/CliInvocation.h"

#include <algorithm>

namespace kiq::write {

namespace {
bool safeChar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || std::string_view("@%+=:,./_-").find(char(c)) != std::string_view::npos;
}

void addConnectionFlags(std::vector<std::string>& argv, const redis::ConnectionOptions& o)
{
    auto add = [&argv](std::string flag, std::string value = {}) {
        argv.push_back(std::move(flag));
        if (!value.empty()) argv.push_back(std::move(value));
    };
    switch (o.topology) {
    case redis::Topology::Standalone:
        add("-h", o.endpoint.host);
        add("-p", std::to_string(o.endpoint.port));
        break;
    case redis::Topology::Sentinel:
        for (const auto& s : o.seeds) add("--sentinel", s.toString());
        add("--master", o.sentinelMaster);
        break;
    case redis::Topology::Cluster:
        for (const auto& s : o.seeds) add("--cluster", s.toString());
        break;
    }
    if (o.db != 0) add("-n", std::to_string(o.db));
    if (!o.user.empty()) add("--user", o.user);
    if (o.tls.enabled) {
        add("--tls");
        if (!o.tls.caFile.empty()) add("--cacert", o.tls.caFile);
        if (!o.tls.caDir.empty()) add("--cacertdir", o.tls.caDir);
        if (!o.tls.certFile.empty()) add("--cert", o.tls.certFile);
        if (!o.tls.keyFile.empty()) add("--key", o.tls.keyFile);
        if (!o.tls.sni.empty()) add("--sni", o.tls.sni);
        if (!o.tls.verifyHostname) add("--no-verify-hostname");
        if (!o.tls.verifyPeer) add("--insecure");
    }
    if (!o.keyPrefix.empty()) add("--namespace", o.keyPrefix);
}
} // namespace

CliTarget CliTarget::of(const deployment::ConnectionProfile& profile, bool saved, std::string armReason)
{
    CliTarget t;
    if (saved) t.profileName = profile.name.toStdString();
    t.options = profile.options;
    t.readOnly = profile.opensReadOnly();
    t.armReason = std::move(armReason);
    return t;
}

std::string shellQuote(const std::string& word)
{
    // A leading "=" is a command path in zsh (=ls): quoted like any other special character.
    if (!word.empty() && word.front() != '='
        && std::all_of(word.begin(), word.end(), [](char c) { return safeChar((unsigned char)c); }))
        return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

CliInvocation cliInvocation(const CliTarget& target, const CliAction& action)
{
    CliInvocation inv;
    auto& argv = inv.argv;
    argv.push_back("kiqdesk-cli");
    if (!target.profileName.empty()) {
        argv.insert(argv.end(), {"--profile", target.profileName});
        // Only a saved profile can open read-only; flags given on the command line are writable.
        if (action.writes && target.readOnly)
            argv.insert(argv.end(), {"--arm", target.armReason.empty() ? kArmPlaceholder : target.armReason});
    } else {
        addConnectionFlags(argv, target.options);
    }
    argv.insert(argv.end(), action.words.begin(), action.words.end());
    for (const auto& [name, value] : action.options) {
        argv.push_back(name);
        if (!value.empty()) argv.push_back(value);
    }
    if (action.confirms) argv.push_back("--yes");
    if (!action.positional.empty()) {
        // A positional starting with "-" would read as an option: end the options first.
        if (std::any_of(action.positional.begin(), action.positional.end(),
                [](const std::string& p) { return !p.empty() && p.front() == '-'; }))
            argv.push_back("--");
        argv.insert(argv.end(), action.positional.begin(), action.positional.end());
    }
    for (const auto& word : argv) inv.line += (inv.line.empty() ? "" : " ") + shellQuote(word);
    return inv;
}

CliAction jobsAction(const std::string& verb, const std::string& set, const std::string& filter,
    const std::vector<std::string>& jids, const std::string& toQueue, bool all)
{
    CliAction a {{"jobs", verb}, {{"--set", set}}, {}, true};
    if (!filter.empty()) a.options.emplace_back("--filter", filter);
    for (const auto& jid : jids) a.options.emplace_back("--jid", jid);
    if (all && filter.empty() && jids.empty()) a.options.emplace_back("--all", "");
    if (!toQueue.empty()) a.options.emplace_back("--to", toQueue);
    return a;
}

CliAction jobsList(const std::string& set, const std::string& filter)
{
    CliAction a {{"jobs", "list"}, {{"--set", set}}, {}, false, false};
    if (!filter.empty()) a.options.emplace_back("--filter", filter);
    return a;
}

CliAction queueAction(const std::string& verb, const std::string& queue)
{
    return {{"queue", verb}, {}, {queue}, verb == "clear"};
}

CliAction processSignal(const std::string& verb, const std::vector<std::string>& identities, bool all)
{
    CliAction a {{verb}, {}, {}, false};
    if (all)
        a.options.emplace_back("--all", "");
    else
        a.positional = identities;
    return a;
}

CliAction aclSet(const std::string& user, const std::vector<std::string>& ruleTokens)
{
    CliAction a {{"acl", "set"}, {}, {user}, true};
    a.positional.insert(a.positional.end(), ruleTokens.begin(), ruleTokens.end());
    return a;
}

CliAction aclDelete(const std::string& user)
{
    return {{"acl", "delete"}, {}, {user}, true};
}

CliAction aclApplyRole(const std::string& role, const std::string& user)
{
    return {{"acl", "apply-role"}, {{"--name", user}}, {role}, true};
}

CliAction aclLogReset()
{
    return {{"acl", "log"}, {{"--reset", ""}}, {}, false};
}

CliAction undoRestore(long long id)
{
    return {{"undo", "restore"}, {}, {std::to_string(id)}, false};
}

CliAction work(const WorkSpec& spec)
{
    CliAction a {{"work"}, {}, {}, false};
    for (const auto& q : spec.queues) a.options.emplace_back("-q", q);
    a.options.emplace_back("-c", std::to_string(spec.concurrency));
    if (!spec.handlerFile.empty()) a.options.emplace_back("--handlers", spec.handlerFile);
    if (!spec.builtins) a.options.emplace_back("--no-builtins", "");
    if (!spec.logLevel.empty()) a.options.emplace_back("--log-level", spec.logLevel);
    if (spec.shutdownTimeoutSeconds >= 0) a.options.emplace_back("-t", std::to_string(spec.shutdownTimeoutSeconds));
    return a;
}

} // namespace kiq::write
