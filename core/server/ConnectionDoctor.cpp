#include "server/ConnectionDoctor.h"

#include "redis/Certificates.h"
#include "redis/Command.h"
#include "redis/Connection.h"
#include "redis/Errors.h"
#include "redis/Socket.h"
#include "redis/TlsTransport.h"
#include "server/ServerInfo.h"
#include "sidekiq/model/Keys.h"
#include "util/Join.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

namespace kiq::server {

using redis::CertificateInfo;
using redis::Clock;
using redis::ConnectionOptions;
using redis::Endpoint;
using State = DoctorStep::State;

namespace {

using util::joined;

std::string milliseconds(Clock::duration d)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

// "2026-12-09 (in 5 days)", "2020-01-31 (2,499 days ago)": a rotation is planned in days.
std::string dateAndDistance(std::chrono::system_clock::time_point when)
{
    using Days = std::chrono::duration<long long, std::ratio<86400>>;
    const auto now = std::chrono::system_clock::now();
    const long long days = std::chrono::floor<Days>(when > now ? when - now : now - when).count();
    std::string count = std::to_string(days);
    for (int i = int(count.size()) - 3; i > 0; i -= 3) count.insert(std::size_t(i), ",");
    const std::string span = days == 0 ? std::string("today")
        : days == 1                    ? std::string(when > now ? "tomorrow" : "yesterday")
        : when > now                   ? "in " + count + " days"
                                       : count + " days ago";
    return redis::certificateDate(when) + " (" + span + ")";
}

std::string describeCertificate(const CertificateInfo& c)
{
    std::string out = "'" + c.subject + "'";
    if (!c.names.empty() && !(c.names.size() == 1 && c.names.front() == c.subject)) out += " for " + joined(c.names);
    if (!c.issuer.empty() && c.issuer != c.subject) out += ", issued by '" + c.issuer + "'";
    return out + ", valid until " + redis::certificateDate(c.notAfter);
}

// The user as the server knows it, for messages and ACL DRYRUN.
std::string userName(const ConnectionOptions& options)
{
    return options.user.empty() ? "default" : options.user;
}

std::string permissionFix(const std::string& user, const std::string& needs, const std::string& why)
{
    return "Grant '" + needs + "' to user '" + user + "' (ACL SETUSER " + user + " " + needs
        + ", or Kiqdesk's ACL editor)" + why;
}

// Redis reads a TLS ClientHello on its plain port as the start of an inline command and waits for the
// rest, so the handshake only times out; a plain PING then tells that the port speaks RESP in the clear.
bool answersPlainText(const Endpoint& e, const ConnectionOptions& options)
{
    ConnectionOptions plain;
    plain.connectTimeout = options.connectTimeout;
    plain.commandTimeout = options.commandTimeout;
    plain.clientName.clear();
    try {
        redis::Connection c(e, plain, {}, 0);
        return true; // PONG
    } catch (const redis::ReplyError&) {
        return true; // NOAUTH and the like: a Redis in the clear all the same
    } catch (const redis::Error&) {
        return false;
    }
}

class Doctor {
public:
    explicit Doctor(const ConnectionOptions& options)
        : m_options(options)
        , m_tls(options.tls.enabled)
    {
        m_report.target = options.describe();
    }

    DoctorReport run();

private:
    DoctorStep& add(const std::string& id, State state, std::string detail, std::string fix = {})
    {
        m_report.steps.push_back({id, state, std::move(detail), std::move(fix)});
        if (state == State::Fail) m_failed = true;
        return m_report.steps.back();
    }
    void skip(const std::string& id) { add(id, State::Skipped, "not run: an earlier step failed"); }
    Clock::time_point connectDeadline() const { return Clock::now() + m_options.connectTimeout; }

    Endpoint target();
    void lookup(const Endpoint& e);
    void tcp(const Endpoint& e);
    void tlsFiles();
    void handshake(const Endpoint& e);
    void explainHandshakeFailure(const Endpoint& e, const redis::Error& failure);
    void authenticate(const Endpoint& e);
    void serverInfo();
    void sidekiqKeys();
    void writes();

    const ConnectionOptions& m_options;
    const bool m_tls;
    DoctorReport m_report;
    bool m_failed = false;
    bool m_sentinelFailed = false; // the steps then examine a sentinel, not a data node
    std::optional<redis::Connection> m_connection;
    redis::Connection::Auth m_auth;
    std::vector<CertificateInfo> m_caCertificates; // what the CA file holds, to name it in a mismatch
    std::string m_hostName; // the name the certificate must match: SNI if set, else the host
};

Endpoint Doctor::target()
{
    m_auth = {m_options.user, m_options.password};
    if (m_options.topology != redis::Topology::Sentinel) return m_options.firstEndpoint();

    // The primary is whatever a sentinel names; when none can, the steps below take the first sentinel
    // apart with the sentinel's credentials, which is where the trouble then is.
    ConnectionOptions sentinelOptions = m_options;
    sentinelOptions.db = 0;
    std::vector<std::string> failures;
    for (const Endpoint& sentinel : m_options.seeds) {
        try {
            redis::Connection c(sentinel, sentinelOptions, {m_options.sentinelUser, m_options.sentinelPassword}, 0);
            const redis::Reply r
                = c.command(redis::Command("SENTINEL").arg("GET-MASTER-ADDR-BY-NAME").arg(m_options.sentinelMaster));
            if (r.isArray() && r.elements.size() == 2) {
                const Endpoint primary {r.elements[0].str, std::stoi(r.elements[1].str)};
                add("sentinel", State::Pass,
                    "sentinel " + sentinel.toString() + " names " + primary.toString() + " as the primary of '"
                        + m_options.sentinelMaster + "'");
                return primary;
            }
            failures.push_back(sentinel.toString() + ": "
                + (r.isError() ? r.str : "does not know a master named '" + m_options.sentinelMaster + "'"));
        } catch (const std::exception& e) {
            failures.push_back(sentinel.toString() + ": " + e.what());
        }
    }
    m_report.steps.push_back({"sentinel", State::Fail, "no sentinel named the primary: " + joined(failures, "; "),
        "Check the sentinel addresses and the master name (SENTINEL MASTERS on a sentinel lists them); the steps "
        "below examine the first sentinel."});
    m_auth = {m_options.sentinelUser, m_options.sentinelPassword};
    m_sentinelFailed = true;
    return m_options.firstEndpoint();
}

void Doctor::lookup(const Endpoint& e)
{
    try {
        const auto addresses = redis::resolveAddresses(e, connectDeadline());
        const bool literal = addresses.size() == 1 && addresses.front() == e.host;
        add("dns", State::Pass,
            literal ? e.host + " is an address: nothing to look up" : e.host + " is " + joined(addresses));
    } catch (const redis::Error& error) {
        add("dns", State::Fail, error.what(),
            "Check the host name for typos and that this machine's DNS (or /etc/hosts) knows it; 'getent hosts "
                + e.host + "' shows what the system resolves.");
    }
}

void Doctor::tcp(const Endpoint& e)
{
    const auto start = Clock::now();
    try {
        redis::Socket socket(e, connectDeadline());
        add("tcp", State::Pass, "connected to " + e.toString() + " in " + milliseconds(Clock::now() - start));
    } catch (const redis::Error& error) {
        const bool timeout = error.kind() == ErrorKind::Timeout;
        add("tcp", State::Fail, error.what(),
            timeout ? "Nothing answered within the connect timeout: a firewall that drops packets, a wrong address, "
                      "or a host that is down."
                    : "Check that Redis listens on port " + std::to_string(e.port) + " of " + e.host
                    + " (its 'port', or 'tls-port' with TLS, and 'bind' settings) and that no firewall is in "
                      "between.");
    }
}

void Doctor::tlsFiles()
{
    const redis::TlsOptions& tls = m_options.tls;
    std::vector<std::string> found;
    std::vector<std::string> warnings;
    const auto now = std::chrono::system_clock::now();
    auto expiry = [&](const CertificateInfo& c, const char* what) {
        if (c.notAfter < now)
            throw redis::TlsError(ErrorKind::Tls,
                std::string(what) + " '" + c.subject + "' in '" + c.source + "' expired on "
                    + dateAndDistance(c.notAfter));
        if (c.notAfter < now + redis::kCertificateWarningWindow)
            warnings.push_back(std::string(what) + " '" + c.subject + "' expires on " + dateAndDistance(c.notAfter));
    };
    try {
        if (!tls.caFile.empty()) {
            m_caCertificates = redis::certificatesInFile(tls.caFile, CertificateInfo::Role::Ca);
            std::vector<std::string> subjects;
            for (const auto& c : m_caCertificates) {
                subjects.push_back("'" + c.subject + "'");
                expiry(c, "the CA certificate");
            }
            found.push_back("CA file " + tls.caFile + " holds " + joined(subjects));
        } else if (!tls.caDir.empty()) {
            found.push_back("CA directory " + tls.caDir);
        } else {
            found.push_back("the system's CA store");
        }
    } catch (const redis::Error& error) {
        add("tls-files", State::Fail, error.what(),
            "Choose the PEM file of the CA that issued the server's certificate (the server's 'tls-ca-cert-file').");
        return;
    }
    if (!tls.certFile.empty()) {
        try {
            const CertificateInfo client
                = redis::certificatesInFile(tls.certFile, CertificateInfo::Role::Client).front();
            expiry(client, "the client certificate");
            redis::TlsTransport::checkClientIdentity(tls);
            found.push_back("client certificate " + describeCertificate(client) + ", and its key loads");
        } catch (const redis::Error& error) {
            add("tls-files", State::Fail, error.what(),
                "Check the client certificate and key files: both PEM, the key the one that belongs to the "
                "certificate, its passphrase the right one, and the certificate not expired (renew it from your "
                "CA).");
            return;
        }
    }
    if (!warnings.empty())
        add("tls-files", State::Warn, joined(found, "; ") + "; " + joined(warnings, "; "),
            "Renew the certificate before it expires: an expired one takes the connection down.");
    else
        add("tls-files", State::Pass, joined(found, "; "));
}

void Doctor::handshake(const Endpoint& e)
{
    const redis::TlsOptions& tls = m_options.tls;
    std::vector<CertificateInfo> chain;
    DoctorStep client;
    client.id = "client-certificate";
    try {
        redis::TlsTransport transport(e, tls, connectDeadline());
        chain = transport.peerCertificates();
        std::string detail = transport.protocolVersion() + ", " + transport.cipher();
        if (!tls.verifyPeer)
            add("tls", State::Warn, detail + "; the server's certificate is not verified",
                "Turn certificate verification on and choose the CA file: without it anyone on the path can pose as "
                "the server and read the password.");
        else if (!tls.verifyHostname)
            add("tls", State::Warn, detail + "; the chain is verified, the host name is not",
                "Turn host name verification on (set the server name if you connect by address).");
        else
            add("tls", State::Pass, detail + "; the certificate is verified for '" + m_hostName + "'");

        // The client certificate is judged by the server after the handshake (TLS 1.3): only the first
        // reply tells whether it was accepted.
        static constexpr char kPing[] = "*1\r\n$4\r\nPING\r\n";
        try {
            transport.writeAll(kPing, sizeof kPing - 1, Clock::now() + m_options.commandTimeout);
            char reply[64];
            transport.readSome(reply, sizeof reply, Clock::now() + m_options.commandTimeout);
            client.state = State::Pass;
            client.detail = !tls.certFile.empty() ? "sent; the server accepted it"
                : transport.clientCertificateRequested()
                ? "none configured; the server asks for one but does not require it"
                : "none configured; the server does not ask for one";
        } catch (const redis::Error& error) {
            client.state = State::Fail;
            if (error.kind() == ErrorKind::ClientCertRequired || tls.certFile.empty()) {
                client.detail = error.what();
                client.fix
                    = "The server requires a client certificate (tls-auth-clients yes): choose a certificate and "
                      "key issued by the CA the server trusts (its 'tls-ca-cert-file').";
            } else {
                client.detail = "the server refused the client certificate: " + std::string(error.what());
                client.fix = "The server does not trust the CA that issued this client certificate: use one issued by "
                             "the CA in the server's 'tls-ca-cert-file', or add its CA there.";
            }
        }
    } catch (const redis::Error& error) {
        explainHandshakeFailure(e, error);
        return;
    }
    if (!chain.empty()) {
        const CertificateInfo& server = chain.front();
        const auto now = std::chrono::system_clock::now();
        std::string detail = describeCertificate(server);
        for (std::size_t i = 1; i < chain.size(); ++i) detail += "; then " + describeCertificate(chain[i]);
        if (server.notAfter < now + redis::kCertificateWarningWindow)
            add("server-certificate", State::Warn, detail,
                "The server's certificate expires on " + dateAndDistance(server.notAfter)
                    + ": renew it on the server (tls-cert-file) before connections fail.");
        else
            add("server-certificate", State::Pass, detail);
    }
    add(client.id, client.state, client.detail, client.fix);
}

void Doctor::explainHandshakeFailure(const Endpoint& e, const redis::Error& failure)
{
    // Shake hands again without verification to see what the server presents, and name the mismatch.
    redis::TlsOptions look = m_options.tls;
    look.verifyPeer = false;
    look.verifyHostname = false;
    std::vector<CertificateInfo> chain;
    std::string lookError;
    try {
        chain = redis::TlsTransport(e, look, connectDeadline()).peerCertificates();
    } catch (const redis::Error& error) {
        lookError = error.what();
    }
    if (chain.empty()) {
        const std::string text = failure.what();
        std::string fix = "Check that the port is the server's 'tls-port' and that the server's TLS settings load.";
        if (failure.kind() == ErrorKind::ClientCertRequired)
            fix = "The server requires a client certificate (tls-auth-clients yes): choose a certificate and key "
                  "issued by the CA the server trusts.";
        else if (text.find("does not speak TLS") != std::string::npos || answersPlainText(e, m_options))
            fix = "This port answers without TLS: turn TLS off for this connection, or use the server's 'tls-port'.";
        add("tls", State::Fail, text, fix);
        skip("server-certificate");
        skip("client-certificate");
        return;
    }
    const CertificateInfo& server = chain.front();
    const auto now = std::chrono::system_clock::now();
    std::string fix;
    if (server.notAfter < now) {
        fix = "The server's certificate expired on " + dateAndDistance(server.notAfter)
            + ": renew it on the server (tls-cert-file). Nothing on this side can fix it safely.";
    } else if (server.notBefore > now) {
        fix = "The server's certificate is valid only from " + dateAndDistance(server.notBefore)
            + ": check the clock of this machine and of the server.";
    } else if (m_options.tls.verifyHostname && !redis::certificateNameMatches(server.names, m_hostName)) {
        fix = "The certificate is for " + joined(server.names) + "; you connected to '" + m_hostName
            + "'. Connect with one of those names, or set the server name (SNI) to '" + server.names.front()
            + "' to verify against it.";
    } else {
        std::vector<std::string> subjects;
        for (const auto& c : m_caCertificates) subjects.push_back("'" + c.subject + "'");
        fix = "The server's certificate is issued by '" + server.issuer + "', which "
            + (subjects.empty() ? std::string("the CA store does not trust")
                                : "is not in the CA file (it holds " + joined(subjects) + ")")
            + ": choose the CA file of the CA that issued it.";
    }
    add("tls", State::Fail, failure.what(), fix);
    std::string evidence = describeCertificate(server); // the evidence for the fix above
    for (std::size_t i = 1; i < chain.size(); ++i) evidence += "; then " + describeCertificate(chain[i]);
    add("server-certificate", State::Fail, evidence);
    skip("client-certificate");
}

void Doctor::authenticate(const Endpoint& e)
{
    const auto start = Clock::now();
    try {
        m_connection.emplace(e, m_options, m_auth,
            m_options.topology == redis::Topology::Cluster || m_sentinelFailed ? 0 : m_options.db);
        const std::string who = m_auth.password.empty()
            ? "no password sent: the server let the default user in"
            : "authenticated as '" + (m_auth.user.empty() ? std::string("default") : m_auth.user) + "'";
        add("auth", m_auth.password.empty() ? State::Warn : State::Pass,
            who + " (" + milliseconds(Clock::now() - start) + " with the handshake)",
            m_auth.password.empty() ? "Anyone who reaches this port can read and delete every job: protect the "
                                      "default user with a password or turn it off, and give each client its own "
                                      "ACL user."
                                    : "");
    } catch (const redis::Error& error) {
        std::string fix;
        switch (error.kind()) {
        case ErrorKind::WrongPass:
            fix = "Check the user name and password. The user must exist and be 'on' (ACL LIST on the server), and "
                  "a credential helper must print the current secret.";
            break;
        case ErrorKind::NoAuth:
            fix = "The server requires a password: set it in the profile (typed, the keychain or a credential "
                  "helper).";
            break;
        case ErrorKind::ConnectionLost:
            fix = m_tls ? "The server closed the connection: check its log (a client certificate it rejected, "
                          "maxclients reached)."
                        : "The server closed the connection: if it expects TLS on this port, turn TLS on.";
            break;
        default:
            if (!redis::missingPermission(error.what()).empty())
                fix = permissionFix(userName(m_options), redis::missingPermission(error.what()), ".");
            else if (std::string(error.what()).find("SELECT") != std::string::npos)
                fix = "Choose a database the server has (its 'databases' setting; Cluster has only 0).";
            break;
        }
        add("auth", State::Fail, error.what(), fix);
    }
}

void Doctor::serverInfo()
{
    const auto start = Clock::now();
    const redis::Reply r = m_connection->command(redis::Command("INFO").arg("server"));
    const std::string rtt = milliseconds(Clock::now() - start);
    if (r.isError()) {
        const std::string needs = redis::missingPermission(r.str);
        add("server", State::Warn, "INFO refused (" + r.str + "); round trip " + rtt,
            needs.empty()
                ? std::string()
                : permissionFix(userName(m_options), needs,
                    ": the Redis page, the health checks and the version shown need it. Jobs work without it."));
        return;
    }
    const ServerInfo info = ServerInfo::parseInfo(r.str);
    std::string product = "Redis " + info.redisVersion();
    if (auto valkey = info.field("valkey_version")) product = "Valkey " + *valkey;
    if (auto dragonfly = info.field("dragonfly_version")) product = "Dragonfly " + *dragonfly;
    const std::string mode = info.field("redis_mode").value_or("standalone");
    const std::string detail = product + ", " + mode + "; round trip " + rtt;
    if (mode == "cluster" && m_options.topology != redis::Topology::Cluster)
        add("server", State::Warn, detail,
            "This server is a Cluster node: choose the Cluster topology, or keys in other slots answer MOVED.");
    else if (mode != "cluster" && m_options.topology == redis::Topology::Cluster)
        add("server", State::Warn, detail, "This server is not a Cluster node: choose the standalone topology.");
    else
        add("server", State::Pass, detail);
}

void Doctor::sidekiqKeys()
{
    namespace keys = sidekiq::keys;
    const std::vector<redis::Command> reads {redis::Command("SCARD").key(keys::kQueues),
        redis::Command("ZCARD").key(keys::kSchedule), redis::Command("ZCARD").key(keys::kRetry),
        redis::Command("ZCARD").key(keys::kDead), redis::Command("SCARD").key(keys::kProcesses),
        // What the job pages read: a queue's head and a set's first entry.
        redis::Command("LRANGE").key(keys::queue("default")).arg(0).arg(0),
        redis::Command("ZRANGE").key(keys::kRetry).arg(0).arg(0)};
    const auto replies = m_connection->pipeline(reads, m_options.keyPrefix);
    for (const auto& r : replies) {
        if (!r.isError()) continue;
        const std::string needs = redis::missingPermission(r.str);
        if (!needs.empty())
            add("sidekiq", State::Fail, "reading Sidekiq's keys was refused: " + r.str,
                permissionFix(
                    userName(m_options), needs, ": the monitor role of Kiqdesk's ACL editor has what reading needs."));
        else
            add("sidekiq", State::Fail, "reading Sidekiq's keys failed: " + r.str,
                redis::classifyReplyError(r.str) == ErrorKind::WrongType
                    ? "A Sidekiq key holds another type: check the namespace (key prefix) and the database."
                    : "");
        return;
    }
    const std::string prefix
        = m_options.keyPrefix.empty() ? std::string("no namespace") : "namespace '" + m_options.keyPrefix + "'";
    const std::string detail = std::to_string(replies[0].integer) + " queues, " + std::to_string(replies[1].integer)
        + " scheduled, " + std::to_string(replies[2].integer) + " retries, " + std::to_string(replies[3].integer)
        + " dead, " + std::to_string(replies[4].integer) + " processes (" + prefix + ", database "
        + std::to_string(m_options.db) + ")";
    const bool empty // of the five counts
        = std::all_of(replies.begin(), replies.begin() + 5, [](const redis::Reply& r) { return r.integer == 0; });
    if (empty)
        add("sidekiq", State::Warn, detail,
            "No Sidekiq data here: if your app uses a namespace or another database, set it in the profile.");
    else
        add("sidekiq", State::Pass, detail);
}

void Doctor::writes()
{
    // ACL DRYRUN (Redis 7) answers whether the user may run a command on a key, without running it.
    const std::string user = userName(m_options);
    const std::vector<std::pair<std::string, redis::Command>> probes {
        {"push to a queue",
            redis::Command("ACL").arg("DRYRUN").arg(user).arg("LPUSH").key(sidekiq::keys::queue("default")).arg("x")},
        {"move jobs between sets",
            redis::Command("ACL").arg("DRYRUN").arg(user).arg("ZADD").key(sidekiq::keys::kRetry).arg("0").arg("x")},
        {"run job actions (Lua)",
            redis::Command("ACL")
                .arg("DRYRUN")
                .arg(user)
                .arg("EVALSHA")
                .arg(std::string(40, '0'))
                .arg("1")
                .key(sidekiq::keys::kDead)},
    };
    std::vector<redis::Command> commands;
    for (const auto& p : probes) commands.push_back(p.second);
    const auto replies = m_connection->pipeline(commands, m_options.keyPrefix);
    std::vector<std::string> refused;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const redis::Reply& r = replies[i];
        if (r.isError()) {
            const bool unknown = r.str.find("unknown subcommand") != std::string::npos;
            const std::string needs = redis::missingPermission(r.str);
            add("writes", State::Skipped,
                unknown ? "could not check: ACL DRYRUN needs Redis 7"
                        : "could not check: " + (needs.empty() ? r.str : "needs +acl|dryrun"),
                "A write the user may not make says what it needs when you arm writes.");
            return;
        }
        if (r.isOk()) continue;
        refused.push_back(probes[i].first + " (" + r.str + ")");
    }
    if (refused.empty())
        add("writes", State::Pass,
            "user '" + user + "' may push to queues, move jobs between sets and run job actions");
    else
        add("writes", State::Warn, "user '" + user + "' may not " + joined(refused, "; "),
            "Fine for watching. To act on jobs (retry, delete, requeue), grant the operator role of Kiqdesk's ACL "
            "editor.");
}

DoctorReport Doctor::run()
{
    m_hostName = !m_options.tls.sni.empty() ? m_options.tls.sni : std::string();
    const Endpoint e = target();
    if (m_hostName.empty()) m_hostName = e.host;
    lookup(e);
    if (m_failed)
        skip("tcp");
    else
        tcp(e);
    if (m_tls) {
        if (m_failed)
            skip("tls-files");
        else
            tlsFiles();
        if (m_failed) {
            skip("tls");
            skip("server-certificate");
            skip("client-certificate");
        } else {
            handshake(e);
        }
    }
    const bool transportFailed = std::any_of(m_report.steps.begin(), m_report.steps.end(),
        [](const DoctorStep& s) { return s.id != "sentinel" && s.state == State::Fail; });
    if (transportFailed)
        skip("auth"); // (a sentinel that named no primary is examined all the same)
    else
        authenticate(e);
    for (const char* id : {"server", "sidekiq", "writes"}) {
        if (!m_connection || m_sentinelFailed) {
            skip(id);
            continue;
        }
        try {
            if (std::string(id) == "server")
                serverInfo();
            else if (std::string(id) == "sidekiq")
                sidekiqKeys();
            else
                writes();
        } catch (const redis::Error& error) {
            add(id, State::Fail, error.what(), "The connection broke during the check: run the doctor again.");
            m_connection.reset();
        }
    }
    return std::move(m_report);
}

} // namespace

DoctorStep::State DoctorReport::worst() const
{
    State worst = State::Pass;
    for (const auto& s : steps) {
        if (s.state == State::Fail) return State::Fail;
        if (s.state == State::Warn) worst = State::Warn;
    }
    return worst;
}

const DoctorStep* DoctorReport::step(const std::string& id) const
{
    for (const auto& s : steps)
        if (s.id == id) return &s;
    return nullptr;
}

const char* doctorStateName(State state)
{
    switch (state) {
    case State::Pass:
        return "pass";
    case State::Warn:
        return "warn";
    case State::Fail:
        return "fail";
    case State::Skipped:
        return "skipped";
    }
    return "skipped";
}

const char* doctorStepTitle(const std::string& id)
{
    static const std::pair<const char*, const char*> titles[]
        = {{"sentinel", "Sentinel"}, {"dns", "Name lookup"}, {"tcp", "TCP connection"},
            {"tls-files", "Certificate files"}, {"tls", "TLS handshake"}, {"server-certificate", "Server certificate"},
            {"client-certificate", "Client certificate"}, {"auth", "Authentication"}, {"server", "Server"},
            {"sidekiq", "Reading Sidekiq's data"}, {"writes", "Writing (armed)"}};
    for (const auto& [key, title] : titles)
        if (id == key) return title;
    return "Step";
}

DoctorReport diagnoseConnection(const ConnectionOptions& options)
{
    return Doctor(options).run();
}

} // namespace kiq::server
