#include "security/SecurityAudit.h"

#include "acl/SidekiqRoles.h"
#include "health/HealthChecks.h"
#include "redaction/Redaction.h"
#include "redis/Certificates.h"
#include "redis/Errors.h"
#include "redis/TlsTransport.h"
#include "server/ServerInfo.h"
#include "sidekiq/model/Keys.h"
#include "util/Join.h"
#include "util/ThreadPriority.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <optional>
#include <set>

namespace kiq::security {

using redis::Command;
using redis::Reply;

namespace {

// Sidekiq's default dead_max_jobs (docs/sidekiq-data-model.md §4): past it, the oldest dead jobs are
// dropped as new ones die.
constexpr long long kSidekiqDeadMax = 10'000;

using util::joined;

// "a.b.c" → {a, b}; a missing part is 0.
std::pair<int, int> majorMinor(const std::string& version)
{
    int major = 0, minor = 0;
    std::sscanf(version.c_str(), "%d.%d", &major, &minor);
    return {major, minor};
}

class Auditor {
public:
    Auditor(redis::Client& client, const redis::ConnectionOptions& options, const AuditOptions& auditOptions)
        : m_client(client)
        , m_options(options)
        , m_audit(auditOptions)
    {
    }

    AuditReport run();

private:
    void add(const char* control, std::string id, Status status, std::string title, std::string evidence,
        std::string why, std::string fix = {})
    {
        m_report.findings.push_back(
            {control, std::move(id), status, std::move(title), std::move(evidence), std::move(why), std::move(fix)});
    }
    // "could not check: needs +config|get" from a refusal.
    static std::string couldNotCheck(const std::string& error)
    {
        const std::string needs = redis::missingPermission(error);
        return "could not check: " + (needs.empty() ? error : "needs " + needs);
    }

    void identity();
    void transport();
    void authentication();
    void authorization();
    void roles();
    void configuration();
    void jobData();
    void operations();

    redis::Client& m_client;
    const redis::ConnectionOptions& m_options;
    const AuditOptions& m_audit;
    AuditReport m_report;

    server::ServerInfo m_info;
    std::string m_infoError;
    std::map<std::string, std::string> m_config; // CONFIG GET answers
    std::string m_configError;
    struct User {
        std::string name;
        bool enabled = false;
        bool noPass = false;
        std::vector<std::string> hashes; // compared, never shown
    };
    std::vector<User> m_users;
    std::string m_aclError;
    std::string m_whoami;
};

void Auditor::identity()
{
    const Reply info = m_client.command(Command("INFO").arg("everything"));
    if (info.isError()) {
        m_infoError = info.str;
        add("identity", "server.version", Status::Unknown, "Server and version", couldNotCheck(info.str),
            "An unsupported server gets no security fixes.", "Grant +info to the audit's user.");
        return;
    }
    m_info = server::ServerInfo::parseInfo(info.str);
    std::string product = "Redis", version = m_info.redisVersion();
    if (auto v = m_info.field("valkey_version")) product = "Valkey", version = *v;
    if (auto v = m_info.field("dragonfly_version")) product = "Dragonfly", version = *v;
    const auto [major, minor] = majorMinor(version);
    // Redis maintains the last minor of the previous and the current major (7.2, 7.4 and 8.x in late
    // 2026); Valkey its 7.2 and 8.x lines. Dragonfly ships continuously: no line to compare.
    const bool old = (product == "Redis" || product == "Valkey") && (major < 7 || (major == 7 && minor < 2));
    const std::string evidence = product + " " + version + ", " + m_info.field("redis_mode").value_or("standalone")
        + (m_info.field("os") ? ", " + *m_info.field("os") : "");
    if (old)
        add("identity", "server.version", Status::Warn, "Server and version", evidence + ": past end of support",
            "A release past end of support gets no security fixes.", "Upgrade to " + product + " 7.2 or later.");
    else
        add("identity", "server.version", Status::Pass, "Server and version", evidence,
            "A supported release gets security fixes.");

    // Managed services restrict CONFIG and ACL; the host name or INFO says which one this is.
    const std::string host = m_options.firstEndpoint().host;
    const std::string os = m_info.field("os").value_or("");
    std::string managed;
    if (host.ends_with(".cache.amazonaws.com") || os.find("ElastiCache") != std::string::npos)
        managed = "Amazon ElastiCache";
    else if (host.ends_with(".redis.cache.windows.net") || host.ends_with(".redisenterprise.cache.azure.net"))
        managed = "Azure Cache for Redis";
    else if (host.ends_with(".redis-cloud.com") || host.ends_with(".redislabs.com"))
        managed = "Redis Cloud";
    else if (host.ends_with(".upstash.io"))
        managed = "Upstash";
    if (!managed.empty())
        add("identity", "server.managed", Status::Info, "Managed service", managed + " (from the host name or INFO)",
            "Managed services restrict CONFIG and ACL: some checks below may read \"could not check\".");
}

void Auditor::transport()
{
    const redis::TlsOptions& tls = m_options.tls;
    const std::string host = m_options.firstEndpoint().host;
    const char* why = "Without TLS, job arguments and the password cross the network in clear text.";
    if (!tls.enabled && m_options.firstEndpoint().isLoopback())
        add("transport", "transport.tls", Status::Warn, "TLS on this connection", "off, on the loopback interface", why,
            "Fine on a developer machine; turn TLS on (tls-port) anywhere else.");
    else if (!tls.enabled)
        add("transport", "transport.tls", Status::Fail, "TLS on this connection", "off, to " + host, why,
            "Enable TLS on the server (tls-port, tls-cert-file, tls-key-file) and connect with TLS.");
    else
        add("transport", "transport.tls", Status::Pass, "TLS on this connection", "on", why);

    if (tls.enabled) {
        const char* verifyWhy = "Without verification anyone on the path can pose as the server and read everything.";
        if (!tls.verifyPeer)
            add("transport", "transport.verify", Status::Fail, "Certificate verification", "off", verifyWhy,
                "Turn verification on and choose the CA file of the server's certificate.");
        else if (!tls.verifyHostname)
            add("transport", "transport.verify", Status::Warn, "Certificate verification",
                "the chain is verified, the host name is not", verifyWhy,
                "Turn host name verification on (set the server name if you connect by address).");
        else
            add("transport", "transport.verify", Status::Pass, "Certificate verification", "chain and host name",
                verifyWhy);

        const redis::Endpoint server = m_options.firstEndpoint();
        const char* versionWhy = "TLS before 1.2 has known breaks; 1.3 also hides the server's certificate.";
        try {
            redis::TlsTransport handshake(server, tls, redis::Clock::now() + m_options.connectTimeout);
            const std::string version = handshake.protocolVersion();
            const bool modern = version == "TLSv1.3" || version == "TLSv1.2";
            add("transport", "transport.version", modern ? Status::Pass : Status::Fail, "TLS version",
                version + ", " + handshake.cipher(), versionWhy,
                modern ? "" : "Set tls-protocols \"TLSv1.2 TLSv1.3\" on the server.");
        } catch (const redis::Error& e) {
            add("transport", "transport.version", Status::Unknown, "TLS version", e.what(), versionWhy);
        }
        const auto certificates
            = redis::connectionCertificates(server, tls, redis::Clock::now() + m_options.connectTimeout);
        const auto now = std::chrono::system_clock::now();
        const auto soon = redis::expiringWithin(certificates, now);
        std::vector<std::string> listed;
        for (const auto& c : soon)
            listed.push_back("'" + c.subject + "' (" + c.source + ") " + (c.notAfter < now ? "expired" : "expires")
                + " on " + redis::certificateDate(c.notAfter));
        const char* expiryWhy = "An expired certificate takes every connection down with a bare handshake error.";
        const bool expired = std::any_of(soon.begin(), soon.end(), [&](const auto& c) { return c.notAfter < now; });
        if (certificates.empty())
            add("transport", "transport.certificates", Status::Unknown, "Certificate expiry",
                "could not read any certificate", expiryWhy);
        else if (!soon.empty())
            add("transport", "transport.certificates", expired ? Status::Fail : Status::Warn, "Certificate expiry",
                joined(listed, "; "), expiryWhy, "Renew them before they expire (rotation needs no profile edit).");
        else
            add("transport", "transport.certificates", Status::Pass, "Certificate expiry",
                std::to_string(certificates.size()) + " certificates, none expiring within 14 days", expiryWhy);
    }
}

void Auditor::authentication()
{
    const Reply who = m_client.command(Command("ACL").arg("WHOAMI"));
    m_whoami = who.isError() ? std::string() : who.str;
    const Reply names = m_client.command(Command("ACL").arg("USERS"));
    if (names.isError()) {
        m_aclError = names.str;
    } else {
        std::vector<Command> gets;
        for (const auto& n : names.asStringList()) gets.push_back(Command("ACL").arg("GETUSER").arg(n));
        const auto replies = m_client.pipeline(gets);
        for (std::size_t i = 0; i < replies.size(); ++i) {
            if (replies[i].isError()) {
                m_aclError = replies[i].str;
                m_users.clear();
                break;
            }
            User u;
            u.name = names.elements[i].str;
            const auto& fields = replies[i].elements;
            for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
                const std::string& key = fields[f].str;
                const Reply& value = fields[f + 1];
                if (key == "flags")
                    for (const auto& flag : value.elements) {
                        if (flag.str == "on") u.enabled = true;
                        if (flag.str == "nopass") u.noPass = true;
                    }
                if (key == "passwords")
                    for (const auto& hash : value.elements) u.hashes.push_back(hash.str);
            }
            m_users.push_back(std::move(u));
        }
    }

    const char* defaultWhy = "An open default user gives everyone who reaches the port every right it has.";
    if (!m_aclError.empty()) {
        // Without ACL rights the connection itself still tells whether a password was needed.
        if (m_options.password.empty())
            add("authentication", "auth.default-user", Status::Fail, "Default user",
                "this connection got in without a password", defaultWhy,
                "Set a password on the default user or turn it off (ACL SETUSER default off).");
        else
            add("authentication", "auth.default-user", Status::Unknown, "Default user", couldNotCheck(m_aclError),
                defaultWhy, "Grant +acl|users and +acl|getuser to the audit's user.");
    } else {
        const auto d = std::find_if(m_users.begin(), m_users.end(), [](const User& u) { return u.name == "default"; });
        if (d != m_users.end() && d->enabled && d->noPass)
            add("authentication", "auth.default-user", Status::Fail, "Default user", "on, without a password",
                defaultWhy, "ACL SETUSER default off (after giving every client its own user), or give it a password.");
        else
            add("authentication", "auth.default-user", Status::Pass, "Default user",
                d == m_users.end() || !d->enabled ? "off" : "on, with a password", defaultWhy);

        // A Valkey user mapped from a client certificate needs no password: the certificate is the secret.
        const std::string certUser
            = m_info.field("valkey_version") ? [&] {
                  const Reply r = m_client.command(Command("CONFIG").arg("GET").arg("tls-auth-clients-user"));
                  return r.isArray() && r.elements.size() == 2 ? r.elements[1].str : std::string();
              }()
                                             : std::string();
        std::vector<std::string> open, mapped;
        for (const auto& u : m_users)
            if (u.name != "default" && u.enabled && u.noPass)
                (!certUser.empty() && certUser != "off" ? mapped : open).push_back(u.name);
        const char* nopassWhy = "A user without a password can be taken by any client that names it.";
        if (!open.empty())
            add("authentication", "auth.nopass", Status::Fail, "Users without a password", joined(open), nopassWhy,
                "Give each a password (ACL SETUSER <user> resetpass >…) or turn it off.");
        else if (!mapped.empty())
            add("authentication", "auth.nopass", Status::Pass, "Users without a password",
                joined(mapped) + ": mapped from client certificates (tls-auth-clients-user " + certUser + ")",
                nopassWhy);
        else
            add("authentication", "auth.nopass", Status::Pass, "Users without a password", "none", nopassWhy);

        std::map<std::string, std::vector<std::string>> byHash;
        for (const auto& u : m_users)
            for (const auto& h : u.hashes) byHash[h].push_back(u.name);
        std::vector<std::string> shared;
        for (const auto& [hash, users] : byHash)
            if (users.size() > 1) shared.push_back(joined(users, " and "));
        const char* sharedWhy = "Users sharing a password are one user to an attacker, and cannot be revoked apart.";
        if (!shared.empty())
            add("authentication", "auth.shared-passwords", Status::Warn, "Shared passwords",
                joined(shared, "; ") + " have the same password", sharedWhy, "Give each user its own password.");
        else
            add("authentication", "auth.shared-passwords", Status::Pass, "Shared passwords", "none", sharedWhy);
    }
    const std::string me = m_whoami.empty() ? (m_options.user.empty() ? "default" : m_options.user) : m_whoami;
    add("authentication", "auth.connection-user", me == "default" && m_users.size() > 1 ? Status::Warn : Status::Info,
        "This connection's user", "'" + me + "'",
        "Each client (Sidekiq, the web app, Kiqdesk) should have its own user with the rights it needs.",
        me == "default" && m_users.size() > 1 ? "Connect as a dedicated user (Kiqdesk's ACL editor has the roles)."
                                              : "");
}

void Auditor::authorization()
{
    if (!m_aclError.empty()) {
        add("authorization", "authz.dangerous", Status::Unknown, "Dangerous rights", couldNotCheck(m_aclError),
            "A client that may FLUSHALL or CONFIG SET can destroy every job or take over the host.",
            "Grant +acl|users, +acl|getuser and +acl|dryrun to the audit's user.");
        return;
    }
    // ACL DRYRUN answers for each user and command without running it.
    static const std::vector<std::vector<std::string>> kDangerous {{"FLUSHALL"}, {"FLUSHDB"},
        {"CONFIG", "SET", "dir", "/tmp"}, {"KEYS", "*"}, {"DEBUG", "SLEEP", "0"}, {"MODULE", "LIST"}, {"SHUTDOWN"}};
    std::vector<Command> probes;
    std::vector<const User*> enabled;
    for (const auto& u : m_users) {
        if (!u.enabled) continue;
        enabled.push_back(&u);
        for (const auto& cmd : kDangerous) {
            Command c("ACL");
            c.arg("DRYRUN").arg(u.name);
            for (const auto& a : cmd) c.arg(a);
            probes.push_back(std::move(c));
        }
    }
    const auto replies = m_client.pipeline(probes);
    std::vector<std::string> risky;
    std::string refused;
    for (std::size_t i = 0; i < enabled.size(); ++i) {
        std::vector<std::string> may;
        for (std::size_t k = 0; k < kDangerous.size(); ++k) {
            const Reply& r = replies[i * kDangerous.size() + k];
            // A command renamed away (rename-command) is one nobody may run under its name.
            if (r.isError() && r.str.find("not found") != std::string::npos) continue;
            if (r.isError())
                refused = r.str;
            else if (r.isOk())
                may.push_back(kDangerous[k].front() == "CONFIG" ? "CONFIG SET" : kDangerous[k].front());
        }
        if (!may.empty()) risky.push_back(enabled[i]->name + " (" + joined(may, " ") + ")");
    }
    const char* why = "A client that may FLUSHALL or CONFIG SET can destroy every job or take over the host.";
    if (!refused.empty())
        add("authorization", "authz.dangerous", Status::Unknown, "Dangerous rights", couldNotCheck(refused), why,
            "Grant +acl|dryrun to the audit's user (Redis 7).");
    else if (!risky.empty())
        add("authorization", "authz.dangerous", Status::Warn, "Dangerous rights", joined(risky, "; "), why,
            "Keep these rights for an admin user only: Sidekiq and Kiqdesk's worker, operator and monitor roles need "
            "none of them.");
    else
        add("authorization", "authz.dangerous", Status::Pass, "Dangerous rights", "no enabled user has them", why);
}

// Users named after a Kiqdesk role (sidekiq-worker, operator, …) or carrying "sidekiq" in their name are
// held to that role: ACL DRYRUN of the role's own checks shows rights it lacks and rights beyond it.
void Auditor::roles()
{
    const char* why = "A Sidekiq-side user with more rights than its role turns a leaked password into more damage.";
    if (!m_aclError.empty()) {
        add("authorization", "authz.roles", Status::Unknown, "Sidekiq users against their roles",
            couldNotCheck(m_aclError), why);
        return;
    }
    struct Subject {
        std::string user;
        acl::RoleTemplate role;
    };
    std::vector<Subject> subjects;
    for (const auto& u : m_users) {
        if (!u.enabled) continue;
        std::optional<acl::Role> role = acl::parseRole(u.name);
        for (const auto& [word, r] : std::vector<std::pair<std::string, acl::Role>> {
                 {"worker", acl::Role::Worker}, {"operator", acl::Role::Operator}, {"monitor", acl::Role::Monitor}})
            if (!role && u.name.find(word) != std::string::npos) role = r;
        if (!role && u.name.find("sidekiq") != std::string::npos) role = acl::Role::Worker;
        if (role && *role != acl::Role::Admin)
            subjects.push_back({u.name, acl::roleTemplate(*role, m_options.keyPrefix)});
    }
    if (subjects.empty()) {
        add("authorization", "authz.roles", Status::Info, "Sidekiq users against their roles",
            "no user is named after a Sidekiq role (worker, operator, monitor)", why,
            "Kiqdesk's ACL editor makes one user per role, with only the rights it needs.");
        return;
    }
    std::vector<Command> probes;
    for (const auto& s : subjects)
        for (const auto& check : s.role.checks) {
            Command c("ACL");
            c.arg("DRYRUN").arg(s.user);
            for (const auto& a : check.command) c.arg(a);
            probes.push_back(std::move(c));
        }
    const auto replies = m_client.pipeline(probes);
    std::vector<std::string> lines;
    bool off = false;
    std::size_t i = 0;
    for (const auto& s : subjects) {
        std::vector<std::string> extra, missing;
        for (const auto& check : s.role.checks) {
            const Reply& r = replies[i++];
            // A command renamed away counts as refused; any other error means DRYRUN itself was.
            if (r.isError() && r.str.find("not found") == std::string::npos) {
                add("authorization", "authz.roles", Status::Unknown, "Sidekiq users against their roles",
                    couldNotCheck(r.str), why, "Grant +acl|dryrun to the audit's user (Redis 7).");
                return;
            }
            const bool pair = check.command.size() > 1
                && (check.command.front() == "CONFIG" || check.command.front() == "ACL"
                    || check.command.front() == "SCRIPT" || check.command.front() == "SLOWLOG");
            const std::string name = pair ? check.command[0] + " " + check.command[1] : check.command.front();
            if (r.isOk() && !check.mustBeAllowed) extra.push_back(name);
            if (!r.isOk() && check.mustBeAllowed) missing.push_back(name);
        }
        std::string line = s.user + " (" + std::string(acl::roleName(s.role.role)) + "): ";
        if (extra.empty() && missing.empty()) line += "as the role";
        if (!extra.empty()) line += "may also " + joined(extra, " ");
        if (!missing.empty()) line += std::string(extra.empty() ? "" : "; ") + "lacks " + joined(missing, " ");
        off = off || !extra.empty() || !missing.empty();
        lines.push_back(line);
    }
    add("authorization", "authz.roles", off ? Status::Warn : Status::Pass, "Sidekiq users against their roles",
        joined(lines, "; "), why,
        off ? "Apply the role's rules with Kiqdesk's ACL editor (or kiqdesk-cli acl apply-role), which verifies them."
            : "");
}

void Auditor::configuration()
{
    const Reply r = m_client.command(Command("CONFIG")
                                         .arg("GET")
                                         .arg("protected-mode")
                                         .arg("bind")
                                         .arg("maxmemory")
                                         .arg("save")
                                         .arg("appendonly")
                                         .arg("enable-debug-command")
                                         .arg("enable-module-command")
                                         .arg("acl-pubsub-default")
                                         .arg("aclfile")
                                         .arg("tls-auth-clients")
                                         .arg("tls-port"));
    auto unknownAll = [&](const std::string& error) {
        for (const auto& [id, title] : std::vector<std::pair<std::string, std::string>> {
                 {"config.network", "Listening and protected mode"}, {"config.maxmemory", "Memory limit"},
                 {"config.persistence", "Persistence"}, {"config.debug-module", "DEBUG and MODULE commands"},
                 {"config.pubsub", "Default channel rights"}, {"config.aclfile", "Where ACL users are kept"}})
            add("configuration", id, Status::Unknown, title, couldNotCheck(error),
                "The server's settings decide whether jobs survive a restart and who can reach them.",
                "Grant +config|get to the audit's user (managed services may not allow it).");
        if (m_options.tls.enabled)
            add("transport", "transport.client-certificates", Status::Unknown, "Client certificates required",
                couldNotCheck(error), "Client certificates keep out whoever only has a stolen password.");
    };
    if (r.isError()) return unknownAll(r.str);
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) m_config[r.elements[i].str] = r.elements[i + 1].str;
    auto get = [&](const char* name) { return m_config.count(name) ? m_config[name] : std::string(); };

    const std::string bind = get("bind");
    const bool allInterfaces = bind.find("0.0.0.0") != std::string::npos || bind.find('*') != std::string::npos
        || bind.find("::") != std::string::npos || bind.empty();
    const std::string network = "bind " + (bind.empty() ? std::string("(all interfaces)") : bind) + ", protected-mode "
        + get("protected-mode");
    const char* networkWhy = "A Redis reachable from every network is one weak password away from losing every job.";
    if (allInterfaces && get("protected-mode") == "no")
        add("configuration", "config.network", Status::Fail, "Listening and protected mode", network, networkWhy,
            "Bind to the interfaces clients use (bind 10.0.0.5 127.0.0.1) and keep protected-mode yes.");
    else if (allInterfaces)
        add("configuration", "config.network", Status::Warn, "Listening and protected mode", network, networkWhy,
            "Bind to the interfaces clients use, and firewall the port.");
    else
        add("configuration", "config.network", Status::Pass, "Listening and protected mode", network, networkWhy);

    const std::string maxmemory = get("maxmemory");
    if (maxmemory == "0")
        add("configuration", "config.maxmemory", Status::Warn, "Memory limit", "maxmemory 0 (no limit)",
            "Without a limit a flood of jobs grows Redis until the host's OOM killer ends it.",
            "Set maxmemory below the host's memory (with maxmemory-policy noeviction).");
    else
        add("configuration", "config.maxmemory", Status::Pass, "Memory limit", "maxmemory " + maxmemory + " bytes",
            "Without a limit a flood of jobs grows Redis until the host's OOM killer ends it.");

    const bool aof = get("appendonly") == "yes";
    const bool rdb = !get("save").empty();
    const std::string persistence
        = "appendonly " + get("appendonly") + ", save " + (rdb ? "\"" + get("save") + "\"" : std::string("\"\" (off)"));
    const char* persistenceWhy = "Without persistence every queued, scheduled and retrying job vanishes at a restart.";
    if (!aof && !rdb)
        add("configuration", "config.persistence", Status::Fail, "Persistence", persistence, persistenceWhy,
            "Turn on AOF (appendonly yes, appendfsync everysec).");
    else if (!aof)
        add("configuration", "config.persistence", Status::Warn, "Persistence", persistence,
            "Snapshots alone lose the jobs enqueued since the last one.",
            "Turn on AOF (appendonly yes, appendfsync everysec).");
    else
        add("configuration", "config.persistence", Status::Pass, "Persistence", persistence, persistenceWhy);

    std::vector<std::string> open;
    for (const char* name : {"enable-debug-command", "enable-module-command"})
        if (get(name) == "yes") open.push_back(std::string(name) + " yes");
    const char* debugWhy = "DEBUG and MODULE LOAD let a client crash the server or run native code in it.";
    if (!open.empty())
        add("configuration", "config.debug-module", Status::Fail, "DEBUG and MODULE commands", joined(open), debugWhy,
            "Set them to no (or local) in redis.conf; they cannot be changed at run time.");
    else
        add("configuration", "config.debug-module", Status::Pass, "DEBUG and MODULE commands",
            "enable-debug-command " + get("enable-debug-command") + ", enable-module-command "
                + get("enable-module-command"),
            debugWhy);

    const std::string pubsub = get("acl-pubsub-default");
    if (pubsub == "allchannels")
        add("configuration", "config.pubsub", Status::Warn, "Default channel rights", "acl-pubsub-default allchannels",
            "New users may then read every channel, including Sidekiq's process signals.",
            "Set acl-pubsub-default resetchannels and grant channels per user.");
    else
        add("configuration", "config.pubsub", Status::Pass, "Default channel rights",
            "acl-pubsub-default " + (pubsub.empty() ? std::string("(not supported)") : pubsub),
            "New users may then read every channel, including Sidekiq's process signals.");

    const bool users = std::any_of(m_users.begin(), m_users.end(), [](const User& u) { return u.name != "default"; });
    if (get("aclfile").empty() && users)
        add("configuration", "config.aclfile", Status::Warn, "Where ACL users are kept",
            "no aclfile: users live in redis.conf only once CONFIG REWRITE writes them",
            "Users made with ACL SETUSER and never saved vanish at the next restart, and clients fail to log in.",
            "Use an aclfile (ACL SAVE after each change), or run CONFIG REWRITE after changes.");
    else
        add("configuration", "config.aclfile", Status::Pass, "Where ACL users are kept",
            get("aclfile").empty() ? std::string("only the default user") : "aclfile " + get("aclfile"),
            "Users made with ACL SETUSER and never saved vanish at the next restart, and clients fail to log in.");

    // rename-command cannot be read back; a renamed or disabled command is missing from COMMAND INFO.
    static const std::vector<std::string> kRisky {"FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG", "KEYS", "MODULE"};
    Command info("COMMAND");
    info.arg("INFO");
    for (const auto& c : kRisky) info.arg(c);
    const Reply commands = m_client.command(info);
    const char* renamedWhy = "With ACL users, rights decide who may run them; renaming is the older defence.";
    if (commands.isError()) {
        add("configuration", "config.renamed-commands", Status::Unknown, "Renamed or disabled commands",
            couldNotCheck(commands.str), renamedWhy);
    } else {
        std::vector<std::string> gone;
        for (std::size_t k = 0; k < commands.elements.size() && k < kRisky.size(); ++k)
            if (commands.elements[k].isNil()) gone.push_back(kRisky[k]);
        add("configuration", "config.renamed-commands", Status::Info, "Renamed or disabled commands",
            gone.empty() ? joined(kRisky) + ": none renamed; rights decide who runs them"
                         : joined(gone) + " renamed or disabled",
            renamedWhy);
    }

    if (m_options.tls.enabled) {
        const std::string clients = get("tls-auth-clients");
        const char* mtlsWhy = "Client certificates keep out whoever only has a stolen password.";
        if (clients == "yes")
            add("transport", "transport.client-certificates", Status::Pass, "Client certificates required",
                "tls-auth-clients yes", mtlsWhy);
        else
            add("transport", "transport.client-certificates", Status::Warn, "Client certificates required",
                "tls-auth-clients " + clients, mtlsWhy, "Set tls-auth-clients yes and give each client a certificate.");
    }
}

void Auditor::jobData()
{
    namespace keys = sidekiq::keys;
    const Reply queues = m_client.command(Command("SMEMBERS").key(keys::kQueues));
    const char* why = "Job arguments sit in Redis in clear text, in every backup and replica; the threat model asks "
                      "to encrypt sensitive ones before they are enqueued.";
    if (queues.isError()) {
        add("job-data", "data.secrets", Status::Unknown, "Secrets in job arguments", couldNotCheck(queues.str), why);
        return;
    }
    std::vector<std::string> names = queues.asStringList();
    std::sort(names.begin(), names.end());
    if (int(names.size()) > m_audit.maxQueues) names.resize(std::size_t(m_audit.maxQueues));
    // What to read: LRANGE or ZRANGE of a key, by rank.
    std::vector<std::pair<const char*, std::string>> sources;
    std::vector<std::string> where;
    for (const auto& q : names) {
        sources.emplace_back("LRANGE", keys::queue(q));
        where.push_back("queue " + q);
    }
    for (const auto& [key, label] : std::vector<std::pair<std::string_view, const char*>> {
             {keys::kRetry, "retry"}, {keys::kSchedule, "scheduled"}, {keys::kDead, "dead"}}) {
        sources.emplace_back("ZRANGE", std::string(key));
        where.push_back(label);
    }
    // Read in calls the load budget sizes and spaces out: a whole sample at once (megabytes of jobs)
    // would hold a production Redis for milliseconds.
    const long long n = std::max(1, m_audit.samplePerSet);
    redis::LoadPacer pacer(m_audit.budget);
    const util::BackgroundPriority lowered(!m_audit.budget.unlimited); // our parsing must not hold a Redis on this host
    const auto probe = redis::LoadPacer::probeOf(m_client);
    std::vector<Reply> replies;
    for (const auto& [verb, key] : sources) {
        Reply sample = Reply::array({});
        for (long long from = 0; from < n;) {
            const auto count = static_cast<long long>(pacer.size(redis::LoadPacer::Read, std::size_t(n - from)));
            Reply page = pacer.call(
                redis::LoadPacer::Read, probe,
                [&, &verb = verb, &key = key] {
                    return m_client.command(Command(verb).key(key).arg(from).arg(from + count - 1));
                },
                [](const Reply& read) { return read.elements.size(); });
            if (page.isError()) {
                sample = std::move(page);
                break;
            }
            const auto got = static_cast<long long>(page.elements.size());
            std::move(page.elements.begin(), page.elements.end(), std::back_inserter(sample.elements));
            if (got < count) break;
            from += count;
        }
        replies.push_back(std::move(sample));
    }

    // One redactor per kind, so the report says what was found; the values themselves never leave.
    redaction::RedactionRules keysOnly;
    keysOnly.valuePatterns = false;
    redaction::RedactionRules patternsOnly;
    patternsOnly.keys.clear();
    redaction::RedactionRules emailsOnly = redaction::RedactionRules::none();
    emailsOnly.enabled = true;
    emailsOnly.emails = true;
    const redaction::Redactor byKey(keysOnly), byPattern(patternsOnly), byEmail(emailsOnly);

    struct Hit {
        int jobs = 0;
        std::set<std::string> kinds, places;
        std::string example;
    };
    std::map<std::string, Hit> byClass;
    int sampled = 0;
    std::string refused;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].isError()) {
            refused = replies[i].str;
            continue;
        }
        for (const auto& job : replies[i].elements) {
            ++sampled;
            std::set<std::string> kinds;
            if (byKey.payload(job.str) != job.str) kinds.insert("secret-named fields");
            if (byPattern.payload(job.str) != job.str) kinds.insert("tokens, keys or card numbers");
            if (m_audit.emails && byEmail.payload(job.str) != job.str) kinds.insert("e-mail addresses");
            if (kinds.empty()) continue;
            const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(job.str)).object();
            const std::string cls = o.value("class").toString(QStringLiteral("(unknown class)")).toStdString();
            Hit& h = byClass[cls];
            ++h.jobs;
            h.kinds.insert(kinds.begin(), kinds.end());
            h.places.insert(where[i]);
            if (h.example.empty()) {
                redaction::RedactionRules masked;
                masked.emails = m_audit.emails;
                const std::string args
                    = QJsonDocument(o.value("args").toArray()).toJson(QJsonDocument::Compact).toStdString();
                h.example = redaction::Redactor(masked).args(args);
                if (h.example.size() > 160) h.example = h.example.substr(0, 157) + "...";
            }
        }
    }
    if (!refused.empty() && sampled == 0) {
        add("job-data", "data.secrets", Status::Unknown, "Secrets in job arguments", couldNotCheck(refused), why);
        return;
    }
    if (byClass.empty()) {
        add("job-data", "data.secrets", Status::Pass, "Secrets in job arguments",
            "none in " + std::to_string(sampled) + " sampled jobs", why);
        return;
    }
    std::vector<std::string> lines;
    bool secrets = false;
    for (const auto& [cls, h] : byClass) {
        std::vector<std::string> kinds(h.kinds.begin(), h.kinds.end()), places(h.places.begin(), h.places.end());
        secrets = secrets || h.kinds.size() > 1 || !h.kinds.count("e-mail addresses");
        lines.push_back(cls + ": " + std::to_string(h.jobs) + (h.jobs == 1 ? " job (" : " jobs (") + joined(places)
            + ") carry " + joined(kinds) + ", e.g. " + h.example);
    }
    add("job-data", "data.secrets", secrets ? Status::Fail : Status::Warn, "Secrets in job arguments",
        joined(lines, "; ") + " (of " + std::to_string(sampled) + " sampled)", why,
        "Encrypt these arguments before enqueueing (or pass an id and look the secret up in the job); meanwhile the "
        "profile's redaction hides them in Kiqdesk.");
}

void Auditor::operations()
{
    health::HealthEvaluator evaluator;
    const health::HealthReport report = evaluator.evaluate(m_client, health::HealthThresholds {});
    const std::vector<std::pair<std::string, std::string>> wanted {{health::check::kHeartbeats, "Process heartbeats"},
        {health::check::kSchedulerStalled, "Scheduler running"}, {health::check::kOrphanedJobs, "Orphaned jobs"},
        {health::check::kEvictionPolicy, "Eviction policy"}, {health::check::kMemory, "Memory"},
        {health::check::kReplication, "Replicas"}, {health::check::kClusterSlots, "Cluster slots"}};
    for (const auto& entry : wanted) {
        const std::string& id = entry.first;
        const std::string& title = entry.second;
        const auto it = std::find_if(
            report.results.begin(), report.results.end(), [&](const health::CheckResult& r) { return r.id == id; });
        if (it == report.results.end()) continue; // not asked on this topology
        const Status status = it->state == health::CheckState::Ok ? Status::Pass
            : it->state == health::CheckState::Warn               ? Status::Warn
            : it->state == health::CheckState::Critical           ? Status::Fail
                                                                  : Status::Unknown;
        const bool eviction = id == health::check::kEvictionPolicy;
        add("operations", "ops." + id, eviction && status == Status::Warn ? Status::Fail : status, title, it->message,
            eviction ? "Any policy but noeviction lets Redis silently delete jobs when memory runs out."
                     : "A deployment nobody watches loses jobs quietly.",
            status == Status::Pass || status == Status::Info ? ""
                : eviction ? "CONFIG SET maxmemory-policy noeviction (and in redis.conf)."
                           : "See the Overview and the health checks (kiqdesk-cli check).");
    }

    const Reply dead = m_client.command(Command("ZCARD").key(sidekiq::keys::kDead));
    const char* why = "Past Sidekiq's dead_max_jobs (10,000 by default) the oldest dead jobs are dropped silently.";
    if (dead.isError())
        add("operations", "ops.dead-cap", Status::Unknown, "Dead set size", couldNotCheck(dead.str), why);
    else if (dead.integer >= kSidekiqDeadMax)
        add("operations", "ops.dead-cap", Status::Fail, "Dead set size",
            std::to_string(dead.integer) + " dead jobs: at the cap", why,
            "Retry or delete dead jobs (the Dead page groups them by failure), or raise dead_max_jobs.");
    else if (dead.integer >= kSidekiqDeadMax * 9 / 10)
        add("operations", "ops.dead-cap", Status::Warn, "Dead set size",
            std::to_string(dead.integer) + " dead jobs: near the cap", why,
            "Retry or delete dead jobs before the oldest are dropped.");
    else
        add("operations", "ops.dead-cap", Status::Pass, "Dead set size", std::to_string(dead.integer) + " dead jobs",
            why);
}

AuditReport Auditor::run()
{
    m_client.connect();
    m_report.target = m_options.describe();
    m_report.takenAt = double(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                                  .count())
        / 1000.0;
    identity();
    transport();
    authentication();
    authorization();
    roles();
    configuration();
    jobData();
    operations();
    // Grouped by control, in the order of the threat model; within a group, as checked.
    static const std::vector<std::string> order {
        "identity", "transport", "authentication", "authorization", "configuration", "job-data", "operations"};
    std::stable_sort(m_report.findings.begin(), m_report.findings.end(), [](const Finding& a, const Finding& b) {
        return std::find(order.begin(), order.end(), a.control) < std::find(order.begin(), order.end(), b.control);
    });
    return std::move(m_report);
}

} // namespace

const char* statusName(Status status)
{
    switch (status) {
    case Status::Pass:
        return "pass";
    case Status::Warn:
        return "warn";
    case Status::Fail:
        return "fail";
    case Status::Unknown:
        return "could-not-check";
    case Status::Info:
        return "info";
    }
    return "could-not-check";
}

int AuditReport::count(Status status) const
{
    return int(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.status == status; }));
}

const Finding* AuditReport::find(const std::string& id) const
{
    for (const auto& f : findings)
        if (f.id == id) return &f;
    return nullptr;
}

std::string AuditReport::toMarkdown() const
{
    auto cell = [](std::string s) {
        std::string out;
        for (char c : s) {
            if (c == '|')
                out += "\\|";
            else if (c == '\n')
                out += ' ';
            else
                out += c;
        }
        return out;
    };
    std::string out = "# Security audit of " + target + "\n\n" + std::to_string(count(Status::Fail)) + " fail, "
        + std::to_string(count(Status::Warn)) + " warn, " + std::to_string(count(Status::Unknown))
        + " could not check, " + std::to_string(count(Status::Pass)) + " pass.\n";
    std::string group;
    for (const auto& f : findings) {
        if (f.control != group) {
            group = f.control;
            out += "\n## " + group + "\n\n| Status | Check | Evidence | Why | Fix |\n|---|---|---|---|---|\n";
        }
        out += "| " + std::string(statusName(f.status)) + " | " + cell(f.title) + " | " + cell(f.evidence) + " | "
            + cell(f.why) + " | " + cell(f.fix) + " |\n";
    }
    return out;
}

std::string AuditReport::toJson() const
{
    QJsonArray list;
    for (const auto& f : findings) {
        QJsonObject o {{"control", QString::fromStdString(f.control)}, {"id", QString::fromStdString(f.id)},
            {"status", statusName(f.status)}, {"title", QString::fromStdString(f.title)},
            {"evidence", QString::fromStdString(f.evidence)}, {"why", QString::fromStdString(f.why)}};
        if (!f.fix.empty()) o["fix"] = QString::fromStdString(f.fix);
        list.append(o);
    }
    const QJsonObject summary {{"fail", count(Status::Fail)}, {"warn", count(Status::Warn)},
        {"could-not-check", count(Status::Unknown)}, {"pass", count(Status::Pass)}, {"info", count(Status::Info)}};
    return QJsonDocument(QJsonObject {{"target", QString::fromStdString(target)}, {"time", takenAt},
                             {"summary", summary}, {"findings", list}})
        .toJson(QJsonDocument::Indented)
        .toStdString();
}

AuditReport auditDeployment(
    redis::Client& client, const redis::ConnectionOptions& options, const AuditOptions& auditOptions)
{
    return Auditor(client, options, auditOptions).run();
}

} // namespace kiq::security
