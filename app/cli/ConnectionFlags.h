#pragma once
// Connection flags shaped like redis-cli's (-u, -h, -p, -n, --user, --tls, --cacert, --cert, --key,
// --sni …) plus Sentinel, Cluster and namespace. The password never comes from a flag (it would
// show in `ps` and shell history): REDISCLI_AUTH as redis-cli reads it, or --askpass. The same for
// an encrypted client key's passphrase: KIQDESK_KEY_PASSPHRASE, or --askpass-key.
// With --profile, a profile saved by the desktop app says where and how to connect instead.

#include "deployment/ConnectionProfile.h"
#include "redis/ConnectionOptions.h"
#include "util/EnvSecrets.h"

#include <CLI/App.hpp>

#include <string>
#include <vector>

namespace kiq::cli {

class ConnectionFlags {
public:
    void addTo(CLI::App& app);
    // Throws redis::UsageError for contradictory or malformed flags. The passwords come from
    // `secrets` (taken from the environment at start) or the --askpass prompt. With a `profile`, its
    // options are the start and only the timeouts may be changed by flags.
    redis::ConnectionOptions build(
        const util::EnvSecrets& secrets, const deployment::ConnectionProfile* profile = nullptr) const;
    // A server was named on the command line (-u, -h, -p, --sentinel, --cluster …).
    bool givesTarget() const;

private:
    redis::ConnectionOptions fromFlags() const;

    std::vector<CLI::Option*> m_targetOptions; // where and how to connect: what a profile says instead
    CLI::Option* m_timeoutOption = nullptr;
    std::string m_url, m_host, m_user, m_cacert, m_cacertDir, m_cert, m_key, m_sni, m_master, m_namespace;
    int m_port = 0;
    int m_db = -1;
    int m_timeoutMs = 5000;
    int m_connectTimeoutMs = 0; // 0: ConnectionOptions' default
    bool m_tls = false, m_insecure = false, m_noVerifyHostname = false, m_askpass = false, m_askpassKey = false;
    std::vector<std::string> m_sentinels, m_cluster;
};

std::string readPasswordFromTerminal(const std::string& prompt);

} // namespace kiq::cli
