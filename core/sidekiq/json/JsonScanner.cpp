#include "sidekiq/json/JsonScanner.h"

#include "sidekiq/json/JsonText.h"

#include <algorithm>
#include <cstdio>

namespace kiq::sidekiq::json {
namespace {
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::string showByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    char buf[16];
    if (u >= 0x20 && u < 0x7F)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else
        std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
    return buf;
}

std::optional<Kind> classify(char c)
{
    switch (c) {
    case '{':
        return Kind::Object;
    case '[':
        return Kind::Array;
    case '"':
        return Kind::String;
    case 't':
    case 'f':
        return Kind::Boolean;
    case 'n':
        return Kind::Null;
    default:
        break;
    }
    if (c == '-' || isDigit(c)) return Kind::Number;
    return std::nullopt;
}

class Scanner {
public:
    explicit Scanner(std::string_view text)
        : m_text(text)
    {
    }

    std::size_t pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }
    void advance() { ++m_pos; }
    std::optional<ScanError> takeError() { return std::move(m_error); }

    void skipWhitespace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++m_pos;
        }
    }

    bool fail(std::size_t at, std::string message, bool utf8 = false)
    {
        if (!m_error) m_error = ScanError {at, std::move(message), utf8};
        return false;
    }

    bool failEnd(const char* expected)
    {
        return fail(m_pos, std::string("unexpected end of input, expected ") + expected);
    }

    // At '"'. Consumes the string; when `unescaped` is given, stores its decoded content.
    bool string(std::string* unescaped = nullptr)
    {
        const std::size_t open = m_pos++;
        bool escaped = false;
        const std::size_t n = m_text.size();
        for (;;) {
            // Fast path over plain ASCII.
            while (m_pos < n) {
                const auto c = static_cast<unsigned char>(m_text[m_pos]);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
                ++m_pos;
            }
            if (m_pos >= n) return fail(open, "unterminated string");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') break;
            if (c == '\\') {
                escaped = true;
                if (m_pos + 1 >= n) return fail(open, "unterminated string");
                const char e = m_text[m_pos + 1];
                if (e == 'u') {
                    const long unit = hex4(m_pos + 2);
                    if (unit < 0) return fail(m_pos, "invalid \\u escape in string");
                    // Ruby's JSON.parse rejects a high surrogate without its low half.
                    if (unit >= 0xD800 && unit <= 0xDBFF) {
                        const bool pair = m_pos + 7 < n && m_text[m_pos + 6] == '\\' && m_text[m_pos + 7] == 'u';
                        const long low = pair ? hex4(m_pos + 8) : -1;
                        if (low < 0xDC00 || low > 0xDFFF) return fail(m_pos, "incomplete surrogate pair in \\u escape");
                        m_pos += 6;
                    }
                    m_pos += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                    || e == 't') {
                    m_pos += 2;
                } else {
                    return fail(m_pos, "invalid escape sequence in string");
                }
                continue;
            }
            if (c < 0x20) return fail(m_pos, "unescaped control character in string");
            // Non-ASCII: one UTF-8 sequence.
            const std::size_t len = utf8SequenceLength(m_text, m_pos);
            if (len == 0) return fail(m_pos, "invalid UTF-8", true);
            m_pos += len;
        }
        if (unescaped) {
            const std::string_view inner = m_text.substr(open + 1, m_pos - open - 1);
            if (escaped)
                *unescaped = unescape(inner);
            else
                unescaped->assign(inner);
        }
        ++m_pos; // closing quote
        return true;
    }

    long hex4(std::size_t at) const
    {
        if (at + 4 > m_text.size()) return -1;
        long value = 0;
        for (std::size_t i = at; i < at + 4; ++i) {
            const char h = m_text[i];
            int digit = 0;
            if (isDigit(h))
                digit = h - '0';
            else if (h >= 'a' && h <= 'f')
                digit = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F')
                digit = h - 'A' + 10;
            else
                return -1;
            value = value * 16 + digit;
        }
        return value;
    }

    bool number()
    {
        const std::size_t start = m_pos;
        const std::size_t n = m_text.size();
        if (m_text[m_pos] == '-') ++m_pos;
        if (m_pos >= n || !isDigit(m_text[m_pos])) return fail(start, "invalid number");
        if (m_text[m_pos] == '0') {
            ++m_pos;
        } else {
            while (m_pos < n && isDigit(m_text[m_pos])) ++m_pos;
        }
        if (m_pos < n && m_text[m_pos] == '.') {
            ++m_pos;
            if (m_pos >= n || !isDigit(m_text[m_pos])) return fail(start, "invalid number: expected a digit after '.'");
            while (m_pos < n && isDigit(m_text[m_pos])) ++m_pos;
        }
        if (m_pos < n && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < n && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
            if (m_pos >= n || !isDigit(m_text[m_pos]))
                return fail(start, "invalid number: expected a digit in the exponent");
            while (m_pos < n && isDigit(m_text[m_pos])) ++m_pos;
        }
        if (m_pos < n && (isDigit(m_text[m_pos]) || m_text[m_pos] == '.')) return fail(start, "invalid number");
        return true;
    }

    bool literal()
    {
        for (std::string_view word : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
            if (m_text.substr(m_pos, word.size()) == word) {
                m_pos += word.size();
                return true;
            }
        }
        return fail(m_pos, "invalid literal, expected true, false or null");
    }

    // A string, number or literal at the current position.
    bool scalar(Kind& kind)
    {
        const char c = m_text[m_pos];
        const std::optional<Kind> k = classify(c);
        if (!k || *k == Kind::Object || *k == Kind::Array)
            return fail(m_pos, "unexpected " + showByte(c) + ", expected a value");
        kind = *k;
        switch (*k) {
        case Kind::String:
            return string();
        case Kind::Number:
            return number();
        default:
            return literal();
        }
    }

    // Any value at the current position (after whitespace). Arrays and objects are walked
    // with an explicit stack.
    bool value(Kind& kind)
    {
        skipWhitespace();
        if (atEnd()) return failEnd("a value");
        const char first = m_text[m_pos];
        if (first != '{' && first != '[') return scalar(kind);
        kind = first == '{' ? Kind::Object : Kind::Array;

        enum class State { AfterOpen, AfterComma, AfterValue };
        std::vector<char> stack;
        stack.push_back(first);
        m_maxDepth = std::max(m_maxDepth, m_baseDepth + stack.size());
        ++m_pos;
        State state = State::AfterOpen;
        for (;;) {
            skipWhitespace();
            const bool inObject = stack.back() == '{';
            const char close = inObject ? '}' : ']';
            if (atEnd())
                return failEnd(state == State::AfterValue ? (inObject ? "',' or '}'" : "',' or ']'")
                                                          : (inObject ? "an object key" : "a value"));
            char c = m_text[m_pos];
            if (state == State::AfterValue) {
                if (c == ',') {
                    ++m_pos;
                    state = State::AfterComma;
                    continue;
                }
                if (c == close) {
                    ++m_pos;
                    stack.pop_back();
                    if (stack.empty()) return true;
                    continue;
                }
                return fail(m_pos,
                    inObject ? "expected ',' or '}' after object member, found " + showByte(c)
                             : "expected ',' or ']' after array element, found " + showByte(c));
            }
            if (c == close) {
                if (state == State::AfterComma)
                    return fail(m_pos, inObject ? "trailing comma in object" : "trailing comma in array");
                ++m_pos;
                stack.pop_back();
                if (stack.empty()) return true;
                state = State::AfterValue;
                continue;
            }
            if (inObject) {
                if (c != '"') return fail(m_pos, "expected a string object key, found " + showByte(c));
                if (!string()) return false;
                skipWhitespace();
                if (atEnd()) return failEnd("':'");
                if (m_text[m_pos] != ':')
                    return fail(m_pos, "expected ':' after object key, found " + showByte(m_text[m_pos]));
                ++m_pos;
                skipWhitespace();
                if (atEnd()) return failEnd("a value");
                c = m_text[m_pos];
            }
            if (c == '{' || c == '[') {
                stack.push_back(c);
                m_maxDepth = std::max(m_maxDepth, m_baseDepth + stack.size());
                ++m_pos;
                state = State::AfterOpen;
                continue;
            }
            Kind ignored;
            if (!scalar(ignored)) return false;
            state = State::AfterValue;
        }
    }

    bool expectEnd()
    {
        skipWhitespace();
        if (!atEnd()) return fail(m_pos, "unexpected " + showByte(m_text[m_pos]) + " after the end of the document");
        return true;
    }

    // Nesting depth of values parsed so far, counting `baseDepth` enclosing levels.
    std::size_t maxDepth() const { return m_maxDepth; }
    void setBaseDepth(std::size_t depth)
    {
        m_baseDepth = depth;
        m_maxDepth = std::max(m_maxDepth, depth);
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_baseDepth = 0;
    std::size_t m_maxDepth = 0;
    std::optional<ScanError> m_error;
};
} // namespace

const char* describe(Kind kind)
{
    switch (kind) {
    case Kind::Null:
        return "null";
    case Kind::Boolean:
        return "a boolean";
    case Kind::Number:
        return "a number";
    case Kind::String:
        return "a string";
    case Kind::Array:
        return "an array";
    case Kind::Object:
        return "an object";
    }
    return "?";
}

std::string ScanError::describe() const
{
    if (invalidUtf8) return "invalid UTF-8 at byte " + std::to_string(offset);
    return "invalid JSON at byte " + std::to_string(offset) + ": " + message;
}

const Member* ObjectScan::find(std::string_view key) const
{
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
        if (it->key == key) return &*it;
    }
    return nullptr;
}

ObjectScan scanObject(std::string_view text)
{
    ObjectScan result;
    Scanner s(text);
    s.skipWhitespace();
    if (s.atEnd()) {
        s.fail(s.pos(), "empty document");
        result.error = s.takeError();
        return result;
    }
    result.rootKind = classify(s.peek());
    if (result.rootKind != Kind::Object) {
        Kind kind;
        if (s.value(kind)) s.expectEnd();
        result.depth = s.maxDepth();
        result.error = s.takeError();
        return result;
    }

    result.braces.begin = s.pos();
    s.advance();
    s.setBaseDepth(1);
    std::size_t segmentStart = s.pos();
    s.skipWhitespace();
    if (!s.atEnd() && s.peek() == '}') {
        s.advance();
        result.braces.end = s.pos();
        s.expectEnd();
        result.depth = s.maxDepth();
        result.error = s.takeError();
        return result;
    }
    for (;;) {
        s.skipWhitespace();
        if (s.atEnd()) {
            s.failEnd("an object key");
            break;
        }
        if (s.peek() != '"') {
            s.fail(s.pos(),
                s.peek() == '}' ? std::string("trailing comma in object")
                                : "expected a string object key, found " + showByte(s.peek()));
            break;
        }
        Member member;
        member.keyToken.begin = s.pos();
        if (!s.string(&member.key)) break;
        member.keyToken.end = s.pos();
        s.skipWhitespace();
        if (s.atEnd()) {
            s.failEnd("':'");
            break;
        }
        if (s.peek() != ':') {
            s.fail(s.pos(), "expected ':' after object key, found " + showByte(s.peek()));
            break;
        }
        s.advance();
        s.skipWhitespace();
        member.value.begin = s.pos();
        if (!s.value(member.kind)) break;
        member.value.end = s.pos();
        s.skipWhitespace();
        if (s.atEnd()) {
            s.failEnd("',' or '}'");
            break;
        }
        const char c = s.peek();
        if (c != ',' && c != '}') {
            s.fail(s.pos(), "expected ',' or '}' after object member, found " + showByte(c));
            break;
        }
        member.segment = Span {segmentStart, s.pos()};
        result.members.push_back(std::move(member));
        s.advance();
        if (c == '}') {
            result.braces.end = s.pos();
            s.expectEnd();
            break;
        }
        segmentStart = s.pos();
    }
    result.depth = s.maxDepth();
    result.error = s.takeError();
    return result;
}

std::optional<ScanError> validate(std::string_view text, Kind* kind)
{
    Scanner s(text);
    Kind k = Kind::Null;
    if (s.value(k)) s.expectEnd();
    if (kind) *kind = k;
    return s.takeError();
}

std::optional<std::vector<Span>> arrayElements(std::string_view text)
{
    Scanner s(text);
    s.skipWhitespace();
    if (s.atEnd() || s.peek() != '[') return std::nullopt;
    s.advance();
    std::vector<Span> elements;
    s.skipWhitespace();
    if (!s.atEnd() && s.peek() == ']') {
        s.advance();
        return s.expectEnd() ? std::optional(elements) : std::nullopt;
    }
    for (;;) {
        s.skipWhitespace();
        Span span;
        span.begin = s.pos();
        Kind kind;
        if (!s.value(kind)) return std::nullopt;
        span.end = s.pos();
        elements.push_back(span);
        s.skipWhitespace();
        if (s.atEnd()) return std::nullopt;
        const char c = s.peek();
        s.advance();
        if (c == ']') break;
        if (c != ',') return std::nullopt;
    }
    return s.expectEnd() ? std::optional(elements) : std::nullopt;
}
} // namespace kiq::sidekiq::json
