#include "util/ParseNumber.h"

#include <charconv>
#include <cmath>

namespace kiq::util {

std::optional<long long> parseInteger(std::string_view text)
{
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<double> parseDouble(std::string_view text)
{
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<int> parsePort(std::string_view text)
{
    const auto value = parseInteger(text);
    if (!value || *value < 1 || *value > 65535) return std::nullopt;
    return static_cast<int>(*value);
}

} // namespace kiq::util
