#pragma once
// A Redis reply as a value. RESP2 only: hiredis 0.14's reader does not know RESP3.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redis {

struct Reply {
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    std::string str; // Status, Error and String payloads
    long long integer = 0; // Integer
    std::vector<Reply> elements; // Array

    static Reply nil() { return {}; }
    static Reply status(std::string s) { return {Type::Status, std::move(s), 0, {}}; }
    static Reply error(std::string s) { return {Type::Error, std::move(s), 0, {}}; }
    static Reply fromInteger(long long v) { return {Type::Integer, {}, v, {}}; }
    static Reply string(std::string s) { return {Type::String, std::move(s), 0, {}}; }
    static Reply array(std::vector<Reply> e) { return {Type::Array, {}, 0, std::move(e)}; }

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isArray() const { return type == Type::Array; }

    // Typed accessors throw ProtocolError on a type mismatch and rethrow server errors as ReplyError,
    // so callers can write `client.command(...).asInteger()` without checking first.
    long long asInteger() const;
    const std::string& asString() const; // String or Status
    std::optional<std::string> asOptionalString() const; // Nil becomes nullopt
    const std::vector<Reply>& asArray() const; // Nil becomes an empty array
    std::vector<std::string> asStringList() const; // Array of strings; nil elements become ""
    bool isOk() const { return type == Type::Status && str == "OK"; }

    // Throws ReplyError if this is a server error reply; returns *this otherwise.
    const Reply& throwIfError() const;

    // Readable one-line form for logs and the CLI (bulk strings are quoted and escaped).
    std::string debugString() const;
};

} // namespace kiq::redis
