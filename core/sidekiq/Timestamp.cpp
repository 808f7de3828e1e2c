#include "sidekiq/Timestamp.h"

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

void appendRubyFloat(std::string& out, double value)
{
    if (std::isnan(value)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(value)) {
        out.append(value < 0 ? "-Infinity" : "Infinity");
        return;
    }
    // Shortest round-trip digits in scientific form: "[-]d[.ddd]e±XX".
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));
    if (!sci.empty() && sci.front() == '-') {
        out.push_back('-');
        sci.remove_prefix(1);
    }
    const std::size_t ePos = sci.find('e');
    const std::string_view mantissa = sci.substr(0, ePos);
    int exponent = 0;
    std::from_chars(sci.data() + ePos + 1 + (sci[ePos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
    std::string digits;
    digits.reserve(mantissa.size());
    for (const char c : mantissa) {
        if (c != '.') digits.push_back(c);
    }
    // Ruby's flo_to_s: decpt is the position of the decimal point relative to the digits.
    const int decpt = exponent + 1;
    const int ndigits = static_cast<int>(digits.size());
    if (decpt > 0 && decpt <= 15) { // DBL_DIG
        if (ndigits <= decpt) {
            out.append(digits);
            out.append(static_cast<std::size_t>(decpt - ndigits), '0');
            out.append(".0");
        } else {
            out.append(digits, 0, static_cast<std::size_t>(decpt));
            out.push_back('.');
            out.append(digits, static_cast<std::size_t>(decpt));
        }
    } else if (decpt <= 0 && decpt > -4) {
        out.append("0.");
        out.append(static_cast<std::size_t>(-decpt), '0');
        out.append(digits);
    } else {
        out.push_back(digits[0]);
        out.push_back('.');
        if (ndigits > 1)
            out.append(digits, 1);
        else
            out.push_back('0');
        char exp[8];
        const int e = decpt - 1;
        const int len = std::snprintf(exp, sizeof exp, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        out.append(exp, static_cast<std::size_t>(len));
    }
}

std::string formatRubyFloat(double value)
{
    std::string out;
    appendRubyFloat(out, value);
    return out;
}
} // namespace kiq::sidekiq
