#include "JobIndexFilter.h"

#include "JobIndexSnapshot.h"

#include <cctype>
#include <charconv>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kiq::sidekiq {

namespace {
unsigned char lowerAscii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

std::string lowered(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = static_cast<char>(lowerAscii(static_cast<unsigned char>(c)));
    return out;
}

double durationSeconds(std::string_view text)
{
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    (void)ec; // validated by JobFilter::parse
    const std::string_view unit(end, std::size_t(text.data() + text.size() - end));
    if (unit == "m") return value * 60;
    if (unit == "h") return value * 3600;
    if (unit == "d") return value * 86400;
    return value;
}

// One term of the expression as JobFilter::parse reads it: name, operator, value.
struct RawTerm {
    std::string name;
    char op = 0;
    std::string value;
};

// The grammar of JobFilter::parse (JobFilter.h), for an expression it has already accepted.
std::vector<RawTerm> splitTerms(const std::string& expression)
{
    std::vector<RawTerm> terms;
    std::size_t i = 0;
    const std::size_t n = expression.size();
    while (i < n) {
        while (i < n && std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
        if (i >= n) break;
        RawTerm t;
        while (i < n && (std::isalnum(static_cast<unsigned char>(expression[i])) || expression[i] == '_'))
            t.name += expression[i++];
        if (t.name == "malformed") {
            terms.push_back(std::move(t));
            continue;
        }
        if (i >= n) break;
        t.op = expression[i++];
        if (i < n && expression[i] == '"') {
            ++i;
            while (i < n) {
                if (expression[i] == '\\' && i + 1 < n) {
                    t.value += expression[i + 1];
                    i += 2;
                } else if (expression[i] == '"') {
                    ++i;
                    break;
                } else {
                    t.value += expression[i++];
                }
            }
        } else {
            while (i < n && !std::isspace(static_cast<unsigned char>(expression[i]))) t.value += expression[i++];
        }
        terms.push_back(std::move(t));
    }
    return terms;
}

template <typename Pred> std::vector<std::uint8_t> tableOf(const JobIndexStringView& pool, Pred pred)
{
    std::vector<std::uint8_t> hit(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) hit[i] = pred(pool[i]) ? 1 : 0;
    return hit;
}

bool lookup(const std::vector<std::uint8_t>& table, std::uint32_t id)
{
    return id < table.size() && table[id];
}
} // namespace

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

std::size_t jobIndexFindFolded(std::string_view haystack, std::string_view needle, std::size_t from)
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

bool jobIndexContainsFolded(std::string_view haystack, std::string_view loweredNeedle)
{
    return jobIndexFindFolded(haystack, loweredNeedle, 0) != std::string_view::npos;
}

JobIndexFilter::JobIndexFilter(const JobFilter& filter, const JobIndexSnapshot& snapshot, double now)
{
    if (filter.empty()) return;
    for (const RawTerm& raw : splitTerms(filter.expression())) {
        Term t;
        const std::string& v = raw.value;
        if (raw.name == "malformed") {
            t.kind = Kind::Malformed;
        } else if (raw.name == "class") {
            t.kind = Kind::Class;
            t.classHit = tableOf(snapshot.classes(), [&](const std::string& s) { return globMatch(v, s); });
        } else if (raw.name == "queue") {
            t.kind = Kind::Queue;
            t.queueHit = tableOf(snapshot.queues(), [&](const std::string& s) { return globMatch(v, s); });
        } else if (raw.name == "error" && raw.op == '=') {
            t.kind = Kind::ErrorClass;
            t.errorHit = tableOf(snapshot.errors(), [&](const std::string& s) { return globMatch(v, s); });
        } else if (raw.name == "error") {
            t.kind = Kind::ErrorText;
            t.needle = lowered(v);
            t.errorHit
                = tableOf(snapshot.errors(), [&](const std::string& s) { return jobIndexContainsFolded(s, t.needle); });
        } else if (raw.name == "args") {
            t.kind = Kind::ArgsText;
            t.needle = lowered(v);
        } else if (raw.name == "jid") {
            t.kind = Kind::Jid;
            t.needle = v;
        } else if (raw.name == "text") {
            t.kind = Kind::Text;
            t.needle = lowered(v);
            const auto has = [&](const std::string& s) { return jobIndexContainsFolded(s, t.needle); };
            t.classHit = tableOf(snapshot.classes(), has);
            t.queueHit = tableOf(snapshot.queues(), has);
            t.errorHit = tableOf(snapshot.errors(), has);
        } else if (raw.name == "age") {
            t.kind = raw.op == '>' ? Kind::AgeAbove : Kind::AgeBelow;
            t.limit = durationSeconds(v);
            t.needle.clear();
        } else if (raw.name == "group") {
            t.kind = Kind::Group;
            unsigned long long group = 0;
            std::from_chars(v.data(), v.data() + v.size(), group, 16);
            const auto& keys = snapshot.groupKeys();
            t.groupHit.resize(keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) t.groupHit[i] = keys[i].hash == group ? 1 : 0;
        } else {
            continue; // not reachable for an expression JobFilter::parse accepted
        }
        m_terms.push_back(std::move(t));
    }
    m_now = now;
}

JobIndexFilter::Match JobIndexFilter::test(const JobIndexBucket& bucket, const JobIndexEntry& entry) const
{
    Match result = Match::Yes;
    for (const Term& t : m_terms) {
        const Match m = testTerm(t, bucket, entry);
        if (m == Match::No) return Match::No;
        if (m == Match::Maybe) result = Match::Maybe;
    }
    return result;
}

JobIndexFilter::Match JobIndexFilter::testTerm(
    const Term& t, const JobIndexBucket& bucket, const JobIndexEntry& e) const
{
    const auto yesNo = [](bool b) { return b ? Match::Yes : Match::No; };
    switch (t.kind) {
    case Kind::Class:
        return yesNo(lookup(t.classHit, e.displayClassId) || lookup(t.classHit, e.classId));
    case Kind::Queue:
        return yesNo(lookup(t.queueHit, e.queueId));
    case Kind::ErrorClass:
        return yesNo(e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId));
    case Kind::ErrorText:
        if (e.has(JobIndexEntry::HasMessage) && jobIndexContainsFolded(bucket.messagePrefix(e), t.needle))
            return Match::Yes;
        if (e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId)) return Match::Yes;
        return e.has(JobIndexEntry::MessageCut) ? Match::Maybe : Match::No;
    case Kind::ArgsText:
        if (!e.has(JobIndexEntry::HasArgs)) return Match::No;
        if (jobIndexContainsFolded(bucket.argsPrefix(e), t.needle)) return Match::Yes;
        return e.has(JobIndexEntry::ArgsCut) ? Match::Maybe : Match::No;
    case Kind::Jid: {
        const std::string_view jid = bucket.jid(e);
        if (!e.has(JobIndexEntry::JidCut)) return yesNo(jid == t.needle);
        return t.needle.size() > jid.size() && std::string_view(t.needle).substr(0, jid.size()) == jid ? Match::Maybe
                                                                                                       : Match::No;
    }
    case Kind::Text: {
        if (lookup(t.classHit, e.classId) || lookup(t.classHit, e.displayClassId) || lookup(t.queueHit, e.queueId)
            || (e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId)))
            return Match::Yes;
        // jid, args prefix and message prefix lie back to back: one search, then make sure the hit
        // does not straddle two of them.
        const std::size_t ends[] = {e.jidLength, std::size_t(e.jidLength) + e.argsPrefixLength,
            std::size_t(e.jidLength) + e.argsPrefixLength + e.messagePrefixLength};
        const std::string_view block(bucket.text.data() + e.textOffset, ends[2]);
        for (std::size_t at = jobIndexFindFolded(block, t.needle, 0); at != std::string_view::npos;
             at = jobIndexFindFolded(block, t.needle, at + 1)) {
            const std::size_t field = at < ends[0] ? 0 : at < ends[1] ? 1 : 2;
            if (at + t.needle.size() <= ends[field]) return Match::Yes;
        }
        return e.has(JobIndexEntry::ArgsCut) || e.has(JobIndexEntry::MessageCut) ? Match::Maybe : Match::No;
    }
    case Kind::AgeAbove:
    case Kind::AgeBelow: {
        if (!e.hasTime()) return Match::No;
        const double age = m_now - e.time; // as JobFilter::matches computes it
        return yesNo(t.kind == Kind::AgeAbove ? age > t.limit : age < t.limit);
    }
    case Kind::Group:
        return yesNo(lookup(t.groupHit, e.groupId));
    case Kind::Malformed:
        return yesNo(e.has(JobIndexEntry::ParseError));
    }
    return Match::No;
}

} // namespace kiq::sidekiq
