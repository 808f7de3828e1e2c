#pragma once

// A strict, non-allocating-per-byte JSON scanner (RFC 8259) that reports byte spans instead of
// building values. It exists for two jobs simdjson cannot do:
//   * find the byte span of every top-level member of an object, so PayloadEditor can splice in new
//     values while keeping every other byte, and JobRecord can keep `args` as raw text;
//   * say at which byte a document is invalid ("invalid JSON at byte 37: …").
// Nesting is tracked with an explicit stack (no recursion), so deep documents cannot overflow the C
// stack. Strings are checked for UTF-8 with the same rules as simdjson. Linear in the input size.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq::json {
enum class Kind : std::uint8_t { Null, Boolean, Number, String, Array, Object };

// "null", "a boolean", "a number", "a string", "an array", "an object" (for error messages).
const char* describe(Kind kind);

struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;

    std::size_t size() const { return end - begin; }
    std::string_view in(std::string_view text) const { return text.substr(begin, end - begin); }
};

struct ScanError {
    std::size_t offset = 0;
    std::string message;
    bool invalidUtf8 = false;

    // "invalid JSON at byte 37: expected ',' or '}'" or "invalid UTF-8 at byte 12".
    std::string describe() const;
};

struct Member {
    std::string key; // unescaped
    Span segment; // everything between the preceding '{' or ',' and the following ',' or '}'
    Span keyToken; // the key including its quotes
    Span value; // the value's text, without surrounding whitespace
    Kind kind = Kind::Null;
};

struct ObjectScan {
    std::optional<Kind> rootKind; // set once the first byte of the document was recognised
    Span braces; // '{' .. '}' inclusive, when the root is an object
    std::vector<Member> members; // on error: the members completed before the error
    std::optional<ScanError> error;
    // Deepest nesting seen in an object root ({} = 1, {"a":[]} = 2). Ruby's JSON.parse, which
    // Sidekiq uses, refuses documents deeper than 100 (max_nesting).
    std::size_t depth = 0;

    bool ok() const { return !error && rootKind == Kind::Object; }
    // Index of the last member called `key` (Ruby's JSON.parse keeps the last duplicate).
    const Member* find(std::string_view key) const;
};

// Validates `text` as one JSON document and, when its root is an object, lists the top-level
// members. A valid document whose root is not an object yields no error but rootKind != Object.
ObjectScan scanObject(std::string_view text);

// Validates `text` as exactly one JSON value (surrounding whitespace allowed).
std::optional<ScanError> validate(std::string_view text, Kind* kind = nullptr);

// Elements of a JSON array document, as spans (the array must be valid; returns nullopt if not).
std::optional<std::vector<Span>> arrayElements(std::string_view text);
} // namespace kiq::sidekiq::json
