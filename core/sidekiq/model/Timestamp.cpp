#include "sidekiq/model/Timestamp.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace kiq::sidekiq {
namespace {
std::string_view trimJsonWhitespace(std::string_view s)
{
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

// JSON number grammar (RFC 8259 §6); sets isFloat when a fraction or exponent is present.
bool isJsonNumber(std::string_view s, bool& isFloat)
{
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    const std::size_t n = s.size();
    isFloat = false;
    if (i < n && s[i] == '-') ++i;
    if (i >= n || !digit(s[i])) return false;
    if (s[i] == '0')
        ++i;
    else
        while (i < n && digit(s[i])) ++i;
    if (i < n && s[i] == '.') {
        isFloat = true;
        ++i;
        if (i >= n || !digit(s[i])) return false;
        while (i < n && digit(s[i])) ++i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        isFloat = true;
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (i >= n || !digit(s[i])) return false;
        while (i < n && digit(s[i])) ++i;
    }
    return i == n;
}
} // namespace

Timestamp Timestamp::fromSeconds(double seconds)
{
    Timestamp t;
    t.m_seconds = seconds;
    t.m_unit = Unit::Seconds;
    return t;
}

Timestamp Timestamp::fromMillis(std::int64_t millis)
{
    Timestamp t;
    t.m_millis = millis;
    t.m_seconds = static_cast<double>(millis) / 1000.0;
    t.m_unit = Unit::Milliseconds;
    return t;
}

Timestamp Timestamp::now(Unit unit)
{
    const auto since = std::chrono::system_clock::now().time_since_epoch();
    if (unit == Unit::Milliseconds)
        return fromMillis(std::chrono::duration_cast<std::chrono::milliseconds>(since).count());
    return fromSeconds(std::chrono::duration<double>(since).count());
}

std::optional<Timestamp> Timestamp::parse(std::string_view token)
{
    token = trimJsonWhitespace(token);
    bool isFloat = false;
    if (!isJsonNumber(token, isFloat)) return std::nullopt;
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (isFloat) {
        double value = 0.0;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        // Out-of-range floats (1e999) are rejected rather than turned into infinity.
        if (ec != std::errc() || ptr != last || !std::isfinite(value)) return std::nullopt;
        return fromSeconds(value);
    }
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) return std::nullopt;
    return fromMillis(value);
}

std::int64_t Timestamp::millis() const
{
    if (m_unit == Unit::Milliseconds) return m_millis;
    return static_cast<std::int64_t>(std::llround(m_seconds * 1000.0));
}

Timestamp Timestamp::as(Unit unit) const
{
    if (unit == m_unit) return *this;
    return unit == Unit::Milliseconds ? fromMillis(millis()) : fromSeconds(m_seconds);
}

std::string Timestamp::toJson() const
{
    if (m_unit == Unit::Milliseconds) return std::to_string(m_millis);
    return formatRubyFloat(m_seconds);
}

} // namespace kiq::sidekiq
