#include "redis/ConnectionOptions.h"

#include "redis/Errors.h"
#include "util/ParseNumber.h"

#include <charconv>

namespace kiq::redis {

namespace {
// The URL for an error message: whatever stands before the last '@' after the scheme may hold a
// password, so only the user name (before the first ':') is kept.
std::string maskedUrl(std::string_view url)
{
    const auto scheme = url.find("://");
    const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto at = url.rfind('@');
    if (at == std::string_view::npos || at < start) return std::string(url);
    const std::string_view userinfo = url.substr(start, at - start);
    const auto colon = userinfo.find(':');
    const std::string user
        = colon == std::string_view::npos ? std::string() : std::string(userinfo.substr(0, colon)) + ":";
    return std::string(url.substr(0, start)) + user + "***" + std::string(url.substr(at));
}

int parsePort(std::string_view text, std::string_view url)
{
    const auto port = util::parsePort(text);
    if (!port) throw UsageError("invalid port '" + std::string(text) + "' in " + maskedUrl(url));
    return *port;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view in)
{
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        const int hi = i + 2 < in.size() ? hexValue(in[i + 1]) : -1;
        const int lo = i + 2 < in.size() ? hexValue(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) throw UsageError("invalid percent-escape in connection URL");
        out += char(hi * 16 + lo);
        i += 2;
    }
    return out;
}
} // namespace

bool Endpoint::isLoopback() const
{
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string Endpoint::toString() const
{
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

std::vector<std::string> ConnectionOptions::warnings() const
{
    std::vector<std::string> out;
    if (tls.enabled && !tls.verifyPeer)
        out.emplace_back("TLS certificate verification is off: the server's identity is not checked");
    else if (tls.enabled && !tls.verifyHostname)
        out.emplace_back("TLS hostname verification is off: any certificate from the trusted CA is accepted");
    const bool loopback = firstEndpoint().isLoopback();
    if (!tls.enabled && !password.empty() && !loopback)
        out.emplace_back("the password is sent without TLS to a non-loopback host");
    if (!tls.enabled && !loopback) out.emplace_back("job data travels unencrypted: TLS is off");
    return out;
}

std::optional<std::string> ConnectionOptions::validate() const
{
    if (topology == Topology::Cluster && db != 0) return "Redis Cluster has only database 0";
    if (topology != Topology::Standalone && seeds.empty())
        return topology == Topology::Cluster ? "a Cluster connection needs at least one seed node"
                                             : "a Sentinel connection needs at least one sentinel";
    if (topology == Topology::Sentinel && sentinelMaster.empty()) return "a Sentinel connection needs the master name";
    return std::nullopt;
}

std::string ConnectionOptions::describe() const
{
    std::string out = tls.enabled ? "rediss://" : "redis://";
    if (!user.empty()) out += user + "@";
    switch (topology) {
    case Topology::Standalone:
        out += endpoint.toString();
        break;
    case Topology::Sentinel:
        out += "sentinel:" + sentinelMaster + "@" + (seeds.empty() ? "?" : seeds.front().toString());
        break;
    case Topology::Cluster:
        out += "cluster:" + (seeds.empty() ? "?" : seeds.front().toString());
        break;
    }
    if (db != 0) out += "/" + std::to_string(db);
    if (!keyPrefix.empty()) out += " ns=" + keyPrefix;
    return out;
}

ConnectionOptions parseRedisUrl(std::string_view url)
{
    ConnectionOptions o;
    std::string_view rest;
    if (url.rfind("redis://", 0) == 0) {
        rest = url.substr(8);
    } else if (url.rfind("rediss://", 0) == 0) {
        rest = url.substr(9);
        o.tls.enabled = true;
    } else {
        throw UsageError("connection URL must start with redis:// or rediss://: " + maskedUrl(url));
    }

    // The userinfo runs to the last '@', so a password holding '/', '?' or '@' never ends up in the
    // host, port or path (and so in an error message about them).
    std::string_view userinfo;
    bool hasUserinfo = false;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        hasUserinfo = true;
    }

    std::string_view path;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);

    if (hasUserinfo) {
        if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            o.user = percentDecode(userinfo.substr(0, colon));
            o.password = percentDecode(userinfo.substr(colon + 1));
        } else {
            // redis-cli treats a lone userinfo as the password (redis://secret@host).
            o.password = percentDecode(userinfo);
        }
    }

    std::string_view host = rest, port;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos) throw UsageError("unterminated IPv6 address in " + maskedUrl(url));
        host = rest.substr(1, close - 1);
        std::string_view after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw UsageError("unexpected text after IPv6 address in " + maskedUrl(url));
            port = after.substr(1);
        }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (!host.empty()) o.endpoint.host = std::string(host);
    if (!port.empty()) o.endpoint.port = parsePort(port, url);
    if (!path.empty()) {
        int db = -1;
        auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), db);
        if (ec != std::errc() || end != path.data() + path.size() || db < 0)
            throw UsageError("invalid database number '" + std::string(path) + "' in " + maskedUrl(url));
        o.db = db;
    }
    return o;
}

} // namespace kiq::redis
