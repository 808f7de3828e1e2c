#pragma once
// Doubles written exactly as Ruby's Float#to_s (which JSON.generate uses) writes them, because
// Sidekiq stores scores and timestamps that way and Sidekiq 8 tells seconds from milliseconds by the
// decimal point: shortest round-trip digits, always a decimal point (`1700000000.0`), exponent form
// `1.0e+16` / `1.0e-05` outside 1e-4 <= |x| < 1e16; "NaN", "Infinity", "-Infinity" as Ruby writes them
// (not valid JSON: callers keep non-finite values out of payloads).

#include <string>

namespace kiq::util {

std::string formatRubyFloat(double value);
void appendRubyFloat(std::string& out, double value);

} // namespace kiq::util
