#pragma once

// A point in time as Sidekiq stores it in job payloads. Sidekiq 6.x/7.x write float epoch seconds
// (`1700000000.123`); Sidekiq 8.0+ writes integer epoch milliseconds for created_at, enqueued_at,
// failed_at and retried_at (job_util.rb@v8.0.0 `now_in_millis`). Readers tell them apart by the
// JSON number type, not by magnitude: a token with '.', 'e' or 'E' is seconds, an integer token is
// milliseconds (api.rb@v8.1.7 `JobRecord#time_from_timestamp`, job_retry.rb `time_for`).
// Scores, `beat` and `started_at` stay float seconds in every version.

#include "util/FloatFormat.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiq::sidekiq {
class Timestamp {
public:
    enum class Unit : std::uint8_t {
        Seconds, // float epoch seconds (Sidekiq 6/7, all scores)
        Milliseconds // integer epoch milliseconds (Sidekiq 8 payload timestamps)
    };

    Timestamp() = default;

    static Timestamp fromSeconds(double seconds);
    static Timestamp fromMillis(std::int64_t millis);
    // Current wall-clock time in the given unit.
    static Timestamp now(Unit unit = Unit::Seconds);

    // Parses a JSON number token (surrounding whitespace allowed). Returns nullopt for anything
    // that is not a JSON number, or an integer that does not fit in 64 bits.
    static std::optional<Timestamp> parse(std::string_view token);

    double seconds() const { return m_seconds; }
    // Exact for millisecond timestamps; rounded to the nearest ms for seconds.
    std::int64_t millis() const;
    Unit unit() const { return m_unit; }

    // The same instant in the other unit (seconds → ms rounds to the nearest ms).
    Timestamp as(Unit unit) const;

    // JSON text in this timestamp's own unit: `1700000000.0` or `1700000000000`.
    std::string toJson() const;

    bool operator==(const Timestamp& other) const = default;

private:
    double m_seconds = 0.0;
    std::int64_t m_millis = 0; // exact value when m_unit == Milliseconds
    Unit m_unit = Unit::Seconds;
};

// The formatter lives in util (the Redis client needs it too); Sidekiq code calls it by these names.
using util::appendRubyFloat;
using util::formatRubyFloat;
} // namespace kiq::sidekiq
