#pragma once
// Everything needed to reach one deployment. Aggregates with defaults, in the style of
// redis-plus-plus' ConnectionOptions. Secrets live here only in memory; profiles on disk never hold
// the password (see the app's credential handling).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redis {

struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;

    std::string toString() const; // "host:port", IPv6 literals bracketed
    bool isLoopback() const; // localhost, 127.x or ::1: traffic that never leaves the machine
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct TlsOptions {
    bool enabled = false;
    std::string caFile; // PEM bundle; when both caFile and caDir are empty the system store is used
    std::string caDir; // hashed directory (c_rehash layout)
    std::string certFile; // client certificate for mTLS
    std::string keyFile; // its private key
    // Passphrase of an encrypted key: a secret like the password (memory only, never logged or saved).
    // Empty with an encrypted key fails at once with a clear error instead of OpenSSL's terminal prompt.
    std::string keyPassphrase;
    std::string sni; // server name to send; defaults to the host when it is a DNS name
    bool verifyPeer = true; // certificate chain must verify
    bool verifyHostname = true; // certificate must match the host (or sni); off is reported as a warning
};

enum class Topology { Standalone, Sentinel, Cluster };

struct ConnectionOptions {
    Topology topology = Topology::Standalone;
    Endpoint endpoint; // standalone server
    std::vector<Endpoint> seeds; // Cluster seed nodes, or the sentinels for Sentinel
    std::string sentinelMaster; // master name for Sentinel
    std::string sentinelUser; // ACL user for the sentinels (empty: none)
    std::string sentinelPassword;

    std::string user; // ACL username; empty means the default user
    std::string password; // empty means no AUTH
    int db = 0; // SELECT after connecting (not allowed on Cluster)
    TlsOptions tls;

    std::chrono::milliseconds connectTimeout {3000};
    std::chrono::milliseconds commandTimeout {5000};
    std::string clientName = std::string(kAppClientName); // CLIENT SETNAME; empty skips it
    // The names Kiqdesk gives its connections, so CLIENT LIST tells them apart (server/ClientCensus.h).
    static constexpr std::string_view kAppClientName = "kiqdesk";
    static constexpr std::string_view kWorkerClientName = "kiqdesk-worker";
    static constexpr std::string_view kCliClientName = "kiqdesk-cli";
    static constexpr std::string_view kAuditClientName = "kiqdesk-audit";
    static bool isKiqdeskClientName(std::string_view name)
    {
        return name == kAppClientName || name == kWorkerClientName || name == kCliClientName
            || name == kAuditClientName;
    }

    std::string keyPrefix; // redis-namespace style, e.g. "myapp:" (the trailing colon is part of it)

    // Reconnect with backoff: attempts made before a command gives up on an unreachable server.
    int reconnectAttempts = 3;
    std::chrono::milliseconds reconnectBaseDelay {100};

    // The server these options name first: the standalone endpoint, else the first seed (a sentinel or a
    // Cluster node). What a check of "the" server (its certificate, its host) looks at.
    const Endpoint& firstEndpoint() const
    {
        return topology == Topology::Standalone || seeds.empty() ? endpoint : seeds.front();
    }

    // Human-readable list of risky choices (verification off, password without TLS on a non-loopback
    // host, ...), for the UI and CLI to show.
    std::vector<std::string> warnings() const;
    // Why a Client would refuse these options (a Cluster with a database, a Sentinel without a master
    // name…), found without connecting; nullopt when they are usable.
    std::optional<std::string> validate() const;
    // A display string without secrets, e.g. "rediss://ops@redis.example:6380/2".
    std::string describe() const;
};

// Parses redis://[[user]:password@]host[:port][/db] and rediss://… (TLS), as redis-cli's -u does.
// Userinfo and path are percent-decoded. Throws UsageError with a precise message on bad input.
ConnectionOptions parseRedisUrl(std::string_view url);

} // namespace kiq::redis
