#include "sidekiq/search/JobFilter.h"

#include "redaction/Redaction.h"
#include "redis/Errors.h"
#include "sidekiq/model/FailureFingerprint.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kiq::sidekiq {

namespace {
// ASCII only, whatever the process locale (Qt sets it from the environment): the index and the scan
// must fold the same bytes the same way.
unsigned char lowerAscii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = static_cast<char>(lowerAscii(static_cast<unsigned char>(c)));
    return out;
}

// Characters every JSON writer used with Sidekiq (Ruby's, ours, Go's, JavaScript's) writes as
// themselves inside a string, so a run of them in a decoded field value appears byte for byte in the
// raw payload. Quotes, backslashes, '/', '<', '>', '&', control and non-ASCII characters may be
// escaped by some writer, so they end a run.
bool literalInRaw(char c)
{
    return std::isalnum(static_cast<unsigned char>(c))
        || std::string_view("_:.- ,;=!@#$%(){}+~|'").find(c) != std::string_view::npos;
}

// The longest run of literalInRaw characters in `value`, skipping the wildcards of a glob.
std::string_view longestLiteral(std::string_view value, bool glob)
{
    std::string_view best;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        const bool inRun
            = i < value.size() && literalInRaw(value[i]) && !(glob && (value[i] == '*' || value[i] == '?'));
        if (inRun) continue;
        if (i - start > best.size()) best = value.substr(start, i - start);
        start = i + 1;
    }
    return best;
}

[[noreturn]] void fail(const std::string& expression, std::size_t at, const std::string& what)
{
    throw JobFilterError(expression, at, what);
}

double parseDuration(const std::string& expression, std::size_t at, std::string_view text)
{
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value < 0)
        fail(expression, at, "expected a duration like 30m, 2h or 7d, not '" + std::string(text) + "'");
    std::string_view unit(end, std::size_t(text.data() + text.size() - end));
    if (unit.empty() || unit == "s") return value;
    if (unit == "m") return value * 60;
    if (unit == "h") return value * 3600;
    if (unit == "d") return value * 86400;
    fail(expression, at, "unknown duration unit '" + std::string(unit) + "' (use s, m, h or d)");
}
} // namespace

JobFilterError::JobFilterError(const std::string& expression, std::size_t position, const std::string& problem)
    : redis::UsageError("filter '" + expression + "', at character " + std::to_string(position + 1) + ": " + problem)
    , m_position(position)
    , m_problem(problem)
{
}

bool globMatch(std::string_view pattern, std::string_view text)
{
    // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

namespace {
bool equalFolded(const char* text, const char* loweredNeedle, std::size_t n)
{
    for (std::size_t k = 0; k < n; ++k)
        if (lowerAscii(static_cast<unsigned char>(text[k])) != static_cast<unsigned char>(loweredNeedle[k]))
            return false;
    return true;
}

unsigned char upperAscii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? static_cast<unsigned char>(c - ('a' - 'A')) : c;
}
} // namespace

std::size_t findFolded(std::string_view haystack, std::string_view needle, std::size_t from)
{
    if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
    if (needle.size() > haystack.size() || from > haystack.size() - needle.size()) return std::string_view::npos;
    const std::size_t n = needle.size();
    const std::size_t last = haystack.size() - n; // the last possible start
    const auto first = static_cast<unsigned char>(needle.front());
    const auto tail = static_cast<unsigned char>(needle.back());
    const unsigned char firstUpper = upperAscii(first);
    const unsigned char tailUpper = upperAscii(tail);
    const char* h = haystack.data();
    std::size_t i = from;
#if defined(__SSE2__)
    // 16 candidate starts at a time: keep those whose first and last bytes both match (either case),
    // then compare the middle. Most candidates fail on one of the two ends.
    const __m128i f = _mm_set1_epi8(static_cast<char>(first)), fu = _mm_set1_epi8(static_cast<char>(firstUpper));
    const __m128i t = _mm_set1_epi8(static_cast<char>(tail)), tu = _mm_set1_epi8(static_cast<char>(tailUpper));
    for (; i + 16 <= last + 1; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + n - 1));
        const __m128i ends = _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(a, fu)),
            _mm_or_si128(_mm_cmpeq_epi8(b, t), _mm_cmpeq_epi8(b, tu)));
        for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(ends)); mask; mask &= mask - 1) {
            const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
            if (n <= 2 || equalFolded(h + at + 1, needle.data() + 1, n - 2)) return at;
        }
    }
#endif
    for (; i <= last; ++i) {
        const auto c = static_cast<unsigned char>(h[i]);
        if (c != first && c != firstUpper) continue;
        if (equalFolded(h + i + 1, needle.data() + 1, n - 1)) return i;
    }
    return std::string_view::npos;
}

std::optional<double> jobTime(const JobRecord& job)
{
    if (job.retriedAt) return job.retriedAt->seconds();
    if (job.failedAt) return job.failedAt->seconds();
    if (job.enqueuedAt) return job.enqueuedAt->seconds();
    if (job.createdAt) return job.createdAt->seconds();
    return std::nullopt;
}

JobFilter JobFilter::parse(const std::string& expression)
{
    JobFilter filter;
    filter.m_expression = expression;
    std::size_t i = 0;
    const std::size_t n = expression.size();
    while (i < n) {
        while (i < n && std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
        if (i >= n) break;
        const std::size_t start = i;
        std::string name;
        while (i < n && (std::isalnum(static_cast<unsigned char>(expression[i])) || expression[i] == '_'))
            name += expression[i++];
        if (name.empty())
            fail(expression, start,
                "expected a field name (class, queue, error, args, jid, text, age, group, malformed)");
        if (name == "malformed") {
            filter.m_terms.push_back({Field::Malformed, {}, 0, 0});
            continue;
        }
        if (i >= n || (expression[i] != '=' && expression[i] != '~' && expression[i] != '>' && expression[i] != '<'))
            fail(expression, i, "expected =, ~, > or < after '" + name + "'");
        const std::size_t opAt = i;
        const char op = expression[i++];
        const std::size_t valueAt = i; // problems with the value point here, not at the field name
        std::string value;
        if (i < n && expression[i] == '"') {
            ++i;
            bool closed = false;
            while (i < n) {
                if (expression[i] == '\\' && i + 1 < n) {
                    value += expression[i + 1];
                    i += 2;
                } else if (expression[i] == '"') {
                    closed = true;
                    ++i;
                    break;
                } else {
                    value += expression[i++];
                }
            }
            if (!closed) fail(expression, valueAt, "unterminated quoted value");
        } else {
            while (i < n && !std::isspace(static_cast<unsigned char>(expression[i]))) value += expression[i++];
        }
        if (value.empty()) fail(expression, valueAt, "'" + name + op + "' needs a value");

        // Each field with the operators it takes and the term each operator makes.
        struct Rule {
            const char* name;
            char op;
            Field field;
        };
        static constexpr Rule kRules[] = {
            {"class", '=', Field::Class},
            {"queue", '=', Field::Queue},
            {"error", '=', Field::ErrorClass},
            {"error", '~', Field::ErrorText},
            {"args", '~', Field::ArgsText},
            {"jid", '=', Field::Jid},
            {"text", '~', Field::Text},
            {"age", '>', Field::AgeAbove},
            {"age", '<', Field::AgeBelow},
            {"group", '=', Field::Group},
        };
        const Rule* rule = nullptr;
        std::string allowed;
        for (const Rule& r : kRules) {
            if (name != r.name) continue;
            allowed += r.op;
            if (r.op == op) rule = &r;
        }
        if (allowed.empty()) fail(expression, start, "unknown field '" + name + "'");
        if (!rule) fail(expression, opAt, "'" + name + "' takes " + allowed + ", not " + op);

        Term term {rule->field, value, 0, 0};
        if (rule->field == Field::AgeAbove || rule->field == Field::AgeBelow)
            term.seconds = parseDuration(expression, valueAt, value);
        if (rule->field == Field::Group) {
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), term.group, 16);
            if (ec != std::errc() || end != value.data() + value.size())
                fail(expression, valueAt, "group= takes the hex id shown in the group view");
        }
        if (op == '~') term.value = lower(value);
        filter.m_terms.push_back(std::move(term));
    }
    filter.chooseRequiredText();
    return filter;
}

bool mayMeetMask(std::string_view loweredNeedle)
{
    if (loweredNeedle.find_first_of("[]") != std::string_view::npos) return true;
    const std::string mask = lower(std::string(redaction::kMask));
    return mask.find(loweredNeedle) != std::string::npos;
}

void JobFilter::redactWith(std::shared_ptr<const redaction::Redactor> redactor)
{
    m_redactor = redactor && redactor->active() ? std::move(redactor) : nullptr;
    chooseRequiredText(); // a needle the mask may supply is no longer required of the raw payload
}

bool JobFilter::readsText() const
{
    return std::any_of(m_terms.begin(), m_terms.end(), [](const Term& t) {
        return t.field == Field::ErrorText || t.field == Field::ArgsText || t.field == Field::Text;
    });
}

bool JobFilter::matches(const JobRecord& job, double now) const
{
    const redaction::Redactor* r = m_redactor.get();
    std::optional<std::string> args, message, payload; // as shown: redacted once, if a term reads them
    for (const Term& t : m_terms) {
        switch (t.field) {
        case Field::Class:
            if (!globMatch(t.value, job.displayClass) && !globMatch(t.value, job.className)) return false;
            break;
        case Field::Queue:
            if (!globMatch(t.value, job.queue)) return false;
            break;
        case Field::ErrorClass:
            if (!job.errorClass || !globMatch(t.value, *job.errorClass)) return false;
            break;
        case Field::ErrorText:
            if (!(job.errorMessage
                    && shownContains(r, *job.errorMessage, t.value, message, [r](auto m) { return r->text(m); }))
                && !(job.errorClass && containsFolded(*job.errorClass, t.value)))
                return false;
            break;
        case Field::ArgsText:
            if (!job.hasArgs || !shownContains(r, job.argsJson(), t.value, args, [r](auto a) { return r->args(a); }))
                return false;
            break;
        case Field::Jid:
            if (job.jid != t.value) return false;
            break;
        case Field::Text:
            if (!shownContains(r, job.raw, t.value, payload, [r](auto p) { return r->payload(p); })) return false;
            break;
        case Field::AgeAbove:
        case Field::AgeBelow: {
            const auto at = jobTime(job);
            if (!at) return false;
            const double age = now - *at;
            if (t.field == Field::AgeAbove ? age <= t.seconds : age >= t.seconds) return false;
            break;
        }
        case Field::Group:
            if (FailureFingerprint::of(job).hash != t.group) return false;
            break;
        case Field::Malformed:
            if (job.ok()) return false;
            break;
        }
    }
    return true;
}

void JobFilter::chooseRequiredText()
{
    // Shorter texts are in nearly every payload and would only cost the search.
    constexpr std::size_t kMinimumLength = 4;
    std::string_view best;
    bool folded = false;
    for (const Term& t : m_terms) {
        bool glob = false, caseless = false;
        switch (t.field) {
        case Field::Class:
        case Field::Queue:
        case Field::ErrorClass:
            glob = true;
            break;
        case Field::ErrorText:
        case Field::ArgsText:
        case Field::Text:
            if (m_redactor && mayMeetMask(t.value)) continue; // the mask may supply it, not the raw payload
            caseless = true;
            break;
        case Field::Jid:
            break;
        default:
            continue; // age, group and malformed say nothing about the payload's text
        }
        const std::string_view literal = longestLiteral(t.value, glob);
        if (literal.size() > best.size()) {
            best = literal;
            folded = caseless;
        }
    }
    m_required.clear();
    m_requiredFolded = false;
    if (best.size() < kMinimumLength) return;
    m_required = std::string(best);
    m_requiredFolded = folded;
}

bool JobFilter::mayMatchRaw(std::string_view raw) const
{
    if (m_required.empty()) return true;
    if (m_requiredFolded) return containsFolded(raw, m_required);
    return std::search(raw.begin(), raw.end(), std::boyer_moore_horspool_searcher(m_required.begin(), m_required.end()))
        != raw.end();
}

} // namespace kiq::sidekiq
