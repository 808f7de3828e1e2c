#include "sidekiq/search/QueueIndex.h"

#include "redis/Errors.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/search/JobIndexPools.h"
#include "util/ThreadPriority.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long long kFetchPage = 1000; // members per LRANGE when looking for one job

// The strings of an array reply, moved out of it.
std::vector<std::string> takeStrings(redis::Reply& reply)
{
    reply.throwIfError();
    std::vector<std::string> out;
    out.reserve(reply.elements.size());
    for (auto& e : reply.elements) out.push_back(std::move(e.str));
    return out;
}

// LRANGE of the members at positions [from, to] counted from the tail (0 is the next to run).
Command rangeFromTail(const std::string& key, long long from, long long to)
{
    return Command("LRANGE").key(key).arg(-(to + 1)).arg(-(from + 1));
}

// Members read from the tail side come head first; the index wants them tail first.
std::vector<std::string> tailFirst(redis::Reply& reply)
{
    auto members = takeStrings(reply);
    std::reverse(members.begin(), members.end());
    return members;
}
} // namespace

struct QueueIndex::State {
    std::string key;
    QueueIndexLimits limits;
    JobIndexPools pools;
    // The list from the tail (oldest) to the head, cut into buckets; tickets ascend throughout.
    std::vector<std::shared_ptr<const JobIndexBucket>> buckets;
    std::vector<std::size_t> starts {0}; // first index of each bucket, then size()

    std::size_t verifyFrom = 0; // the index where verification continues
    std::size_t slack = 0; // extra members a head page reads below the newest entry (pops seen)
    bool complete = false;
    bool repairing = false;
    bool changed = true;
    redis::LoadPacer* pacer = nullptr; // QueueIndex's, during refresh(); null: pages back to back

    State(std::string k, QueueIndexLimits l)
        : key(std::move(k))
        , limits(l)
    {
        limits.pageSize = std::max<std::size_t>(limits.pageSize, 2);
        limits.bucketSize = std::max<std::size_t>(limits.bucketSize, 1);
        limits.probeSize = std::max<std::size_t>(limits.probeSize, 1);
    }

    std::size_t size() const { return starts.back(); }

    std::size_t bucketOf(std::size_t i) const
    {
        return std::size_t(std::upper_bound(starts.begin(), starts.end() - 1, i) - starts.begin()) - 1;
    }

    const JobIndexEntry& at(std::size_t i) const
    {
        const std::size_t b = bucketOf(i);
        return buckets[b]->entries[i - starts[b]];
    }

    // The first index in [from, to) whose member has this hash.
    std::optional<std::size_t> findHash(std::uint64_t hash, std::size_t from, std::size_t to) const
    {
        to = std::min(to, size());
        if (from >= to) return std::nullopt;
        for (std::size_t b = bucketOf(from); b < buckets.size() && starts[b] < to; ++b) {
            const auto& entries = buckets[b]->entries;
            const std::size_t first = from > starts[b] ? from - starts[b] : 0;
            const std::size_t last = std::min(entries.size(), to - starts[b]);
            for (std::size_t k = first; k < last; ++k)
                if (entries[k].payloadHash == hash) return starts[b] + k;
        }
        return std::nullopt;
    }

    void recount()
    {
        starts.assign(1, 0);
        for (const auto& b : buckets) starts.push_back(starts.back() + b->entries.size());
    }

    // Entries [from, to) become `items` (tickets already between their neighbours'). Only the
    // buckets touched are rebuilt; the others stay shared with published snapshots.
    void replace(std::size_t from, std::size_t to, const JobIndexEntryList& items)
    {
        if (from == to && items.entries.empty()) return;
        const std::size_t n = size();
        std::size_t first = 0, end = 0; // buckets [first, end) are rebuilt
        if (!buckets.empty()) {
            first = bucketOf(std::min(from, n - 1));
            end = to > from ? bucketOf(std::min(to, n) - 1) + 1 : first + 1;
        }
        JobIndexEntryList all;
        for (std::size_t b = first; b < end; ++b) {
            const JobIndexBucket& bucket = *buckets[b];
            for (std::size_t k = 0; k < bucket.entries.size() && starts[b] + k < from; ++k)
                all.addFrom(bucket.entries[k], bucket.text);
        }
        for (const auto& e : items.entries) all.addFrom(e, items.text);
        for (std::size_t b = first; b < end; ++b) {
            const JobIndexBucket& bucket = *buckets[b];
            for (std::size_t k = 0; k < bucket.entries.size(); ++k)
                if (starts[b] + k >= to) all.addFrom(bucket.entries[k], bucket.text);
        }
        // Even pieces of at most bucketSize, so that no operation leaves slivers behind.
        std::vector<std::shared_ptr<const JobIndexBucket>> fresh;
        const std::size_t total = all.entries.size();
        const std::size_t pieces = (total + limits.bucketSize - 1) / limits.bucketSize;
        for (std::size_t p = 0, done = 0; p < pieces; ++p) {
            const std::size_t take = (total - done) / (pieces - p);
            JobIndexEntryList piece;
            piece.entries.reserve(take);
            for (std::size_t k = done; k < done + take; ++k) piece.addFrom(all.entries[k], all.text);
            done += take;
            // The range a bucket covers is that of its tickets (find() needs no more).
            const double lo = piece.entries.front().score;
            const double hi = std::nextafter(piece.entries.back().score, kInf);
            fresh.push_back(std::move(piece).toBucket(lo, hi));
        }
        buckets.erase(buckets.begin() + std::ptrdiff_t(first), buckets.begin() + std::ptrdiff_t(end));
        buckets.insert(buckets.begin() + std::ptrdiff_t(first), fresh.begin(), fresh.end());
        recount();
        changed = true;
    }

    // Tickets for `items` between lo and hi (exclusive): members that were indexed keep theirs
    // where the order allows (`kept`), the others get evenly spaced ones. False when the gap has no
    // room left (doubles run out after ~50 halvings of one gap); the caller then renumbers.
    static bool assignTickets(JobIndexEntryList& items, const std::vector<bool>& kept, double lo, double hi)
    {
        const std::size_t n = items.entries.size();
        std::vector<bool> keep(n, false);
        double last = lo;
        for (std::size_t i = 0; i < n; ++i) {
            const double t = items.entries[i].score;
            if (kept[i] && t > last && t < hi) {
                keep[i] = true;
                last = t;
            }
        }
        for (std::size_t i = 0; i < n;) {
            if (keep[i]) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < n && !keep[j]) ++j;
            const double below = i == 0 ? lo : items.entries[i - 1].score;
            const double above = j == n ? hi : items.entries[j].score;
            const double count = double(j - i);
            for (std::size_t k = i; k < j; ++k) {
                const double step = double(k - i + 1);
                double t;
                if (below == -kInf && above == kInf)
                    t = step;
                else if (below == -kInf)
                    t = above - (count + 1) + step;
                else if (above == kInf)
                    t = below + step;
                else
                    t = below + (above - below) * step / (count + 1);
                if (!(t > (k == i ? below : items.entries[k - 1].score) && t < above)) return false;
                items.entries[k].score = t;
            }
            i = j;
        }
        return true;
    }

    // Every entry gets a new ticket 0..n-1 (the keys of the view change; rare, see assignTickets).
    void renumber()
    {
        JobIndexEntryList all;
        for (const auto& b : buckets)
            for (const auto& e : b->entries) {
                all.addFrom(e, b->text);
                all.entries.back().score = double(all.entries.size() - 1);
            }
        buckets.clear();
        recount();
        replace(0, 0, all);
    }

    // Entries [from, to) become the members `raw` read there: members already in that range keep
    // their entries and tickets, the others are parsed.
    void rewrite(std::size_t from, std::size_t to, std::vector<std::string>& raw, QueueIndexRefreshStats& stats)
    {
        std::unordered_map<std::uint64_t, std::size_t> old;
        for (std::size_t i = from; i < to; ++i) old.emplace(at(i).payloadHash, i);
        JobIndexEntryList items;
        std::vector<bool> kept;
        for (auto& member : raw) {
            const std::uint64_t hash = jobIndexPayloadHash(member);
            if (const auto it = old.find(hash); it != old.end()) {
                const std::size_t b = bucketOf(it->second);
                items.addFrom(buckets[b]->entries[it->second - starts[b]], buckets[b]->text);
                kept.push_back(true);
            } else {
                pools.parseInto(items, 0, std::move(member), hash, JobIndexPools::Time::Enqueued);
                ++stats.entriesParsed;
                kept.push_back(false);
            }
        }
        const double lo = from > 0 ? at(from - 1).score : -kInf;
        const double hi = to < size() ? at(to).score : kInf;
        if (assignTickets(items, kept, lo, hi)) {
            replace(from, to, items);
        } else {
            for (auto& e : items.entries) e.score = 0;
            replace(from, to, items);
            renumber();
        }
    }

    // Lines the index up with the list's tail (members in tail-first order, read in the same MULTI
    // as whatever is compared next): afterwards an entry's index is its position from the tail.
    void alignTail(std::vector<std::string>& tail, QueueIndexRefreshStats& stats)
    {
        const std::size_t n = size();
        if (n == 0) return;
        if (!tail.empty()) {
            if (const auto d = findHash(jobIndexPayloadHash(tail.front()), 0, n)) {
                if (*d == 0) return;
                replace(0, *d, {});
                stats.fetched += *d;
                verifyFrom = verifyFrom > *d ? verifyFrom - *d : 0;
                return;
            }
            // Members pushed back below the oldest entry (RPUSH, as a stopping worker requeues)?
            const std::uint64_t oldest = at(0).payloadHash;
            for (std::size_t r = 1; r < tail.size(); ++r) {
                if (jobIndexPayloadHash(tail[r]) != oldest) continue;
                std::vector<std::string> below(
                    std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.begin() + std::ptrdiff_t(r)));
                rewrite(0, 0, below, stats);
                verifyFrom += r;
                return;
            }
        }
        // No indexed member is left at the tail: every one was fetched (or the list was replaced).
        replace(0, n, {});
        stats.fetched += n;
        verifyFrom = 0;
        complete = false;
        repairing = false;
    }

    // Members the next window reads: the budget's and the page size's bound, and the pacer's.
    std::size_t pageWant(std::size_t budget) const
    {
        const std::size_t want = std::min(budget, limits.pageSize);
        // Never below 2: a head page overlaps the newest entry and must reach past it.
        return pacer ? std::max<std::size_t>(2, pacer->size(redis::LoadPacer::Read, want)) : want;
    }

    // One MULTI: the tail members, then LRANGE of positions [from, from + count) from the tail. The
    // index is aligned with the tail first, so the members returned sit at indexes from, from + 1, …
    std::vector<std::string> readWindow(
        redis::Client& client, std::size_t from, std::size_t count, QueueIndexRefreshStats& stats)
    {
        auto replies = redis::LoadPacer::call(
            pacer, redis::LoadPacer::Read, redis::LoadPacer::probeOf(client),
            [&] {
                return client.transaction({rangeFromTail(key, 0, static_cast<long long>(limits.probeSize) - 1),
                    rangeFromTail(key, static_cast<long long>(from), static_cast<long long>(from + count) - 1)});
            },
            [](const std::vector<redis::Reply>& read) { return read[0].elements.size() + read[1].elements.size(); });
        ++stats.roundTrips;
        auto tail = tailFirst(replies[0]);
        auto window = tailFirst(replies[1]);
        stats.entriesRead += window.size();
        stats.largestRead = std::max(stats.largestRead, window.size());
        alignTail(tail, stats);
        return window;
    }

    void startRepair()
    {
        if (repairing) return;
        repairing = true;
        verifyFrom = 0;
        changed = true; // the snapshot must stop saying "synced"
    }

    void append(std::vector<std::string>& raw, std::size_t skip, QueueIndexRefreshStats& stats)
    {
        if (skip >= raw.size()) return;
        std::vector<std::string> fresh(
            std::make_move_iterator(raw.begin() + std::ptrdiff_t(skip)), std::make_move_iterator(raw.end()));
        stats.pushed += fresh.size();
        rewrite(size(), size(), fresh, stats);
    }

    // Reads one page beyond the newest entry. Returns the members charged; `reachedHead` when the
    // page ended before the list did not.
    std::size_t readHead(redis::Client& client, std::size_t budget, bool& reachedHead, QueueIndexRefreshStats& stats)
    {
        const std::size_t n = size();
        // Overlap the newest entry, and reach further below it by what workers fetched lately, so
        // that it is still in the page after the tail moved.
        const std::size_t below = n == 0 ? 0 : std::min(n - 1, slack);
        const std::size_t from = n == 0 ? 0 : n - 1 - below;
        const std::size_t want = pageWant(budget);
        auto window = readWindow(client, from, want, stats);
        const std::size_t charge = std::max<std::size_t>(window.size(), 1);
        reachedHead = window.size() < want;
        const std::size_t fetchedNow = n - std::min(n, size());
        if (fetchedNow > 0 && n > 0) slack = std::min(2 * fetchedNow + 8, limits.pageSize / 2);
        if (size() == 0) {
            // Nothing indexed (first read, or started again): the window is the list from the tail.
            if (from == 0 || n == 0) {
                append(window, 0, stats);
            } else {
                reachedHead = false; // read again from the tail
            }
            return charge;
        }
        const std::size_t newest = size() - 1;
        if (newest < from) {
            reachedHead = false; // more were fetched than the page reached below: again, further down
            slack = std::min(limits.pageSize / 2, 2 * slack + 8);
            return charge;
        }
        const std::size_t at = newest - from;
        if (at >= window.size() || jobIndexPayloadHash(window[at]) != this->at(newest).payloadHash) {
            // The newest entry is not where the tail says it is: something changed in the middle.
            reachedHead = false;
            startRepair();
            return charge;
        }
        append(window, at + 1, stats);
        return charge;
    }

    // Verifies one window. Returns the members charged.
    std::size_t verify(redis::Client& client, std::size_t budget, QueueIndexRefreshStats& stats)
    {
        const std::size_t want = pageWant(budget);
        const std::size_t from = verifyFrom;
        auto window = readWindow(client, from, want, stats);
        stats.entriesVerified += window.size();
        const std::size_t charge = std::max<std::size_t>(window.size(), 1);
        const std::size_t n = size();
        const std::size_t overlap = from < n ? std::min(window.size(), n - from) : 0;
        bool same = from <= n;
        for (std::size_t i = 0; same && i < overlap; ++i)
            same = jobIndexPayloadHash(window[i]) == at(from + i).payloadHash;
        // A short window ended at the head: entries beyond it are no longer in the list.
        const bool reachedHead = window.size() < want;
        if (same && from + window.size() > n) {
            append(window, n - from, stats);
        } else if (same && reachedHead && from + window.size() < n) {
            replace(from + window.size(), n, {});
            ++stats.repaired;
        } else if (!same && from <= n) {
            // The window's last member, if indexed nearby, ends the stretch it replaces (which is
            // longer when members were removed inside it, shorter when some were inserted).
            std::size_t to = std::min(n, from + window.size());
            if (reachedHead)
                to = n;
            else if (const auto e = findHash(jobIndexPayloadHash(window.back()), from, from + window.size() + want))
                to = *e + 1;
            rewrite(from, to, window, stats);
            ++stats.repaired;
        }
        verifyFrom = from + window.size();
        // A repair ends only with a window that saw the head; a routine cycle at the last entry.
        if (reachedHead || (!repairing && verifyFrom >= size())) {
            verifyFrom = 0;
            stats.verifyCycleCompleted = true;
            if (reachedHead) {
                repairing = false;
                complete = true;
            }
        }
        return charge;
    }
};

QueueIndex::QueueIndex(std::string queue, QueueIndexLimits limits)
    : m_queue(std::move(queue))
    , m_limits(limits)
    , m_state(std::make_unique<State>(keys::queue(m_queue), limits))
{
    publish(*m_state);
}

QueueIndex::~QueueIndex() = default;

QueueIndexRefreshStats QueueIndex::refresh(redis::Client& client)
{
    return refresh(client, m_limits.maxEntries);
}

QueueIndexRefreshStats QueueIndex::refresh(redis::Client& client, std::size_t maxEntries)
{
    const std::lock_guard lock(m_refreshMutex);
    const auto started = std::chrono::steady_clock::now();
    State& s = *m_state;
    s.pacer = m_pacer.get();
    const util::BackgroundPriority lowered(m_pacer != nullptr); // our parsing must not hold a Redis on this host
    QueueIndexRefreshStats stats;
    bool headDone = false;
    try {
        auto replies = client.transaction(
            {Command("LLEN").key(s.key), rangeFromTail(s.key, 0, static_cast<long long>(s.limits.probeSize) - 1),
                Command("LRANGE").key(s.key).arg(0).arg(0)});
        ++stats.roundTrips;
        stats.listSize = replies[0].asInteger();
        auto tail = tailFirst(replies[1]);
        auto head = takeStrings(replies[2]);
        s.alignTail(tail, stats);
        const std::size_t n = s.size();
        const bool headKnown = n > 0 && !head.empty() && jobIndexPayloadHash(head.front()) == s.at(n - 1).payloadHash;
        if (stats.listSize == 0 && n == 0) {
            s.complete = true;
            s.repairing = false;
            headDone = true;
        } else if (s.complete && !s.repairing) {
            const auto size = static_cast<long long>(n);
            if (stats.listSize < size || (stats.listSize == size && !headKnown)) s.startRepair();
            headDone = stats.listSize == size && headKnown;
        }

        const std::size_t budget = maxEntries == 0 ? 0 : std::max<std::size_t>(maxEntries, 2);
        std::size_t remaining = budget;
        while (remaining >= 2 && !headDone && !s.repairing) {
            bool reachedHead = false;
            remaining -= std::min(remaining, s.readHead(client, remaining, reachedHead, stats));
            if (reachedHead) {
                headDone = true;
                s.complete = true;
            }
        }
        std::size_t verifyLeft = s.repairing ? remaining : std::min(remaining, m_limits.verifyEntries);
        while (verifyLeft > 0 && (s.complete || s.repairing)) {
            const bool wasRepairing = s.repairing;
            const std::size_t charge = std::min(verifyLeft, s.verify(client, verifyLeft, stats));
            verifyLeft -= charge;
            if (stats.verifyCycleCompleted && !wasRepairing) break; // one cycle per call is plenty
            if (wasRepairing && !s.repairing) {
                headDone = true;
                break;
            }
        }
    } catch (...) {
        if (s.changed) publish(s);
        throw;
    }
    if (stats.verifyCycleCompleted) ++m_verifyCycles;
    if (s.changed) publish(s);
    stats.complete = s.complete;
    stats.synced = s.complete && !s.repairing && headDone;
    stats.indexed = s.size();
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

void QueueIndex::publish(State& s)
{
    JobIndexSnapshot::Parts parts;
    parts.listOrder = true;
    parts.buckets = s.buckets;
    s.pools.publishInto(parts);
    parts.complete = s.complete;
    parts.synced = s.complete && !s.repairing;
    s.changed = false;
    m_published.publish(std::move(parts));
}

std::shared_ptr<const JobIndexSnapshot> QueueIndex::snapshot() const
{
    return m_published.current();
}

void QueueIndex::setBudget(redis::LoadBudget budget)
{
    const std::lock_guard lock(m_refreshMutex);
    redis::LoadPacer::rebudget(m_pacer, budget);
}

void QueueIndex::reset()
{
    const std::lock_guard lock(m_refreshMutex);
    m_state = std::make_unique<State>(keys::queue(m_queue), m_limits);
    publish(*m_state);
}

std::vector<QueueJobRef> queueJobRefs(const JobIndexSnapshot& snapshot, const std::vector<IndexedJobKey>& keys)
{
    std::vector<QueueJobRef> refs;
    refs.reserve(keys.size());
    for (const auto& k : keys) {
        const auto row = snapshot.find(k.score, k.payloadHash);
        refs.push_back({k.payloadHash, row ? static_cast<long long>(*row) : 0});
    }
    std::stable_sort(refs.begin(), refs.end(), [](const auto& a, const auto& b) { return a.fromTail < b.fromTail; });
    return refs;
}

namespace {
// Positions [from, to] from the tail, with LLEN at the same moment (for QueueEntry::index).
struct Window {
    long long length = 0;
    long long from = 0;
    std::vector<std::string> members; // tail first
};

Window readFromTail(redis::Client& client, const std::string& key, long long from, long long to)
{
    auto replies = client.transaction({Command("LLEN").key(key), rangeFromTail(key, from, to)});
    return {replies[0].asInteger(), from, tailFirst(replies[1])};
}

// Reads windows of at most kFetchPage around `hint`, then outwards on both sides until both ends of
// the list are reached; calls `found(window, i)` for each member read until it returns true.
template <typename Fn> bool searchAround(redis::Client& client, const std::string& key, long long hint, Fn found)
{
    long long low = std::max(0LL, hint - kFetchPage / 2); // next unread position below is low - 1
    long long high = low + kFetchPage; // next unread position above
    Window w = readFromTail(client, key, low, high - 1);
    for (std::size_t i = 0; i < w.members.size(); ++i)
        if (found(w, i)) return true;
    bool headReached = low + static_cast<long long>(w.members.size()) >= w.length;
    while (low > 0 || !headReached) {
        if (low > 0) {
            const long long from = std::max(0LL, low - kFetchPage);
            w = readFromTail(client, key, from, low - 1);
            for (std::size_t i = 0; i < w.members.size(); ++i)
                if (found(w, i)) return true;
            low = from;
            if (high >= w.length) headReached = true;
        }
        if (!headReached) {
            w = readFromTail(client, key, high, high + kFetchPage - 1);
            for (std::size_t i = 0; i < w.members.size(); ++i)
                if (found(w, i)) return true;
            high += kFetchPage;
            headReached = high >= w.length;
        }
    }
    return false;
}
} // namespace

std::optional<QueueEntry> fetchQueueJob(redis::Client& client, const std::string& queue, const QueueJobRef& ref)
{
    std::optional<QueueEntry> out;
    searchAround(client, keys::queue(queue), ref.fromTail, [&](Window& w, std::size_t i) {
        if (jobIndexPayloadHash(w.members[i]) != ref.payloadHash) return false;
        const long long fromTail = w.from + static_cast<long long>(i);
        out = QueueEntry {w.length - 1 - fromTail, JobRecord::parse(std::move(w.members[i]))};
        return true;
    });
    return out;
}

std::vector<std::string> fetchQueuePayloads(
    redis::Client& client, const std::string& queue, const std::vector<QueueJobRef>& refs)
{
    std::vector<std::string> out;
    if (refs.empty()) return out;
    const std::string key = keys::queue(queue);
    std::unordered_map<std::uint64_t, std::size_t> wanted; // hash → refs still looked for
    long long low = refs.front().fromTail, high = low;
    for (const auto& r : refs) {
        ++wanted[r.payloadHash];
        low = std::min(low, r.fromTail);
        high = std::max(high, r.fromTail);
    }
    // One pass over the stretch the hints span (plus a margin for the shift since), in pages, oldest
    // first: a selection of neighbouring rows costs a few reads, not one search per job.
    low = std::max(0LL, low - kFetchPage / 2);
    high += kFetchPage / 2;
    std::vector<std::pair<long long, std::string>> found; // position from the tail, payload
    for (long long from = low; from <= high && !wanted.empty(); from += kFetchPage) {
        Window w = readFromTail(client, key, from, std::min(high, from + kFetchPage - 1));
        for (std::size_t i = 0; i < w.members.size(); ++i) {
            const auto it = wanted.find(jobIndexPayloadHash(w.members[i]));
            if (it == wanted.end()) continue;
            found.emplace_back(from + static_cast<long long>(i), std::move(w.members[i]));
            if (--it->second == 0) wanted.erase(it);
        }
        if (from + static_cast<long long>(w.members.size()) >= w.length) break; // the head
    }
    // The rest moved further than the margin: each is looked for on its own.
    for (const auto& r : refs) {
        const auto it = wanted.find(r.payloadHash);
        if (it == wanted.end()) continue;
        if (auto entry = fetchQueueJob(client, queue, r)) found.emplace_back(r.fromTail, std::move(entry->job.raw));
        if (--it->second == 0) wanted.erase(it);
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.reserve(found.size());
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

ActionResult deleteIndexedQueueJobs(
    redis::Client& client, write::WriteGate& gate, const std::string& queue, const std::vector<QueueJobRef>& refs)
{
    const auto payloads = fetchQueuePayloads(client, queue, refs);
    ActionResult result;
    result.affected = payloads.empty() ? 0 : deleteFromQueue(client, gate, queue, payloads);
    result.missing = static_cast<long long>(refs.size()) - result.affected;
    return result;
}

ActionResult moveIndexedQueueJobs(redis::Client& client, write::WriteGate& gate, const std::string& from,
    const std::vector<QueueJobRef>& refs, const std::string& to)
{
    // Oldest first, so the moved jobs keep their running order in `to`.
    const auto payloads = fetchQueuePayloads(client, from, refs);
    ActionResult result = moveQueueJobs(client, gate, from, payloads, to);
    result.missing += static_cast<long long>(refs.size() - payloads.size());
    return result;
}

} // namespace kiq::sidekiq
