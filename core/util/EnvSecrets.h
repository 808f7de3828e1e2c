#pragma once
// The secrets Kiqdesk accepts through its environment (REDISCLI_AUTH as redis-cli reads it,
// KIQDESK_SENTINEL_AUTH, KIQDESK_ACL_PASSWORD, KIQDESK_KEY_PASSPHRASE), taken out of it once at start. Left there,
// every child would inherit them (a worker handler running `env` printed them), and /proc/<pid>/environ would show them
// to the user's other processes for as long as we run: the value is overwritten in place (that is the memory /proc
// reads) and the variable removed.
//
// Call it first thing in main(), before any thread exists: the environment is not thread-safe.

#include <optional>
#include <string>

namespace kiq::util {

struct EnvSecrets {
    std::optional<std::string> redisPassword; // REDISCLI_AUTH
    std::optional<std::string> sentinelPassword; // KIQDESK_SENTINEL_AUTH
    std::optional<std::string> aclPassword; // KIQDESK_ACL_PASSWORD
    std::optional<std::string> keyPassphrase; // KIQDESK_KEY_PASSPHRASE: the mTLS client key's
};

EnvSecrets takeEnvSecrets();

} // namespace kiq::util
