// Filter expressions: any input parses or throws UsageError; a parsed filter evaluates on good and
// malformed jobs without crashing.
#include "redis/Errors.h"
#include "sidekiq/search/JobFilter.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto good = kiq::sidekiq::JobRecord::parse(
        R"({"class":"Billing::Charge","args":[1,"x"],"jid":"abc123","queue":"critical","error_class":"Net::ReadTimeout","error_message":"timeout 5","failed_at":1700000000.5})");
    static const auto bad = kiq::sidekiq::JobRecord::parse("{\"class\":");
    try {
        const auto filter = kiq::sidekiq::JobFilter::parse(std::string(reinterpret_cast<const char*>(data), size));
        (void)filter.matches(good, 1700003600.0);
        (void)filter.matches(bad, 1700003600.0);
    } catch (const kiq::redis::UsageError&) {
    }
    return 0;
}
