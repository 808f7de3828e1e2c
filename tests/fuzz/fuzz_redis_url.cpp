// Connection URLs: any input either parses or throws UsageError; a parsed URL describes itself
// without its password.
#include "redis/ConnectionOptions.h"
#include "redis/Errors.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string url(reinterpret_cast<const char*>(data), size);
    try {
        const auto o = kiq::redis::parseRedisUrl(url);
        // The description must not depend on the password at all (a substring check would trip on a
        // password that happens to equal the port or the host).
        auto withoutPassword = o;
        withoutPassword.password.clear();
        if (o.describe() != withoutPassword.describe()) std::abort();
        (void)o.warnings();
    } catch (const kiq::redis::UsageError&) {
    }
    return 0;
}
