#pragma once

// The `error_backtrace` payload field: base64 of a zlib stream (RFC 1950, so the text starts with
// "eJ") holding a JSON array of strings (job_retry.rb `compress_backtrace`).
//   6.4–7.2.0 write Base64.encode64: a newline every 60 characters and at the end.
//   7.2.1+    write strict base64 (pack("m0")), no newlines.
// Sidekiq ≤6.x also reads a plain JSON array stored directly in the field. Encoding here follows
// 7.2.1+ (strict); decoding is lenient: whitespace is skipped and padding is optional.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq::BacktraceCodec {
struct Decoded {
    std::vector<std::string> lines; // when truncated, the last line is the marker saying so
    std::string error; // empty on success
    bool truncated = false;

    bool ok() const { return error.empty(); }
};

// Caps against a zip bomb: 87 KB of base64 can inflate to a JSON array of 22 M tiny entries, i.e.
// ~700 MB of strings. Only this much inflated JSON is read, only this many lines and bytes of text
// are kept; the rest is dropped behind a "truncated" marker line. Real backtraces (a few hundred
// lines; ~10,000 for a SystemStackError) fit.
constexpr std::size_t kMaxInflatedBytes = 4u << 20;
constexpr std::size_t kMaxLines = 10000;
constexpr std::size_t kMaxTextBytes = 2u << 20;

// Lines → JSON array → zlib (default level, like Zlib::Deflate.deflate) → strict base64.
std::string encode(const std::vector<std::string>& lines);

// The value of the field as stored in the payload (the JSON string's content, unescaped).
Decoded decode(std::string_view base64Text);

// The older form: the field holds a JSON array of strings (its raw JSON text).
Decoded decodeJsonArray(std::string_view jsonArray);

// Building blocks, exposed for tests and for other zlib/base64 users in core/sidekiq.
std::string base64EncodeStrict(std::string_view bytes);
// Skips ASCII whitespace; accepts missing padding; fails on any other non-alphabet byte.
std::optional<std::string> base64DecodeLenient(std::string_view text);
std::optional<std::string> zlibDeflate(std::string_view bytes);
// nullopt when the stream is invalid, truncated, or inflates to more than maxOutput bytes.
std::optional<std::string> zlibInflate(std::string_view bytes, std::size_t maxOutput = kMaxInflatedBytes);
} // namespace kiq::sidekiq::BacktraceCodec
