#pragma once

// The job payload's `retry` field (job_retry.rb). Ruby truthiness matters here:
//   true      → retry up to max_retries (default 25), then the morgue;
//   false     → no retry and no morgue: the job is dropped after the death handlers run;
//   Integer n → retry up to n times; 0 is truthy, so `retry: 0` goes straight to the morgue;
//   missing   → JobRetry#local falls back to the worker class's sidekiq_options (default true),
//               but if the class cannot be loaded the global handler sees nil and drops the job.
// A compatible producer must always write `retry` (docs/sidekiq-data-model.md §4).

#include <cstdint>
#include <string>

namespace kiq::sidekiq {
struct RetryPolicy {
    enum class Kind : std::uint8_t {
        Default, // key absent: the worker class's option applies
        True,
        False,
        Count
    };

    Kind kind = Kind::Default;
    std::int64_t count = 0; // only meaningful for Kind::Count

    static RetryPolicy always() { return {Kind::True, 0}; }
    static RetryPolicy never() { return {Kind::False, 0}; }
    static RetryPolicy times(std::int64_t n) { return {Kind::Count, n}; }

    // Maximum number of retries, as JobRetry#retry_attempts_from computes it. Default and True
    // both use `maxRetries`; False gives 0 (never retried).
    std::int64_t maxRetries(std::int64_t defaultMax = 25) const
    {
        switch (kind) {
        case Kind::Count:
            return count;
        case Kind::False:
            return 0;
        default:
            return defaultMax;
        }
    }

    // JSON text for the payload: "true", "false" or the integer ("true" for Default).
    std::string toJson() const
    {
        switch (kind) {
        case Kind::False:
            return "false";
        case Kind::Count:
            return std::to_string(count);
        default:
            return "true";
        }
    }

    bool operator==(const RetryPolicy&) const = default;
};
} // namespace kiq::sidekiq
