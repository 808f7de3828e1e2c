#include "FloatFormat.h"

#include <charconv>
#include <cmath>

namespace kiq::util {

std::string formatFloat(double value)
{
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char buf[400];
    const double magnitude = std::fabs(value);
    const bool fixed = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e16);
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, fixed ? std::chars_format::fixed : std::chars_format::scientific);
    std::string out(buf, end);
    if (fixed && out.find('.') == std::string::npos) out += ".0";
    return out;
}

} // namespace kiq::util
