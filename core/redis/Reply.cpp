#include "redis/Reply.h"

#include "redis/Errors.h"
#include "util/ParseNumber.h"

namespace kiq::redis {

namespace {
const char* typeName(Reply::Type t)
{
    switch (t) {
    case Reply::Type::Nil:
        return "nil";
    case Reply::Type::Status:
        return "status";
    case Reply::Type::Error:
        return "error";
    case Reply::Type::Integer:
        return "integer";
    case Reply::Type::String:
        return "string";
    case Reply::Type::Array:
        return "array";
    }
    return "?";
}

[[noreturn]] void mismatch(const Reply& r, const char* wanted)
{
    r.throwIfError();
    throw ProtocolError(std::string("expected a ") + wanted + " reply, got " + typeName(r.type));
}
} // namespace

long long Reply::asInteger() const
{
    if (type == Type::Integer) return integer;
    if (type == Type::String) { // some commands (e.g. INCRBYFLOAT's friends, CONFIG) answer numbers as strings
        if (const auto v = util::parseInteger(str)) return *v;
    }
    mismatch(*this, "integer");
}

const std::string& Reply::asString() const
{
    if (type == Type::String || type == Type::Status) return str;
    mismatch(*this, "string");
}

std::optional<std::string> Reply::asOptionalString() const
{
    if (type == Type::Nil) return std::nullopt;
    return asString();
}

const std::vector<Reply>& Reply::asArray() const
{
    if (type == Type::Array || type == Type::Nil) return elements; // nil array: empty
    mismatch(*this, "array");
}

std::vector<std::string> Reply::asStringList() const
{
    std::vector<std::string> out;
    const auto& items = asArray();
    out.reserve(items.size());
    for (const auto& e : items) out.push_back(e.isNil() ? std::string() : e.asString());
    return out;
}

const Reply& Reply::throwIfError() const
{
    if (type == Type::Error) throw ReplyError(str);
    return *this;
}

std::string Reply::debugString() const
{
    switch (type) {
    case Type::Nil:
        return "(nil)";
    case Type::Status:
        return str;
    case Type::Error:
        return "(error) " + str;
    case Type::Integer:
        return "(integer) " + std::to_string(integer);
    case Type::String: {
        std::string out = "\"";
        for (unsigned char c : str) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += char(c);
            } else if (c >= 0x20 && c < 0x7f)
                out += char(c);
            else {
                static const char* hex = "0123456789abcdef";
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
        return out + "\"";
    }
    case Type::Array: {
        std::string out = "[";
        for (std::size_t i = 0; i < elements.size(); ++i) {
            if (i) out += ", ";
            out += elements[i].debugString();
        }
        return out + "]";
    }
    }
    return {};
}

} // namespace kiq::redis
