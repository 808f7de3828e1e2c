#include "sidekiq/json/JsonText.h"

#include <cstdint>

namespace kiq::sidekiq::json {
namespace {
constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD
} // namespace

// Table 3-7 of the Unicode standard: rejects overlong forms, surrogates and > U+10FFFF.
std::size_t utf8SequenceLength(std::string_view text, std::size_t pos)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char c = byte(pos);
    const std::size_t left = text.size() - pos;
    if (c < 0x80) return 1;
    const auto cont = [&](std::size_t i) { return (byte(pos + i) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return (left >= 2 && cont(1)) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3) return 0;
        const unsigned char c1 = byte(pos + 1);
        if (c == 0xE0 && (c1 < 0xA0 || c1 > 0xBF)) return 0;
        if (c == 0xED && (c1 < 0x80 || c1 > 0x9F)) return 0;
        return (cont(1) && cont(2)) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4) return 0;
        const unsigned char c1 = byte(pos + 1);
        if (c == 0xF0 && (c1 < 0x90 || c1 > 0xBF)) return 0;
        if (c == 0xF4 && (c1 < 0x80 || c1 > 0x8F)) return 0;
        return (cont(1) && cont(2) && cont(3)) ? 4 : 0;
    }
    return 0;
}

namespace {
void appendUtf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Parses 4 hex digits at inner[pos]; returns -1 when they are not all hex.
long hex4(std::string_view inner, std::size_t pos)
{
    if (pos + 4 > inner.size()) return -1;
    long value = 0;
    for (std::size_t i = pos; i < pos + 4; ++i) {
        const char c = inner[i];
        int digit = 0;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return -1;
        value = value * 16 + digit;
    }
    return value;
}
} // namespace

void appendQuoted(std::string& out, std::string_view text)
{
    out.reserve(out.size() + text.size() + 2);
    out.push_back('"');
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy runs of plain ASCII in one go; this is the common case.
        std::size_t run = i;
        while (run < text.size()) {
            const auto c = static_cast<unsigned char>(text[run]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
            ++run;
        }
        out.append(text.data() + i, run - i);
        i = run;
        if (i >= text.size()) break;

        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8SequenceLength(text, i);
            if (len == 0) {
                out.append(kReplacement);
                ++i;
            } else {
                out.append(text.data() + i, len);
                i += len;
            }
            continue;
        }
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.append("\\u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
        ++i;
    }
    out.push_back('"');
}

std::string quoted(std::string_view text)
{
    std::string out;
    appendQuoted(out, text);
    return out;
}

std::string unescape(std::string_view inner)
{
    std::string out;
    out.reserve(inner.size());
    std::size_t i = 0;
    while (i < inner.size()) {
        const std::size_t backslash = inner.find('\\', i);
        if (backslash == std::string_view::npos) {
            out.append(inner.substr(i));
            break;
        }
        out.append(inner.substr(i, backslash - i));
        i = backslash;
        if (i + 1 >= inner.size()) {
            out.push_back('\\');
            break;
        }
        const char e = inner[i + 1];
        switch (e) {
        case '"':
            out.push_back('"');
            i += 2;
            continue;
        case '\\':
            out.push_back('\\');
            i += 2;
            continue;
        case '/':
            out.push_back('/');
            i += 2;
            continue;
        case 'b':
            out.push_back('\b');
            i += 2;
            continue;
        case 'f':
            out.push_back('\f');
            i += 2;
            continue;
        case 'n':
            out.push_back('\n');
            i += 2;
            continue;
        case 'r':
            out.push_back('\r');
            i += 2;
            continue;
        case 't':
            out.push_back('\t');
            i += 2;
            continue;
        case 'u':
            break;
        default:
            out.append(inner.substr(i, 2));
            i += 2;
            continue;
        }
        const long unit = hex4(inner, i + 2);
        if (unit < 0) {
            out.append(inner.substr(i, 2));
            i += 2;
            continue;
        }
        i += 6;
        auto cp = static_cast<std::uint32_t>(unit);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by \uDC00-\uDFFF to form one code point.
            long low = -1;
            if (i + 1 < inner.size() && inner[i] == '\\' && inner[i + 1] == 'u') low = hex4(inner, i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
                i += 6;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        appendUtf8(out, cp);
    }
    return out;
}

std::size_t findInvalidUtf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8SequenceLength(text, i);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

bool isValidUtf8(std::string_view text)
{
    return findInvalidUtf8(text) == std::string_view::npos;
}

std::string scrubUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            out.push_back(text[i]);
            ++i;
            continue;
        }
        const std::size_t len = utf8SequenceLength(text, i);
        if (len == 0) {
            out.append(kReplacement);
            ++i;
        } else {
            out.append(text.substr(i, len));
            i += len;
        }
    }
    return out;
}

std::string_view prefixChars(std::string_view text, std::size_t maxChars)
{
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Every byte that is not a continuation byte starts a new code point.
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == maxChars) return text.substr(0, i);
            ++chars;
        }
    }
    return text;
}

std::string truncateChars(std::string_view text, std::size_t maxChars)
{
    const std::string_view prefix = prefixChars(text, maxChars);
    std::string out(prefix);
    if (prefix.size() < text.size()) out.append("\xE2\x80\xA6"); // …
    return out;
}
} // namespace kiq::sidekiq::json
