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
        const std::string d = o.describe();
        if (o.password.size() >= 4 && d.find(o.password) != std::string::npos && o.endpoint.host.find(o.password) == std::string::npos &&
            o.user.find(o.password) == std::string::npos)
            std::abort();
        (void)o.warnings();
    } catch (const kiq::redis::UsageError&) {
    }
    return 0;
}
