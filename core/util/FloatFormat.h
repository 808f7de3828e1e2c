#pragma once
// Doubles written the way Ruby's Float#to_s writes them, because Sidekiq stores scores and
// timestamps that way and readers (Sidekiq 8) tell seconds from milliseconds by the decimal point:
// shortest round-trip digits, fixed notation for 1e-4 <= |v| < 1e16, always a ".0" on whole numbers.

#include <string>

namespace kiq::util {

std::string formatFloat(double value);

} // namespace kiq::util
