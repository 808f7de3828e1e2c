#include "ConnectionFlags.h"

#include "redis/Errors.h"
#include "util/ParseNumber.h"

#include <cstdlib>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace kiq::cli {

namespace {
redis::Endpoint parseEndpoint(const std::string& text)
{
    redis::Endpoint e;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw redis::UsageError("expected host:port, got '" + text + "'");
    e.host = text.substr(0, colon);
    if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
        e.host = e.host.substr(1, e.host.size() - 2);
    const auto port = util::parsePort(std::string_view(text).substr(colon + 1));
    if (!port) throw redis::UsageError("invalid port in '" + text + "'");
    e.port = *port;
    return e;
}
} // namespace

std::string readPasswordFromTerminal(const std::string& prompt)
{
    std::cerr << prompt << std::flush;
    termios old {};
    const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios silent = old;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    std::string password;
    std::getline(std::cin, password);
    if (tty) tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return password;
}

void ConnectionFlags::addTo(CLI::App& app)
{
    auto* g = app.add_option_group("Connection");
    auto target = [this](CLI::Option* option) {
        m_targetOptions.push_back(option);
        return option;
    };
    target(g->add_option(
        "-u,--url", m_url, "redis:// or rediss:// URL (a password in it is accepted but REDISCLI_AUTH is safer)"));
    target(g->add_option("-h,--host", m_host, "Server host (default 127.0.0.1)"));
    target(g->add_option("-p,--port", m_port, "Server port (default 6379)"));
    target(g->add_option("-n,--db", m_db, "Database number"));
    target(g->add_option("--user", m_user, "ACL username"));
    g->add_flag("--askpass", m_askpass, "Prompt for the password (otherwise REDISCLI_AUTH is used if set)");
    target(g->add_flag("--tls", m_tls, "Use TLS"));
    target(g->add_option("--cacert", m_cacert, "CA certificate file (default: the system store)"));
    target(g->add_option("--cacertdir", m_cacertDir, "Directory of trusted CA certificates"));
    target(g->add_option("--cert", m_cert, "Client certificate (mTLS)"));
    target(g->add_option("--key", m_key, "Client private key (mTLS)"));
    g->add_flag("--askpass-key", m_askpassKey,
        "Prompt for the client key's passphrase (otherwise KIQDESK_KEY_PASSPHRASE is used if set)");
    target(g->add_option("--sni", m_sni, "Server name for SNI and certificate verification"));
    target(g->add_flag(
        "--no-verify-hostname", m_noVerifyHostname, "Accept a certificate for another name (warned about)"));
    target(g->add_flag("--insecure", m_insecure, "Do not verify the server certificate at all (warned about)"));
    target(g->add_option("--sentinel", m_sentinels, "Sentinel host:port (repeatable); needs --master"));
    target(g->add_option("--master", m_master, "Sentinel master name"));
    target(g->add_option("--cluster", m_cluster, "Cluster seed host:port (repeatable)"));
    target(g->add_option("--namespace", m_namespace, "Key namespace prefix (redis-namespace style, e.g. myapp:)"));
    m_timeoutOption = g->add_option("--timeout", m_timeoutMs, "Command timeout in milliseconds");
    g->add_option("--connect-timeout", m_connectTimeoutMs,
         "Connect timeout in milliseconds, name lookup included (default 3000)")
        ->check(CLI::PositiveNumber);
}

bool ConnectionFlags::givesTarget() const
{
    for (const CLI::Option* option : m_targetOptions)
        if (option->count() > 0) return true;
    return false;
}

redis::ConnectionOptions ConnectionFlags::build(
    const util::EnvSecrets& secrets, const deployment::ConnectionProfile* profile) const
{
    redis::ConnectionOptions o;
    if (profile) {
        for (const CLI::Option* option : m_targetOptions)
            if (option->count() > 0)
                throw redis::UsageError(option->get_name()
                    + " cannot be combined with --profile (the profile says "
                      "where and how to connect)");
        o = profile->options;
        if (m_timeoutOption->count() > 0) o.commandTimeout = std::chrono::milliseconds(m_timeoutMs);
    } else {
        o = fromFlags();
    }
    if (m_connectTimeoutMs > 0) o.connectTimeout = std::chrono::milliseconds(m_connectTimeoutMs);
    o.clientName = redis::ConnectionOptions::kCliClientName;
    if (m_askpass)
        o.password = readPasswordFromTerminal("Password: ");
    else if (o.password.empty())
        o.password = secrets.redisPassword.value_or("");
    if (m_askpassKey)
        o.tls.keyPassphrase = readPasswordFromTerminal("Passphrase for the client key: ");
    else
        o.tls.keyPassphrase = secrets.keyPassphrase.value_or("");
    if (o.topology == redis::Topology::Sentinel) o.sentinelPassword = secrets.sentinelPassword.value_or("");
    return o;
}

redis::ConnectionOptions ConnectionFlags::fromFlags() const
{
    redis::ConnectionOptions o = m_url.empty() ? redis::ConnectionOptions {} : redis::parseRedisUrl(m_url);
    // Our argv is readable by every local user (ps, /proc); the environment is not.
    if (!o.password.empty())
        std::cerr << "warning: the password in the -u URL is visible to other users of this machine (ps); "
                     "set REDISCLI_AUTH or use --askpass instead\n";
    if (!m_host.empty()) o.endpoint.host = m_host;
    if (m_port) o.endpoint.port = m_port;
    if (m_db >= 0) o.db = m_db;
    if (!m_user.empty()) o.user = m_user;
    if (m_tls) o.tls.enabled = true;
    o.tls.caFile = m_cacert;
    o.tls.caDir = m_cacertDir;
    o.tls.certFile = m_cert;
    o.tls.keyFile = m_key;
    o.tls.sni = m_sni;
    if (m_noVerifyHostname) o.tls.verifyHostname = false;
    if (m_insecure) o.tls.verifyPeer = false;
    if ((!m_cacert.empty() || !m_cert.empty()) && !o.tls.enabled)
        throw redis::UsageError("--cacert/--cert need --tls (or a rediss:// URL)");
    if (!m_sentinels.empty() && !m_cluster.empty())
        throw redis::UsageError("--sentinel and --cluster cannot be combined");
    if (!m_sentinels.empty()) {
        if (m_master.empty()) throw redis::UsageError("--sentinel needs --master NAME");
        o.topology = redis::Topology::Sentinel;
        for (const auto& s : m_sentinels) o.seeds.push_back(parseEndpoint(s));
        o.sentinelMaster = m_master;
    }
    if (!m_cluster.empty()) {
        o.topology = redis::Topology::Cluster;
        for (const auto& s : m_cluster) o.seeds.push_back(parseEndpoint(s));
    }
    o.keyPrefix = m_namespace;
    o.commandTimeout = std::chrono::milliseconds(m_timeoutMs);
    return o;
}

} // namespace kiq::cli
