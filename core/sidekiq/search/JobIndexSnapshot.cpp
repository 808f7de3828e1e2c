#include "sidekiq/search/JobIndexSnapshot.h"

#include "sidekiq/model/Timestamp.h"
#include "sidekiq/search/JobIndexFilter.h"
#include "sidekiq/search/JobIndexSort.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiq::sidekiq {

namespace {
double resolveNow(double now)
{
    return std::isnan(now) ? Timestamp::now().seconds() : now;
}

// rank[id] = 1 + position of the pool's string id in byte order.
std::vector<std::uint32_t> ranks(const JobIndexStringView& pool)
{
    std::vector<std::uint32_t> ids(pool.size());
    std::iota(ids.begin(), ids.end(), 0u);
    std::sort(ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) { return pool[a] < pool[b]; });
    std::vector<std::uint32_t> rank(pool.size());
    for (std::size_t k = 0; k < ids.size(); ++k) rank[ids[k]] = static_cast<std::uint32_t>(k + 1);
    return rank;
}

// Calls fn(entry) for ascending rows, walking the buckets alongside (no search per row).
template <typename Fn>
void forRows(const std::vector<std::uint32_t>& rows, const std::vector<std::shared_ptr<const JobIndexBucket>>& buckets,
    const std::vector<std::uint32_t>& starts, Fn fn)
{
    std::size_t b = 0;
    for (const std::uint32_t row : rows) {
        while (row >= starts[b + 1]) ++b;
        fn(row, buckets[b]->entries[row - starts[b]]);
    }
}
} // namespace

JobIndexSnapshot::JobIndexSnapshot(Parts parts)
    : m_parts(std::move(parts))
{
    m_starts.reserve(m_parts.buckets.size() + 1);
    std::uint32_t n = 0;
    for (const auto& b : m_parts.buckets) {
        m_starts.push_back(n);
        n += static_cast<std::uint32_t>(b->entries.size());
    }
    m_starts.push_back(n);
}

std::size_t JobIndexSnapshot::memoryBytes() const
{
    std::size_t bytes = m_parts.poolBytes + m_starts.capacity() * sizeof(std::uint32_t);
    for (const auto& b : m_parts.buckets) bytes += b->memoryBytes() + 2 * sizeof(void*);
    return bytes;
}

JobIndexSnapshot::Located JobIndexSnapshot::locate(std::uint32_t row) const
{
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end() - 1, row);
    const std::size_t b = std::size_t(it - m_starts.begin()) - 1;
    const JobIndexBucket* bucket = m_parts.buckets[b].get();
    return {bucket, &bucket->entries[row - m_starts[b]]};
}

const JobIndexEntry& JobIndexSnapshot::entry(std::uint32_t row) const
{
    return *locate(row).entry;
}

std::string_view JobIndexSnapshot::jid(std::uint32_t row) const
{
    const auto l = locate(row);
    return l.bucket->jid(*l.entry);
}

std::string_view JobIndexSnapshot::argsPrefix(std::uint32_t row) const
{
    const auto l = locate(row);
    return l.bucket->argsPrefix(*l.entry);
}

std::string_view JobIndexSnapshot::messagePrefix(std::uint32_t row) const
{
    const auto l = locate(row);
    return l.bucket->messagePrefix(*l.entry);
}

const std::string& JobIndexSnapshot::className(std::uint32_t row) const
{
    return classes()[entry(row).classId];
}
const std::string& JobIndexSnapshot::displayClass(std::uint32_t row) const
{
    return classes()[entry(row).displayClassId];
}
const std::string& JobIndexSnapshot::queue(std::uint32_t row) const
{
    return queues()[entry(row).queueId];
}

std::optional<std::string_view> JobIndexSnapshot::errorClass(std::uint32_t row) const
{
    const auto id = entry(row).errorClassId;
    if (id == kJobIndexNone) return std::nullopt;
    return std::string_view(errors()[id]);
}

const std::string& JobIndexSnapshot::normalizedMessage(std::uint32_t row) const
{
    return messages()[groupKeys()[entry(row).groupId].messageId];
}

std::uint64_t JobIndexSnapshot::fingerprint(std::uint32_t row) const
{
    return groupKeys()[entry(row).groupId].hash;
}

std::optional<std::uint32_t> JobIndexSnapshot::find(double score, std::uint64_t payloadHash) const
{
    const auto& buckets = m_parts.buckets;
    // The first bucket whose range ends above the score (the last one includes +inf).
    auto it = std::partition_point(
        buckets.begin(), buckets.end(), [&](const auto& b) { return !b->contains(score) && b->hi <= score; });
    if (it == buckets.end() || !(*it)->contains(score)) return std::nullopt;
    const auto& entries = (*it)->entries;
    auto e = std::lower_bound(
        entries.begin(), entries.end(), score, [](const JobIndexEntry& x, double s) { return x.score < s; });
    for (; e != entries.end() && e->score == score; ++e) {
        if (e->payloadHash == payloadHash)
            return m_starts[std::size_t(it - buckets.begin())] + static_cast<std::uint32_t>(e - entries.begin());
    }
    return std::nullopt;
}

JobIndexQueryResult JobIndexSnapshot::match(const JobFilter& filter, double now, bool wantMaybe) const
{
    JobIndexQueryResult r;
    if (filter.empty()) {
        r.rows.resize(size());
        std::iota(r.rows.begin(), r.rows.end(), 0u);
        return r;
    }
    const JobIndexFilter compiled(filter, *this, resolveNow(now));
    std::uint32_t row = 0;
    for (const auto& bucket : m_parts.buckets) {
        for (const JobIndexEntry& e : bucket->entries) {
            switch (compiled.test(*bucket, e)) {
            case JobIndexFilter::Match::Yes:
                r.rows.push_back(row);
                break;
            case JobIndexFilter::Match::Maybe:
                if (wantMaybe) r.maybe.push_back(row);
                break;
            case JobIndexFilter::Match::No:
                break;
            }
            ++row;
        }
    }
    return r;
}

void JobIndexSnapshot::order(std::vector<std::uint32_t>& rows, JobIndexSort sort, bool descending) const
{
    if (sort != JobIndexSort::Score && rows.size() > 1) {
        std::vector<std::uint32_t> rank;
        if (sort == JobIndexSort::Class) rank = ranks(classes());
        if (sort == JobIndexSort::Queue) rank = ranks(queues());
        if (sort == JobIndexSort::Error) rank = ranks(errors());
        std::vector<std::uint64_t> keys;
        keys.reserve(rows.size());
        forRows(rows, m_parts.buckets, m_starts, [&](std::uint32_t, const JobIndexEntry& e) {
            switch (sort) {
            case JobIndexSort::Class:
                keys.push_back(rank[e.displayClassId]);
                break;
            case JobIndexSort::Queue:
                keys.push_back(rank[e.queueId]);
                break;
            case JobIndexSort::Error:
                keys.push_back(e.errorClassId == kJobIndexNone ? 0 : rank[e.errorClassId]);
                break;
            case JobIndexSort::Time:
                keys.push_back(jobIndexDoubleKey(e.time));
                break;
            case JobIndexSort::RetryCount:
                keys.push_back(std::uint64_t(std::int64_t(e.retryCount) + 1));
                break;
            case JobIndexSort::Score:
                break;
            }
        });
        jobIndexRadixSort(rows, keys);
    }
    if (descending) std::reverse(rows.begin(), rows.end());
}

JobIndexQueryResult JobIndexSnapshot::query(
    const JobFilter& filter, JobIndexSort sort, bool descending, double now) const
{
    JobIndexQueryResult r = match(filter, now, true);
    order(r.rows, sort, descending);
    order(r.maybe, sort, descending);
    return r;
}

std::vector<JobIndexGroup> JobIndexSnapshot::groups(const JobFilter& filter, double now) const
{
    struct Acc {
        long long count = 0;
        double first = 0, last = 0;
        std::uint32_t newest = 0;
    };
    const auto& keys = groupKeys();
    std::vector<Acc> acc(keys.size());
    const JobIndexQueryResult matched = match(filter, now, false);
    forRows(matched.rows, m_parts.buckets, m_starts, [&](std::uint32_t row, const JobIndexEntry& e) {
        Acc& a = acc[e.groupId];
        const double t = e.hasTime() ? e.time : e.score;
        if (a.count++ == 0) {
            a.first = a.last = t;
            a.newest = row;
        } else {
            a.first = std::min(a.first, t);
            if (t >= a.last) {
                a.last = t;
                a.newest = row;
            }
        }
    });
    std::vector<JobIndexGroup> out;
    for (std::size_t id = 0; id < acc.size(); ++id) {
        if (acc[id].count == 0) continue;
        const JobIndexGroupKey& k = keys[id];
        out.push_back({k.hash, errors()[k.errorClassId], messages()[k.messageId], classes()[k.displayClassId],
            acc[id].count, acc[id].first, acc[id].last, acc[id].newest});
    }
    std::sort(out.begin(), out.end(), [](const JobIndexGroup& a, const JobIndexGroup& b) {
        return a.count != b.count ? a.count > b.count : a.fingerprint < b.fingerprint;
    });
    return out;
}

std::vector<JobIndexCount> JobIndexSnapshot::countBy(JobIndexField field, const JobFilter& filter, double now) const
{
    const JobIndexStringView& pool = field == JobIndexField::Class ? classes()
        : field == JobIndexField::Queue                            ? queues()
                                                                   : errors();
    std::vector<long long> counts(pool.size());
    long long none = 0;
    const JobIndexQueryResult matched = match(filter, now, false);
    forRows(matched.rows, m_parts.buckets, m_starts, [&](std::uint32_t, const JobIndexEntry& e) {
        switch (field) {
        case JobIndexField::Class:
            ++counts[e.displayClassId];
            break;
        case JobIndexField::Queue:
            ++counts[e.queueId];
            break;
        case JobIndexField::Error:
            if (e.errorClassId == kJobIndexNone)
                ++none;
            else
                ++counts[e.errorClassId];
            break;
        }
    });
    std::vector<JobIndexCount> out;
    if (none) out.push_back({std::string(), none});
    for (std::size_t id = 0; id < counts.size(); ++id)
        if (counts[id]) out.push_back({pool[id], counts[id]});
    std::sort(out.begin(), out.end(), [](const JobIndexCount& a, const JobIndexCount& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    return out;
}

} // namespace kiq::sidekiq
