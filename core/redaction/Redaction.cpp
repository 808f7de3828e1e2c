#include "redaction/Redaction.h"

#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/json/JsonText.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace kiq::redaction {
namespace {

namespace json = sidekiq::json;

// Deeper than this, a value is hidden whole: the walker recurses, and Sidekiq's own parser refuses
// documents deeper than 100 anyway.
constexpr int kMaxDepth = 200;

// Sidekiq's bookkeeping at the top of a payload. Value patterns skip them: a 13-digit millisecond
// `created_at` passes the Luhn check one time in ten, and a JID is no secret.
// error_backtrace is compressed and encoded: its decoded lines go through text() where they are shown.
constexpr std::array<std::string_view, 17> kBookkeeping {"jid", "class", "queue", "created_at", "enqueued_at",
    "failed_at", "retried_at", "retry_count", "retry", "at", "bid", "wrapped", "error_class", "dead", "backtrace",
    "lock", "error_backtrace"};

bool isBookkeeping(std::string_view key)
{
    return std::find(kBookkeeping.begin(), kBookkeeping.end(), key) != kBookkeeping.end();
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// "refreshToken" -> "refresh token", "x-api_KEY" -> "x api key"; words as lower-case, in order.
std::vector<std::string> wordsOf(std::string_view key)
{
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) words.push_back(std::move(word));
        word.clear();
    };
    for (std::size_t i = 0; i < key.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(key[i]);
        if (!std::isalnum(c) && c < 0x80) {
            flush();
            continue;
        }
        if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(key[i - 1]))) flush();
        word.push_back(static_cast<char>(std::tolower(c)));
    }
    flush();
    return words;
}

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& w : words) out += w;
    return out;
}

bool luhn(std::string_view digits)
{
    int sum = 0;
    bool doubled = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

// A card number: 14–19 digits (spaces or dashes between them allowed) passing the Luhn check.
bool isCardNumber(std::string_view text)
{
    std::string digits;
    for (char c : text)
        if (c >= '0' && c <= '9') digits.push_back(c);
    return digits.size() >= 14 && digits.size() <= 19 && luhn(digits);
}

std::optional<std::vector<std::string>> parsePathSteps(std::string_view path, std::string* error)
{
    if (path.starts_with("$."))
        path.remove_prefix(2);
    else if (path.starts_with("$"))
        path.remove_prefix(1);
    std::vector<std::string> steps; // "name" or "[index]"
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '.') {
            if (i == 0 || i + 1 == path.size() || path[i + 1] == '.' || path[i + 1] == '[') {
                *error = std::string(path) + ": a '.' must be followed by a name";
                return std::nullopt;
            }
            ++i;
        }
        if (path[i] == '[') {
            const auto close = path.find(']', i);
            if (close == std::string_view::npos) {
                *error = std::string(path) + ": '[' without ']'";
                return std::nullopt;
            }
            const auto inside = path.substr(i + 1, close - i - 1);
            const bool number = !inside.empty() && inside.size() < 10
                && std::all_of(inside.begin(), inside.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!number && inside != "*") {
                *error = std::string(path) + ": an index must be a number or *";
                return std::nullopt;
            }
            steps.push_back("[" + std::string(inside) + "]");
            i = close + 1;
            continue;
        }
        const auto end = path.find_first_of(".[", i);
        const auto name = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (name.empty()) {
            *error = std::string(path) + ": an empty name";
            return std::nullopt;
        }
        steps.emplace_back(name);
        i = end == std::string_view::npos ? path.size() : end;
    }
    if (steps.empty()) {
        *error = "an empty path";
        return std::nullopt;
    }
    return steps;
}

} // namespace

std::vector<std::string> RedactionRules::defaultKeys()
{
    return {"password", "passwd", "secret", "token", "api_key", "authorization", "card", "cvv", "ssn", "private_key"};
}

RedactionRules RedactionRules::none()
{
    RedactionRules r;
    r.enabled = false;
    return r;
}

std::vector<std::string> splitList(std::string_view text)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find_first_of(",\n", start);
        if (end == std::string_view::npos) end = text.size();
        auto item = text.substr(start, end - start);
        while (!item.empty() && (isSpace(item.front()))) item.remove_prefix(1);
        while (!item.empty() && (isSpace(item.back()))) item.remove_suffix(1);
        if (!item.empty()) items.emplace_back(item);
        start = end + 1;
    }
    return items;
}

std::string joinList(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

std::string checkPath(std::string_view path)
{
    std::string error;
    return parsePathSteps(path, &error) ? std::string() : error;
}

Redactor::Redactor(RedactionRules rules)
    : m_rules(std::move(rules))
{
    for (const auto& k : m_rules.keys)
        if (auto w = joined(wordsOf(k)); !w.empty()) m_keys.push_back(std::move(w));
    if (m_rules.emails) m_keys.push_back("email");
    for (const auto& p : m_rules.paths) {
        std::string error;
        const auto steps = parsePathSteps(p, &error);
        if (!steps) continue; // the settings dialog refuses these (checkPath); a hand-edited file skips them
        std::vector<PathStep> rule;
        for (const auto& s : *steps) {
            if (s.starts_with('['))
                rule.push_back({{}, s == "[*]" ? kAnyIndex : std::stol(s.substr(1, s.size() - 2))});
            else
                rule.push_back({s, -1});
        }
        m_paths.push_back(std::move(rule));
    }

    QStringList alternatives;
    if (m_rules.valuePatterns) {
        alternatives << QStringLiteral("(?<jwt>\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*)")
                     << QStringLiteral("(?<pem>-----BEGIN[A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END[A-Z ]*PRIVATE "
                                       "KEY-----|$))")
                     << QStringLiteral("(?<aws>\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b)")
                     << QStringLiteral("(?<card>(?<![0-9])[0-9](?:[ -]?[0-9]){13,18}(?![0-9]))");
    }
    if (m_rules.emails)
        alternatives << QStringLiteral("(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)");
    if (!alternatives.isEmpty()) m_patterns.setPattern(alternatives.join(QLatin1Char('|')));
    // "key": value, key=value, key: value (a header "Authorization: Bearer …" hides the scheme's token too).
    m_pairs.setPattern(
        QStringLiteral("\"(?<qkey>[A-Za-z0-9_ -]{1,64})\"\\s*:\\s*(?<qval>\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]"
                       "\\s]+)|\\b(?<key>[A-Za-z][A-Za-z0-9_-]{0,63})\\s*[:=]\\s*(?<val>(?:Bearer|Basic|"
                       "Token)\\s+\\S+|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&\"]+)"));
}

bool Redactor::keyMatches(std::string_view key) const
{
    if (m_keys.empty()) return false;
    const auto words = wordsOf(key);
    // A rule matches a run of whole words: "token" matches access_token, not tokenizer.
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string run;
        for (std::size_t j = i; j < words.size(); ++j) {
            run += words[j];
            for (const auto& rule : m_keys)
                if (run == rule) return true;
            if (run.size() > 64) break;
        }
    }
    return false;
}

bool Redactor::pathMatches(const std::vector<PathStep>& path) const
{
    for (const auto& rule : m_paths) {
        if (rule.size() != path.size()) continue;
        bool all = true;
        for (std::size_t i = 0; i < rule.size() && all; ++i) {
            const auto& r = rule[i];
            const auto& p = path[i];
            if (r.name.empty())
                all = p.name.empty() && (r.index == kAnyIndex || r.index == p.index);
            else
                all = !p.name.empty() && (r.name == "*" || r.name == p.name);
        }
        if (all) return true;
    }
    return false;
}

std::string Redactor::patterns(std::string_view text, bool* changed) const
{
    *changed = false;
    if (m_patterns.pattern().isEmpty()) return std::string(text);
    const QString in = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    QString out;
    qsizetype last = 0;
    auto it = m_patterns.globalMatch(in);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.hasCaptured(u"card") && !isCardNumber(m.captured(u"card").toStdString())) continue;
        out += QStringView(in).mid(last, m.capturedStart() - last);
        out += QLatin1StringView(kMask.data(), static_cast<qsizetype>(kMask.size()));
        last = m.capturedEnd();
        *changed = true;
    }
    if (!*changed) return std::string(text);
    out += QStringView(in).mid(last);
    return out.toStdString();
}

std::string Redactor::text(std::string_view text) const
{
    if (!m_rules.enabled) return std::string(text);
    bool changed = false;
    return scrub(text, &changed);
}

std::string Redactor::scrub(std::string_view text, bool* changed) const
{
    const QString in = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    QString out;
    qsizetype last = 0;
    bool pairs = false;
    auto it = m_pairs.globalMatch(in);
    while (it.hasNext()) {
        const auto m = it.next();
        const bool quotedKey = m.hasCaptured(u"qkey");
        const QString key = m.captured(quotedKey ? u"qkey" : u"key");
        if (!keyMatches(key.toStdString())) continue;
        const QStringView valueName = quotedKey ? u"qval" : u"val";
        const bool quotedValue = m.captured(valueName).startsWith(QLatin1Char('"'));
        out += QStringView(in).mid(last, m.capturedStart(valueName) - last);
        const QString mask = QString::fromLatin1(kMask.data(), static_cast<qsizetype>(kMask.size()));
        out += quotedValue ? QLatin1Char('"') + mask + QLatin1Char('"') : mask;
        last = m.capturedEnd(valueName);
        pairs = true;
    }
    if (pairs) out += QStringView(in).mid(last);
    std::string result = pairs ? out.toStdString() : std::string(text);
    result = patterns(result, changed);
    *changed = *changed || pairs;
    return result;
}

// Copies a valid JSON document, replacing hidden values. Assumes the document was validated.
class Redactor::Walker {
public:
    Walker(const Redactor& r, std::string_view s, std::vector<PathStep> path)
        : m_r(r)
        , m_s(s)
        , m_path(std::move(path))
        , m_payloadRoot(m_path.empty())
    {
        m_out.reserve(s.size());
    }

    std::string run()
    {
        space();
        value(0, true, false);
        space();
        return std::move(m_out);
    }

private:
    void space()
    {
        while (m_pos < m_s.size() && isSpace(m_s[m_pos])) m_out.push_back(m_s[m_pos++]);
    }

    // Skips one value without copying it (iteratively: the value may be deeply nested).
    void skip()
    {
        const char first = m_s[m_pos];
        if (first == '"') {
            m_pos = stringEnd(m_pos);
            return;
        }
        if (first != '{' && first != '[') {
            while (m_pos < m_s.size() && !endsScalar(m_s[m_pos])) ++m_pos;
            return;
        }
        int depth = 0;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c == '"') {
                m_pos = stringEnd(m_pos);
                continue;
            }
            ++m_pos;
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return;
        }
    }

    static bool endsScalar(char c) { return c == ',' || c == '}' || c == ']' || isSpace(c); }

    // Index just past the string token starting at `open`.
    std::size_t stringEnd(std::size_t open) const
    {
        std::size_t i = open + 1;
        while (i < m_s.size() && m_s[i] != '"') i += m_s[i] == '\\' ? 2 : 1;
        return i + 1;
    }

    void mask()
    {
        m_out += '"';
        m_out += kMask;
        m_out += '"';
    }

    void value(int depth, bool patternsApply, bool hide)
    {
        if (hide || depth > kMaxDepth) {
            skip();
            mask();
            return;
        }
        const char c = m_s[m_pos];
        if (c == '{')
            container(depth, '}', patternsApply);
        else if (c == '[')
            container(depth, ']', patternsApply);
        else if (c == '"')
            string(patternsApply);
        else
            scalar(patternsApply);
    }

    void container(int depth, char close, bool patternsApply)
    {
        const bool object = close == '}';
        m_out.push_back(m_s[m_pos++]);
        space();
        long index = 0;
        while (m_pos < m_s.size() && m_s[m_pos] != close) {
            bool hide = false;
            bool childPatterns = patternsApply;
            if (object) {
                const auto end = stringEnd(m_pos);
                const std::string key = json::unescape(m_s.substr(m_pos + 1, end - m_pos - 2));
                m_out.append(m_s.substr(m_pos, end - m_pos));
                m_pos = end;
                space();
                m_out.push_back(m_s[m_pos++]); // ':'
                space();
                m_path.push_back({key, -1});
                hide = m_r.keyMatches(key);
                if (m_payloadRoot && depth == 0 && isBookkeeping(key)) childPatterns = false;
            } else {
                m_path.push_back({{}, index++});
            }
            hide = hide || m_r.pathMatches(m_path);
            value(depth + 1, childPatterns, hide);
            m_path.pop_back();
            space();
            if (m_pos < m_s.size() && m_s[m_pos] == ',') {
                m_out.push_back(m_s[m_pos++]);
                space();
            }
        }
        if (m_pos < m_s.size()) m_out.push_back(m_s[m_pos++]);
    }

    void string(bool patternsApply)
    {
        const auto end = stringEnd(m_pos);
        const auto token = m_s.substr(m_pos, end - m_pos);
        m_pos = end;
        if (patternsApply) {
            bool changed = false;
            const auto hidden = m_r.scrub(json::unescape(token.substr(1, token.size() - 2)), &changed);
            if (changed) {
                json::appendQuoted(m_out, hidden);
                return;
            }
        }
        m_out.append(token);
    }

    void scalar(bool patternsApply)
    {
        const auto start = m_pos;
        while (m_pos < m_s.size() && !endsScalar(m_s[m_pos])) ++m_pos;
        const auto token = m_s.substr(start, m_pos - start);
        // A card number stored as a JSON number.
        if (patternsApply && m_r.m_rules.valuePatterns && !token.empty() && token.front() != '-'
            && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })
            && isCardNumber(token)) {
            mask();
            return;
        }
        m_out.append(token);
    }

    const Redactor& m_r;
    std::string_view m_s;
    std::size_t m_pos = 0;
    std::string m_out;
    std::vector<PathStep> m_path;
    const bool m_payloadRoot; // walking a whole payload (bookkeeping fields at its top level)
};

std::string Redactor::walk(std::string_view json, std::vector<PathStep> start) const
{
    if (!m_rules.enabled) return std::string(json);
    if (json::validate(json)) return text(json); // not JSON: hide what free text can show
    return Walker(*this, json, std::move(start)).run();
}

std::string Redactor::payload(std::string_view json) const
{
    return walk(json, {});
}

std::string Redactor::args(std::string_view json) const
{
    return walk(json, {{"args", -1}});
}

std::string Redactor::argsPrefix(std::string_view prefix) const
{
    if (!m_rules.enabled) return std::string(prefix) + "…";
    // The last comma between top-level arguments: everything before it is whole arguments.
    std::size_t lastComma = std::string_view::npos;
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char c = prefix[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{')
            ++depth;
        else if (c == ']' || c == '}')
            --depth;
        else if (c == ',' && depth == 1)
            lastComma = i;
    }
    const auto trimmed = prefix.find_first_not_of(" \t\r\n");
    if (lastComma == std::string_view::npos || trimmed == std::string_view::npos || prefix[trimmed] != '[') return "[…";
    std::string whole(prefix.substr(0, lastComma));
    whole += ']';
    if (json::validate(whole)) return "[…";
    std::string shown = args(whole);
    shown.pop_back(); // the ']' added above
    return shown + ", …";
}

} // namespace kiq::redaction
