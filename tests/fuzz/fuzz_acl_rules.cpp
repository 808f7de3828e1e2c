// ACL rules: what parses must print and parse back to the same rules, and hashing must leave no
// clear-text password behind.
#include "acl/AclRules.h"
#include "redis/Errors.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto rules = kiq::acl::AclRules::parse(text);
        const std::string printed = rules.toString();
        if (kiq::acl::AclRules::parse(printed).toString() != printed) std::abort();
        const auto hashed = rules.hashedPasswords();
        if (!hashed.addPasswords.empty() || !hashed.removePasswords.empty()) std::abort();
    } catch (const kiq::redis::UsageError&) {
    }
    return 0;
}
