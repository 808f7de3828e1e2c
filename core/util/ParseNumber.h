#pragma once
// Whole-string number parses (no sign but '-', no spaces, no trailing text) that return nullopt
// instead of throwing: what they read comes from servers and users, and a bad number must become an
// error of our own tree (util/Error.h) that says where it came from, not a bare std::invalid_argument.

#include <optional>
#include <string_view>

namespace kiq::util {

std::optional<long long> parseInteger(std::string_view text);
std::optional<double> parseDouble(std::string_view text);
// A TCP port, 1 to 65535.
std::optional<int> parsePort(std::string_view text);

} // namespace kiq::util
