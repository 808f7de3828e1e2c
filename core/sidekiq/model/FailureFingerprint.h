#pragma once

// Grouping key for "failures by cause" in the retry and dead sets: error class + normalised error
// message + the job's display class. Normalisation removes the parts of a message that differ
// between occurrences of the same failure:
//   UUIDs → <uuid>, e-mail addresses → <email>, hex ids (0x… or ≥ 8 hex digits with a digit) →
//   <hex>, numbers → #, digit runs of 3+ inside words (user_12345 → user_#), quoted strings of 16+
//   characters → "<str>"; whitespace runs become one space; the result is cut to 200 code points.
// The hash is FNV-1a 64 over the three parts, so it is stable across runs and machines (usable as
// a persistent key), unlike std::hash.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kiq::sidekiq {
struct JobRecord;

struct FailureFingerprint {
    std::string errorClass; // normalised the same way (anonymous classes carry addresses)
    std::string normalizedMessage;
    std::string displayClass;
    std::uint64_t hash = 0;

    static FailureFingerprint of(
        std::string_view errorClass, std::string_view errorMessage, std::string_view displayClass);
    static FailureFingerprint of(const JobRecord& job);

    bool operator==(const FailureFingerprint&) const = default;
};

constexpr std::size_t kFingerprintMaxChars = 200;
constexpr std::size_t kFingerprintLongQuote = 16;

std::string normalizeErrorMessage(std::string_view message, std::size_t maxChars = kFingerprintMaxChars);
} // namespace kiq::sidekiq
