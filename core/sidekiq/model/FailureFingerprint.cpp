#include "sidekiq/model/FailureFingerprint.h"

#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/JobRecord.h"

#include <algorithm>

namespace kiq::sidekiq {
namespace {
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isWordChar(char c)
{
    return isDigit(c) || isAlpha(c) || c == '_';
}
bool isHexDigit(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// 8-4-4-4-12 hex digits at text[i], not followed by another word character.
bool uuidAt(std::string_view text, std::size_t i)
{
    static constexpr std::size_t groups[] = {8, 4, 4, 4, 12};
    std::size_t pos = i;
    for (std::size_t g = 0; g < 5; ++g) {
        if (g > 0) {
            if (pos >= text.size() || text[pos] != '-') return false;
            ++pos;
        }
        for (std::size_t k = 0; k < groups[g]; ++k, ++pos) {
            if (pos >= text.size() || !isHexDigit(text[pos])) return false;
        }
    }
    return pos >= text.size() || !isWordChar(text[pos]);
}

bool isEmailLocalChar(char c)
{
    return isWordChar(c) || c == '.' || c == '%' || c == '+' || c == '-';
}

// local@domain.tld at text[i]; returns its length or 0. Part lengths are capped (RFC 5321: 64
// and 255) so that scanning stays linear on messages like "a.a.a.a…".
std::size_t emailAt(std::string_view text, std::size_t i)
{
    std::size_t pos = i;
    while (pos < text.size() && pos - i <= 64 && isEmailLocalChar(text[pos])) ++pos;
    if (pos == i || pos >= text.size() || text[pos] != '@') return 0;
    const std::size_t domainStart = ++pos;
    std::size_t lastDot = std::string_view::npos;
    while (pos < text.size() && pos - domainStart <= 255
        && (isWordChar(text[pos]) || text[pos] == '-' || text[pos] == '.')) {
        if (text[pos] == '.') lastDot = pos;
        ++pos;
    }
    // Do not swallow a sentence-ending dot.
    while (pos > domainStart && text[pos - 1] == '.') {
        --pos;
        lastDot = text.substr(domainStart, pos - domainStart).rfind('.');
        if (lastDot != std::string_view::npos) lastDot += domainStart;
    }
    if (lastDot == std::string_view::npos || lastDot <= domainStart || pos - lastDot < 3) return 0;
    for (std::size_t k = lastDot + 1; k < pos; ++k) {
        if (!isAlpha(text[k])) return 0;
    }
    return pos - i;
}

void appendWord(std::string& out, std::string_view word)
{
    bool allDigits = true;
    bool allHex = true;
    bool anyDigit = false;
    for (const char c : word) {
        allDigits = allDigits && isDigit(c);
        allHex = allHex && isHexDigit(c);
        anyDigit = anyDigit || isDigit(c);
    }
    if (allDigits) {
        out.push_back('#');
        return;
    }
    if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
        bool hexTail = true;
        for (const char c : word.substr(2)) hexTail = hexTail && isHexDigit(c);
        if (hexTail) {
            out.append("<hex>");
            return;
        }
    }
    if (word.size() >= 8 && allHex && anyDigit) {
        out.append("<hex>");
        return;
    }
    // Identifiers keep short digit runs (utf8, md5, x86_64, http2); long ones are ids.
    std::size_t i = 0;
    while (i < word.size()) {
        if (!isDigit(word[i])) {
            out.push_back(word[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < word.size() && isDigit(word[j])) ++j;
        if (j - i >= 3)
            out.push_back('#');
        else
            out.append(word.substr(i, j - i));
        i = j;
    }
}

void fnv1a(std::uint64_t& hash, std::string_view bytes)
{
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
}
} // namespace

std::string normalizeErrorMessage(std::string_view text, std::size_t maxChars)
{
    std::string out;
    out.reserve(std::min<std::size_t>(text.size(), maxChars * 2));
    std::size_t i = 0;
    // Stop early: the output is cut to maxChars anyway (a 10,000-character message costs little).
    const std::size_t outputBudget = maxChars * 4 + 16;
    while (i < text.size() && out.size() < outputBudget) {
        const char c = text[i];
        const bool wordStart = i == 0 || !isWordChar(text[i - 1]);
        if (isSpace(c)) {
            while (i < text.size() && isSpace(text[i])) ++i;
            if (!out.empty()) out.push_back(' ');
            continue;
        }
        if ((c == '"' || c == '\'' || c == '`') && wordStart) {
            // An opening quote (not an apostrophe inside a word, as in "Couldn't").
            const char close = c == '`' ? '\'' : c;
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != close) {
                if (text[j] == '\\' && c == '"') ++j;
                ++j;
            }
            if (j < text.size() && j - i - 1 >= kFingerprintLongQuote) {
                out.push_back(c);
                out.append("<str>");
                out.push_back(close);
                i = j + 1;
                continue;
            }
            out.push_back(c);
            ++i;
            continue;
        }
        if (wordStart && isHexDigit(c) && uuidAt(text, i)) {
            out.append("<uuid>");
            i += 36;
            continue;
        }
        if (wordStart && isEmailLocalChar(c)) {
            if (const std::size_t len = emailAt(text, i)) {
                out.append("<email>");
                i += len;
                continue;
            }
        }
        if (isWordChar(c)) {
            std::size_t j = i;
            while (j < text.size() && isWordChar(text[j])) ++j;
            const std::string_view word = text.substr(i, j - i);
            appendWord(out, word);
            i = j;
            // 1.5 / 3.14159 → one "#".
            bool allDigits = true;
            for (const char w : word) allDigits = allDigits && isDigit(w);
            if (allDigits && i + 1 < text.size() && text[i] == '.' && isDigit(text[i + 1])) {
                i += 1;
                while (i < text.size() && isDigit(text[i])) ++i;
            }
            continue;
        }
        out.push_back(c);
        ++i;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    // Scrub so that a cut-off or binary message still gives valid UTF-8 for display.
    return json::truncateChars(json::scrubUtf8(out), maxChars);
}

FailureFingerprint FailureFingerprint::of(
    std::string_view errorClass, std::string_view errorMessage, std::string_view displayClass)
{
    FailureFingerprint f;
    f.errorClass = normalizeErrorMessage(errorClass);
    f.normalizedMessage = normalizeErrorMessage(errorMessage);
    f.displayClass = std::string(displayClass);
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    fnv1a(hash, f.errorClass);
    fnv1a(hash, std::string_view("\x1f", 1));
    fnv1a(hash, f.normalizedMessage);
    fnv1a(hash, std::string_view("\x1f", 1));
    fnv1a(hash, f.displayClass);
    f.hash = hash;
    return f;
}

FailureFingerprint FailureFingerprint::of(const JobRecord& job)
{
    return of(job.errorClass.value_or(std::string()), job.errorMessage.value_or(std::string()), job.displayClass);
}
} // namespace kiq::sidekiq
