#pragma once

// Small text helpers for the JSON that Sidekiq writes (Ruby's JSON.generate): string quoting and
// unquoting, UTF-8 checks and display truncation. No allocation beyond the returned strings; all
// functions are pure and safe on arbitrary bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace kiq::sidekiq::json {
// Appends `text` as a JSON string literal (with quotes), escaping like Ruby's JSON.generate:
// '"', '\\', \b \f \n \r \t, other control characters as \u00XX (lowercase hex); '/' and
// non-ASCII are written as-is. Invalid UTF-8 sequences are replaced by U+FFFD, the way Sidekiq
// scrubs error messages, so the output is always valid JSON.
void appendQuoted(std::string& out, std::string_view text);
std::string quoted(std::string_view text);

// Decodes the inside of a JSON string token (without the surrounding quotes). Escapes are
// resolved; a lone surrogate in \uXXXX becomes U+FFFD. Invalid escapes are copied verbatim,
// so this never fails; validate the token first (JsonScanner) if that matters.
std::string unescape(std::string_view inner);

// Length of the valid UTF-8 sequence starting at text[pos] (1 for ASCII), or 0 if the bytes
// there are not valid UTF-8.
std::size_t utf8SequenceLength(std::string_view text, std::size_t pos);

bool isValidUtf8(std::string_view text);

// Byte offset of the first invalid UTF-8 sequence, or npos. Same rules as simdjson (no
// overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t findInvalidUtf8(std::string_view text);

// Copy of `text` with invalid UTF-8 sequences replaced by U+FFFD.
std::string scrubUtf8(std::string_view text);

// The longest prefix of `text` holding at most `maxChars` code points (never splits a UTF-8
// sequence).
std::string_view prefixChars(std::string_view text, std::size_t maxChars);

// `text` cut to `maxChars` code points, with "…" appended when something was cut.
std::string truncateChars(std::string_view text, std::size_t maxChars);
} // namespace kiq::sidekiq::json
