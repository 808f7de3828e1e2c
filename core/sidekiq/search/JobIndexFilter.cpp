#include "sidekiq/search/JobIndexFilter.h"

#include "redaction/Redaction.h"
#include "sidekiq/search/JobIndexSnapshot.h"

namespace kiq::sidekiq {

namespace {
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

JobIndexFilter::JobIndexFilter(const JobFilter& filter, const JobIndexSnapshot& snapshot, double now)
    : m_now(now)
    , m_redactor(filter.redactor())
{
    using Field = JobFilterTerm::Field;
    for (const JobFilterTerm& term : filter.terms()) {
        Term t {&term, {}, {}, {}, {}};
        const std::string& v = term.value;
        const auto glob = [&](const std::string& s) { return globMatch(v, s); };
        const auto has = [&](const std::string& s) { return containsFolded(s, v); };
        switch (term.field) {
        case Field::Class:
            t.classHit = tableOf(snapshot.classes(), glob);
            break;
        case Field::Queue:
            t.queueHit = tableOf(snapshot.queues(), glob);
            break;
        case Field::ErrorClass:
            t.errorHit = tableOf(snapshot.errors(), glob);
            break;
        case Field::ErrorText:
            t.errorHit = tableOf(snapshot.errors(), has);
            break;
        case Field::Text:
            t.classHit = tableOf(snapshot.classes(), has);
            t.queueHit = tableOf(snapshot.queues(), has);
            t.errorHit = tableOf(snapshot.errors(), has);
            break;
        case Field::Group: {
            const auto& keys = snapshot.groupKeys();
            t.groupHit.resize(keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) t.groupHit[i] = keys[i].hash == term.group ? 1 : 0;
            break;
        }
        case Field::ArgsText:
        case Field::Jid:
        case Field::AgeAbove:
        case Field::AgeBelow:
        case Field::Malformed:
            break; // read from the entry itself
        }
        m_terms.push_back(std::move(t));
    }
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
    using Field = JobFilterTerm::Field;
    const auto yesNo = [](bool b) { return b ? Match::Yes : Match::No; };
    const std::string& needle = t.term->value;
    switch (t.term->field) {
    case Field::Class:
        return yesNo(lookup(t.classHit, e.displayClassId) || lookup(t.classHit, e.classId));
    case Field::Queue:
        return yesNo(lookup(t.queueHit, e.queueId));
    case Field::ErrorClass:
        return yesNo(e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId));
    case Field::ErrorText:
        if (messageShows(bucket, e, needle)) return Match::Yes;
        if (e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId)) return Match::Yes;
        return e.has(JobIndexEntry::MessageCut) ? Match::Maybe : Match::No;
    case Field::ArgsText:
        if (!e.has(JobIndexEntry::HasArgs)) return Match::No;
        if (argsShow(bucket, e, needle)) return Match::Yes;
        return e.has(JobIndexEntry::ArgsCut) ? Match::Maybe : Match::No;
    case Field::Jid: {
        const std::string_view jid = bucket.jid(e);
        if (!e.has(JobIndexEntry::JidCut)) return yesNo(jid == needle);
        return needle.size() > jid.size() && std::string_view(needle).substr(0, jid.size()) == jid ? Match::Maybe
                                                                                                   : Match::No;
    }
    case Field::Text: {
        if (lookup(t.classHit, e.classId) || lookup(t.classHit, e.displayClassId) || lookup(t.queueHit, e.queueId)
            || (e.errorClassId != kJobIndexNone && lookup(t.errorHit, e.errorClassId)))
            return Match::Yes;
        if (containsFolded(bucket.jid(e), needle) || argsShow(bucket, e, needle) || messageShows(bucket, e, needle))
            return Match::Yes;
        return e.has(JobIndexEntry::ArgsCut) || e.has(JobIndexEntry::MessageCut) ? Match::Maybe : Match::No;
    }
    case Field::AgeAbove:
    case Field::AgeBelow: {
        if (!e.hasTime()) return Match::No;
        const double age = m_now - e.time; // as JobFilter::matches computes it
        return yesNo(t.term->field == Field::AgeAbove ? age > t.term->seconds : age < t.term->seconds);
    }
    case Field::Group:
        return yesNo(lookup(t.groupHit, e.groupId));
    case Field::Malformed:
        return yesNo(e.has(JobIndexEntry::ParseError));
    }
    return Match::No;
}

bool JobIndexFilter::argsShow(const JobIndexBucket& bucket, const JobIndexEntry& e, std::string_view needle) const
{
    if (!e.has(JobIndexEntry::HasArgs)) return false;
    std::optional<std::string> shown;
    const bool cut = e.has(JobIndexEntry::ArgsCut);
    return shownContains(m_redactor, bucket.argsPrefix(e), needle, shown, [this, cut](std::string_view prefix) {
        return cut ? m_redactor->argsPrefix(prefix) : m_redactor->args(prefix);
    });
}

bool JobIndexFilter::messageShows(const JobIndexBucket& bucket, const JobIndexEntry& e, std::string_view needle) const
{
    if (!e.has(JobIndexEntry::HasMessage)) return false;
    std::optional<std::string> shown;
    return shownContains(m_redactor, bucket.messagePrefix(e), needle, shown,
        [this](std::string_view message) { return m_redactor->text(message); });
}

} // namespace kiq::sidekiq
