// acl list|show|set|delete|apply-role|log
#include "Commands.h"

#include "ExitCode.h"
#include "acl/AclService.h"
#include "redis/Errors.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace kiq::cli {

using namespace kiq::acl;

namespace {
QJsonArray strings(const std::vector<std::string>& v)
{
    QJsonArray a;
    for (const auto& s : v) a.append(QString::fromStdString(s));
    return a;
}

QJsonObject userJson(const AclUser& u)
{
    return {{"name", QString::fromStdString(u.name)}, {"enabled", u.enabled()}, {"passwords", u.passwordCount},
        {"commands", QString::fromStdString(u.commands)}, {"keys", strings(u.keys)}, {"channels", strings(u.channels)},
        {"selectors", strings(u.selectors)}, {"risks", strings(u.risks())}};
}

int runList(CliContext& ctx)
{
    const auto users = listUsers(ctx.client());
    if (ctx.json) {
        QJsonArray out;
        for (const auto& u : users) out.append(userJson(u));
        ctx.printJson(out);
        return Ok;
    }
    std::printf("%-20s %-4s %-5s %-30s %s\n", "USER", "ON", "PASS", "KEYS", "COMMANDS");
    for (const auto& u : users) {
        std::string keys;
        for (const auto& k : u.keys) keys += (keys.empty() ? "" : " ") + k;
        std::printf("%-20s %-4s %-5d %-30s %s\n", truncate(u.name, 20).c_str(), u.enabled() ? "on" : "off",
            u.passwordCount, truncate(keys, 30).c_str(), truncate(u.commands, 60).c_str());
        for (const auto& r : u.risks()) std::printf("%20s ! %s\n", "", r.c_str());
    }
    return Ok;
}

int runShow(CliContext& ctx, const std::string& name)
{
    const auto user = getUser(ctx.client(), name);
    if (!user) {
        std::cerr << "no ACL user '" << name << "'\n";
        return NotFound;
    }
    if (ctx.json) {
        ctx.printJson(userJson(*user));
        return Ok;
    }
    for (const auto& t : user->ruleTokens()) std::cout << t << "\n";
    for (const auto& r : user->risks()) std::cout << "! " << r << "\n";
    return Ok;
}

// How the app prints the outcome of a write on every node; Partial when a node refused it.
int reportNodes(const std::vector<NodeOutcome>& outcomes)
{
    int code = Ok;
    for (const auto& o : outcomes) {
        std::cerr << (o.ok ? "ok    " : "FAILED") << " " << o.node.toString()
                  << (o.isPrimary ? " (primary) " : " (replica) ") << o.message << "\n";
        if (!o.ok) code = Partial;
    }
    return code;
}

int runApplyRole(CliContext& ctx, const std::string& roleText, const std::string& name, bool dryRun, bool yes)
{
    if (!dryRun) ctx.requireWritable();
    const auto role = parseRole(roleText);
    if (!role) throw redis::UsageError("unknown role '" + roleText + "' (worker, operator, monitor, admin)");
    const RoleTemplate tpl = roleTemplate(*role, ctx.client().options().keyPrefix);
    AclRules rules = tpl.rules;
    rules.state = AclRules::State::On;
    // The new user's password: from the environment or a prompt, never a flag.
    std::string password = ctx.secrets.aclPassword.value_or("");
    if (password.empty() && !dryRun) password = readPasswordFromTerminal("Password for ACL user '" + name + "': ");
    if (!password.empty())
        rules.addPasswords = {password};
    else if (!dryRun)
        throw redis::UsageError("the new user needs a password (KIQDESK_ACL_PASSWORD or the prompt)");

    std::cerr << tpl.description << "\n" << setUserLine(name, rules) << "\n";
    const auto current = getUser(ctx.client(), name);
    if (current) {
        const auto after = AclRules(rules).hashedPasswords().tokens();
        for (const auto& line : diffRules(current->ruleTokens(), after)) std::cerr << "  " << line << "\n";
    }
    if (dryRun) return Ok;
    if (!yes) {
        std::cerr << "Apply to every node? Pass --yes to confirm.\n";
        return Usage;
    }
    int code = reportNodes(applyUser(ctx.client(), ctx.gate(), name, rules));
    for (const auto& c : verifyRole(ctx.client(), name, tpl)) {
        std::string cmd;
        for (const auto& w : c.check.command) cmd += (cmd.empty() ? "" : " ") + truncate(w, 24);
        std::cerr << (c.passed() ? "check ok     " : "check FAILED ") << (c.check.mustBeAllowed ? "allow " : "deny  ")
                  << cmd << (c.passed() || c.allowed ? "" : " — " + c.denial) << "\n";
        if (!c.passed()) code = Partial;
    }
    return code;
}

// The ACL editor's change: these rules applied to the user (created if new) on every node.
int runSet(CliContext& ctx, const std::string& name, const std::vector<std::string>& tokens, bool dryRun, bool yes)
{
    if (!dryRun) ctx.requireWritable();
    std::string text;
    for (const auto& t : tokens) text += (text.empty() ? "" : " ") + t;
    const AclRules rules = AclRules::parse(text);
    // A clear-text password on the command line is seen by every local user (ps) and kept in shell history.
    if (!rules.addPasswords.empty() || !rules.removePasswords.empty())
        throw redis::UsageError("give passwords as #<sha256> and !<sha256>, never as >clear or <clear on the "
                                "command line");
    std::cerr << setUserLine(name, rules) << "\n";
    if (dryRun) return Ok;
    if (!yes) {
        std::cerr << "Apply to every node? Pass --yes to confirm.\n";
        return Usage;
    }
    return reportNodes(applyUser(ctx.client(), ctx.gate(), name, rules));
}

int runDelete(CliContext& ctx, const std::string& name, bool yes)
{
    ctx.requireWritable();
    if (!yes) {
        std::cerr << "Delete ACL user '" << name << "' on every node? Pass --yes to confirm.\n";
        return Usage;
    }
    return reportNodes(deleteUser(ctx.client(), ctx.gate(), name));
}

int runLog(CliContext& ctx, int count, bool reset)
{
    if (reset) {
        ctx.requireWritable();
        for (const auto& o : resetAclLog(ctx.client(), ctx.gate()))
            std::cerr << o.node.toString() << ": " << o.message << "\n";
        return Ok;
    }
    const auto entries = readAclLog(ctx.client(), count);
    if (ctx.json) {
        QJsonArray out;
        for (const auto& e : entries)
            out.append(QJsonObject {{"node", QString::fromStdString(e.node.toString())}, {"count", e.count},
                {"reason", QString::fromStdString(e.reason)}, {"context", QString::fromStdString(e.context)},
                {"object", QString::fromStdString(e.object)}, {"username", QString::fromStdString(e.username)},
                {"age_seconds", e.ageSeconds}, {"client", QString::fromStdString(e.clientInfo)}});
        ctx.printJson(out);
        return Ok;
    }
    std::printf("%-16s %-8s %-20s %6s %10s  %s\n", "USER", "REASON", "OBJECT", "COUNT", "AGE", "CLIENT");
    for (const auto& e : entries)
        std::printf("%-16s %-8s %-20s %6lld %10s  %s\n", truncate(e.username, 16).c_str(), e.reason.c_str(),
            truncate(e.object, 20).c_str(), e.count, formatAge(e.ageSeconds).c_str(),
            truncate(e.clientInfo, 60).c_str());
    return Ok;
}
} // namespace

void addAclCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* acl = app.add_subcommand("acl", "Redis ACL users: list, inspect, apply Sidekiq roles, read the log");
    acl->require_subcommand(1);
    acl->add_subcommand("list", "Users with their keys, commands and risks")->callback([&] {
        exitCode = runList(ctx);
    });
    auto name = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>();
    auto dryRun = std::make_shared<bool>(false);
    auto yes = std::make_shared<bool>(false);
    auto* show = acl->add_subcommand("show", "One user's rules and risks");
    show->add_option("user", *name)->required();
    show->callback([&ctx, &exitCode, name] { exitCode = runShow(ctx, *name); });
    auto tokens = std::make_shared<std::vector<std::string>>();
    auto* set = acl->add_subcommand("set",
        "Apply ACL rules to a user on every node, as the app's ACL editor does (created if new), e.g. "
        "acl set -y -- ci on '#<sha256>' '~queue:*' -@all +get (the -- lets rules start with -)");
    set->add_option("user", *name, "ACL user name")->required();
    set->add_option("rules", *tokens, "ACL SETUSER rules; passwords only as #<sha256>")->required();
    set->add_flag("--dry-run", *dryRun, "Show the ACL SETUSER line only");
    set->add_flag("-y,--yes", *yes, "Apply without asking");
    set->callback(
        [&ctx, &exitCode, name, tokens, dryRun, yes] { exitCode = runSet(ctx, *name, *tokens, *dryRun, *yes); });
    auto* del = acl->add_subcommand("delete", "Delete a user on every node");
    del->add_option("user", *name, "ACL user name")->required();
    del->add_flag("-y,--yes", *yes, "Delete without asking");
    del->callback([&ctx, &exitCode, name, yes] { exitCode = runDelete(ctx, *name, *yes); });
    auto* apply = acl->add_subcommand(
        "apply-role", "Create or update a user from a Sidekiq role on every node, then verify it with ACL DRYRUN");
    apply->add_option("role", *role, "worker, operator, monitor or admin")->required();
    apply->add_option("--name", *name, "ACL user name")->required();
    apply->add_flag("--dry-run", *dryRun, "Show the ACL SETUSER line and the diff only");
    apply->add_flag("-y,--yes", *yes, "Apply without asking");
    apply->callback(
        [&ctx, &exitCode, role, name, dryRun, yes] { exitCode = runApplyRole(ctx, *role, *name, *dryRun, *yes); });
    auto count = std::make_shared<int>(100);
    auto reset = std::make_shared<bool>(false);
    auto* log = acl->add_subcommand("log", "Denied commands and keys (ACL LOG), from every node");
    log->add_option("--count", *count, "Entries per node");
    log->add_flag("--reset", *reset, "Clear the log on every node");
    log->callback([&ctx, &exitCode, count, reset] { exitCode = runLog(ctx, *count, *reset); });
}

} // namespace kiq::cli
