#include "util/EnvSecrets.h"

#include <cstdlib>
#include <cstring>

namespace kiq::util {

namespace {
std::optional<std::string> take(const char* name)
{
    char* value = std::getenv(name);
    if (!value) return std::nullopt;
    std::string copy(value);
    // Volatile stores: an optimiser must not drop a write to memory it thinks is never read again.
    for (volatile char* p = value; *p; ++p) *p = '\0';
    ::unsetenv(name);
    return copy;
}
} // namespace

EnvSecrets takeEnvSecrets()
{
    EnvSecrets s;
    s.redisPassword = take("REDISCLI_AUTH");
    s.sentinelPassword = take("KIQDESK_SENTINEL_AUTH");
    s.aclPassword = take("KIQDESK_ACL_PASSWORD");
    s.keyPassphrase = take("KIQDESK_KEY_PASSPHRASE");
    return s;
}

} // namespace kiq::util
