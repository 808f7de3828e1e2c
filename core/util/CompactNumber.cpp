#include "util/CompactNumber.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

namespace kiq::util {

CompactNumber compactNumber(double value)
{
    const double magnitude = std::abs(value);
    if (magnitude < 999.5) return {value, ""};
    static constexpr std::array<std::pair<double, const char*>, 4> kUnits {
        {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}}};
    for (const auto& [scale, suffix] : kUnits) {
        if (magnitude >= scale * 0.9995 || scale == 1e3) return {value / scale, suffix};
    }
    return {value, ""};
}

std::string formatCompact(double value)
{
    const CompactNumber n = compactNumber(value);
    char text[32];
    std::snprintf(text, sizeof text, "%.3g%s", n.scaled, n.suffix);
    return text;
}

} // namespace kiq::util
