#include "sidekiq/search/JobIndex.h"

#include "redis/Errors.h"
#include "sidekiq/model/Timestamp.h"
#include "sidekiq/search/JobIndexPools.h"
#include "util/ThreadPriority.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iterator>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Score bounds as Redis reads them. Ruby's float text round-trips exactly; infinities have their
// own spelling (Ruby's "Infinity" is not one Redis accepts).
std::string fromBound(double score)
{
    if (score == -kInf) return "-inf";
    if (score == kInf) return "+inf";
    return formatRubyFloat(score);
}

// Exclusive upper bound; the last bucket ends at +inf inclusive.
std::string belowBound(double hi)
{
    if (hi == kInf) return "+inf";
    return "(" + formatRubyFloat(hi);
}

// (member, score) pairs of a WITHSCORES reply; the member strings are moved out of the reply.
std::vector<std::pair<std::string, double>> takeMembers(redis::Reply reply)
{
    reply.throwIfError();
    if (!reply.isArray() && !reply.isNil()) throw redis::ProtocolError("unexpected reply to ZRANGE");
    std::vector<std::pair<std::string, double>> out;
    out.reserve(reply.elements.size() / 2);
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2)
        out.emplace_back(std::move(reply.elements[i].str), parseScore(reply.elements[i + 1].str));
    return out;
}

struct Slot {
    std::shared_ptr<const JobIndexBucket> bucket;
    bool dirty = true; // known (or assumed) to differ from Redis
    bool read = false; // read completely at least once
};
} // namespace

struct JobIndex::State {
    JobSetKind kind;
    JobIndexLimits limits;
    std::vector<Slot> slots;
    JobIndexPools pools;
    redis::LoadPacer* pacer = nullptr; // JobIndex's, during refresh(); null: pages back to back

    // The re-read in progress: slot `walkSlot`, from `cursor` (inclusive), past `skip` members at
    // exactly that score. Members read and not yet placed in buckets wait in `pending`.
    bool walking = false;
    bool verifying = false;
    std::size_t walkSlot = 0;
    double cursor = -kInf;
    long long skip = 0;
    std::uint64_t lastReadHash = 0; // the member at position skip - 1 of the tie group at `cursor`
    JobIndexEntryList pending;
    std::unordered_set<std::uint64_t> atCursor; // payload hashes read at exactly `cursor`
    std::shared_ptr<const JobIndexBucket> old; // the bucket as it was, for reuse
    std::unordered_map<std::uint64_t, std::uint32_t> reuse; // payload hash → index in old->entries

    double verifyFrom = -kInf;
    std::size_t countFrom = 0;
    bool complete = false;
    bool changed = true;

    State(JobSetKind k, JobIndexLimits l)
        : kind(k)
        , limits(l)
    {
        limits.pageSize = std::max<std::size_t>(limits.pageSize, 1);
        limits.bucketSize = std::max<std::size_t>(limits.bucketSize, 1);
        slots.push_back({std::make_shared<JobIndexBucket>(), true, false});
    }

    // Count checks in one round trip, or under a load budget in round trips the pacer sizes and spaces.
    std::vector<redis::Reply> pipelineChecks(
        redis::Client& client, const std::vector<Command>& cmds, JobIndexRefreshStats& stats)
    {
        if (!pacer) {
            ++stats.roundTrips;
            return client.pipeline(cmds);
        }
        std::vector<redis::Reply> replies;
        replies.reserve(cmds.size());
        for (std::size_t i = 0; i < cmds.size();) {
            const std::size_t n = pacer->size(redis::LoadPacer::Check, cmds.size() - i);
            auto part = pacer->call(
                redis::LoadPacer::Check, redis::LoadPacer::probeOf(client),
                [&] {
                    return client.pipeline({cmds.begin() + std::ptrdiff_t(i), cmds.begin() + std::ptrdiff_t(i + n)});
                },
                [](const std::vector<redis::Reply>& checks) { return checks.size(); });
            std::move(part.begin(), part.end(), std::back_inserter(replies));
            ++stats.roundTrips;
            i += n;
        }
        return replies;
    }

    // Adds one member read from Redis to `pending`: reused from the old bucket when the same bytes
    // were there at the same score, parsed otherwise.
    // Returns the member's payload hash.
    std::uint64_t take(double score, std::string raw, JobIndexRefreshStats& stats)
    {
        const std::uint64_t hash = jobIndexPayloadHash(raw);
        if (score == cursor && atCursor.count(hash)) return hash; // read already (the tie group moved)
        if (old) {
            if (const auto it = reuse.find(hash); it != reuse.end() && old->entries[it->second].score == score) {
                pending.addFrom(old->entries[it->second], old->text);
                return hash;
            }
        }
        pools.parseInto(pending, score, std::move(raw), hash);
        ++stats.entriesParsed;
        return hash;
    }

    // Buckets of about bucketSize for entries [from, to) of `list`, covering [lo, hi); cuts only
    // between different scores. Always at least one bucket (an empty range is a verified fact too).
    std::vector<std::shared_ptr<const JobIndexBucket>> split(
        const JobIndexEntryList& list, std::size_t from, std::size_t to, double lo, double hi) const
    {
        std::vector<std::shared_ptr<const JobIndexBucket>> out;
        JobIndexEntryList current;
        double currentLo = lo;
        const auto close = [&](double end) { out.push_back(std::move(current).toBucket(currentLo, end)); };
        for (std::size_t i = from; i < to; ++i) {
            const JobIndexEntry& e = list.entries[i];
            if (current.entries.size() >= limits.bucketSize && e.score != current.entries.back().score) {
                close(e.score);
                currentLo = e.score;
            }
            current.addFrom(e, list.text);
        }
        close(hi);
        return out;
    }

    void insertBefore(std::size_t at, const std::vector<std::shared_ptr<const JobIndexBucket>>& buckets)
    {
        std::vector<Slot> fresh;
        for (const auto& b : buckets) fresh.push_back({b, false, true});
        slots.insert(slots.begin() + static_cast<std::ptrdiff_t>(at), fresh.begin(), fresh.end());
    }

    void startWalk(std::size_t slot, bool verification)
    {
        walking = true;
        verifying = verification;
        walkSlot = slot;
        cursor = slots[slot].bucket->lo;
        skip = 0;
        pending = {};
        atCursor.clear();
        old = slots[slot].bucket;
        reuse.clear();
        reuse.reserve(old->entries.size());
        for (std::uint32_t i = 0; i < old->entries.size(); ++i) reuse.emplace(old->entries[i].payloadHash, i);
    }

    // Everything below `boundary` has been read: place those pending entries in buckets before the
    // walked slot, whose (stale) remainder now starts at `boundary`.
    void settleBelow(double boundary)
    {
        const JobIndexBucket& walked = *slots[walkSlot].bucket;
        if (!(walked.lo < boundary)) return;
        const auto firstKept = std::partition_point(
            pending.entries.begin(), pending.entries.end(), [&](const JobIndexEntry& e) { return e.score < boundary; });
        const std::size_t settled = std::size_t(firstKept - pending.entries.begin());
        const auto buckets = split(pending, 0, settled, walked.lo, boundary);

        auto rest = std::make_shared<JobIndexBucket>();
        rest->lo = boundary;
        rest->hi = walked.hi;
        JobIndexEntryList restList;
        for (const JobIndexEntry& e : walked.entries)
            if (e.score >= boundary) restList.addFrom(e, walked.text);
        rest->entries = std::move(restList.entries);
        rest->text = std::move(restList.text);
        slots[walkSlot].bucket = std::move(rest);

        insertBefore(walkSlot, buckets);
        walkSlot += buckets.size();

        JobIndexEntryList kept;
        for (std::size_t i = settled; i < pending.entries.size(); ++i) kept.addFrom(pending.entries[i], pending.text);
        pending = std::move(kept);
        changed = true;
    }

    void finishWalk(JobIndexRefreshStats& stats)
    {
        const double lo = slots[walkSlot].bucket->lo;
        const double hi = slots[walkSlot].bucket->hi;
        const auto buckets = split(pending, 0, pending.entries.size(), lo, hi);
        slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(walkSlot));
        insertBefore(walkSlot, buckets);
        if (verifying) {
            verifyFrom = hi;
            if (hi == kInf) {
                verifyFrom = -kInf;
                stats.verifyCycleCompleted = true;
            }
        }
        walking = verifying = false;
        pending = {};
        atCursor.clear();
        old.reset();
        reuse.clear();
        changed = true;
        if (!complete && std::all_of(slots.begin(), slots.end(), [](const Slot& s) { return s.read; })) {
            complete = true;
            stats.passCompleted = true;
        }
        compact();
    }

    // Merges runs of neighbouring clean buckets that together stay within bucketSize (ranges emptied
    // by removals, remainders of splits, pieces of a refined bucket), so the bucket count follows the
    // set's size. Each run is copied once.
    void compact()
    {
        std::vector<Slot> out;
        out.reserve(slots.size());
        for (std::size_t i = 0; i < slots.size();) {
            std::size_t j = i;
            std::size_t total = slots[i].bucket->entries.size();
            const auto mergeable = [&](const Slot& x) { return !x.dirty && x.read; };
            if (mergeable(slots[i]) && !(walking && i == walkSlot)) {
                while (j + 1 < slots.size() && mergeable(slots[j + 1]) && !(walking && j + 1 == walkSlot)
                    && total + slots[j + 1].bucket->entries.size() <= limits.bucketSize)
                    total += slots[++j].bucket->entries.size();
            }
            if (j == i) {
                out.push_back(std::move(slots[i]));
            } else {
                JobIndexEntryList merged;
                merged.entries.reserve(total);
                for (std::size_t k = i; k <= j; ++k)
                    for (const auto& e : slots[k].bucket->entries) merged.addFrom(e, slots[k].bucket->text);
                auto bucket = std::make_shared<JobIndexBucket>();
                bucket->lo = slots[i].bucket->lo;
                bucket->hi = slots[j].bucket->hi;
                bucket->entries = std::move(merged.entries);
                bucket->text = std::move(merged.text);
                bucket->text.shrink_to_fit();
                out.push_back({std::move(bucket), false, true});
            }
            i = j + 1;
        }
        slots = std::move(out);
        countFrom = 0;
    }

    // Narrows dirty buckets down before re-reading them: each is cut into up to kRefinePieces
    // pieces at score changes, one ZCOUNT per piece (one round trip for all), and only the pieces
    // whose count differs stay dirty. A single insertion or removal then costs a re-read of
    // ~bucketSize / 16 members instead of the whole bucket.
    void refine(redis::Client& client, std::size_t maxChecks, JobIndexRefreshStats& stats)
    {
        constexpr std::size_t kRefinePieces = 16;
        constexpr std::size_t kMinPiece = 32;
        struct Plan {
            std::size_t slot;
            std::vector<std::size_t> cuts; // entry indexes where pieces start (first is 0)
        };
        std::vector<Plan> plans;
        std::vector<Command> cmds;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            const Slot& slot = slots[i];
            const auto& entries = slot.bucket->entries;
            if (!slot.dirty || !slot.read || (walking && i == walkSlot) || entries.size() < 2 * kMinPiece) continue;
            const std::size_t step = std::max(kMinPiece, (entries.size() + kRefinePieces - 1) / kRefinePieces);
            Plan plan {i, {0}};
            for (std::size_t k = step; k < entries.size(); ++k) {
                if (k - plan.cuts.back() < step || entries[k].score == entries[k - 1].score) continue;
                plan.cuts.push_back(k);
            }
            if (plan.cuts.size() < 2 || cmds.size() + plan.cuts.size() > maxChecks) continue;
            for (std::size_t p = 0; p < plan.cuts.size(); ++p) {
                const double lo = p == 0 ? slot.bucket->lo : entries[plan.cuts[p]].score;
                const double hi = p + 1 < plan.cuts.size() ? entries[plan.cuts[p + 1]].score : slot.bucket->hi;
                cmds.push_back(Command("ZCOUNT").key(setKey(kind)).arg(fromBound(lo)).arg(belowBound(hi)));
            }
            plans.push_back(std::move(plan));
        }
        if (cmds.empty()) return;
        const auto replies = pipelineChecks(client, cmds, stats);
        stats.countChecks += cmds.size();
        std::size_t reply = 0;
        std::vector<std::vector<Slot>> pieces(plans.size());
        for (std::size_t q = 0; q < plans.size(); ++q) {
            const Plan& plan = plans[q];
            const JobIndexBucket& whole = *slots[plan.slot].bucket;
            for (std::size_t p = 0; p < plan.cuts.size(); ++p) {
                const std::size_t from = plan.cuts[p];
                const std::size_t to = p + 1 < plan.cuts.size() ? plan.cuts[p + 1] : whole.entries.size();
                JobIndexEntryList list;
                list.entries.reserve(to - from);
                for (std::size_t k = from; k < to; ++k) list.addFrom(whole.entries[k], whole.text);
                auto bucket = std::make_shared<JobIndexBucket>();
                bucket->lo = p == 0 ? whole.lo : whole.entries[from].score;
                bucket->hi = p + 1 < plan.cuts.size() ? whole.entries[to].score : whole.hi;
                bucket->entries = std::move(list.entries);
                bucket->text = std::move(list.text);
                bucket->text.shrink_to_fit();
                const bool differs = replies[reply++].asInteger() != static_cast<long long>(to - from);
                pieces[q].push_back({std::move(bucket), differs, true});
            }
        }
        // Replace from the back so that earlier slot numbers stay valid.
        for (std::size_t q = plans.size(); q-- > 0;) {
            const std::size_t at = plans[q].slot;
            slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(at));
            slots.insert(slots.begin() + static_cast<std::ptrdiff_t>(at), pieces[q].begin(), pieces[q].end());
            if (walking && walkSlot > at) walkSlot += pieces[q].size() - 1;
        }
        changed = true;
    }

    // Reads the next page of the walk; returns how many members Redis sent.
    //
    // Inside a tie group (skip > 0) the page starts one member early: that member must be the one
    // the previous page ended with. If it is not, members at this score were added or removed
    // before the offset since then, so the group is read again from its start (members already
    // read are recognised by hash and not parsed again).
    std::size_t readPage(redis::Client& client, std::size_t count, JobIndexRefreshStats& stats)
    {
        const double hi = slots[walkSlot].bucket->hi;
        const bool overlap = skip > 0;
        Command c("ZRANGE");
        c.key(setKey(kind))
            .arg(fromBound(cursor))
            .arg(belowBound(hi))
            .arg(std::string_view("BYSCORE"))
            .arg(std::string_view("LIMIT"))
            .arg(overlap ? skip - 1 : 0LL)
            .arg(static_cast<long long>(count + (overlap ? 1 : 0)))
            .arg(std::string_view("WITHSCORES"));
        auto members = takeMembers(redis::LoadPacer::call(
            pacer, redis::LoadPacer::Read, redis::LoadPacer::probeOf(client), [&] { return client.command(c); },
            [](const redis::Reply& page) { return page.elements.size() / 2; }));
        ++stats.roundTrips;
        stats.entriesRead += members.size();
        if (verifying) stats.entriesVerified += members.size();
        const std::size_t received = members.size();
        if (overlap) {
            if (members.empty() || members.front().second != cursor
                || jobIndexPayloadHash(members.front().first) != lastReadHash) {
                restartTieGroup();
                return received;
            }
            members.erase(members.begin());
        }
        const std::size_t got = members.size();
        const double readFrom = cursor;
        double last = readFrom;
        long long atLast = 0;
        for (auto& [raw, score] : members) {
            if (score != last) {
                last = score;
                atLast = 0;
            }
            ++atLast;
            lastReadHash = take(score, std::move(raw), stats);
        }
        if (got < count) {
            finishWalk(stats);
            return received;
        }
        // Members at the last score may continue on the next page: the cursor moves there, past
        // the ones read (all of this page's when the page did not leave the old cursor score).
        if (last == readFrom) {
            skip += static_cast<long long>(got);
        } else {
            skip = atLast;
            atCursor.clear();
        }
        for (auto it = pending.entries.rbegin(); it != pending.entries.rend() && it->score == last; ++it)
            atCursor.insert(it->payloadHash);
        cursor = last;
        settleBelow(last);
        return received;
    }

    void restartTieGroup()
    {
        const auto firstAtCursor = std::partition_point(
            pending.entries.begin(), pending.entries.end(), [&](const JobIndexEntry& e) { return e.score < cursor; });
        JobIndexEntryList kept;
        for (auto it = pending.entries.begin(); it != firstAtCursor; ++it) kept.addFrom(*it, pending.text);
        pending = std::move(kept);
        atCursor.clear();
        skip = 0;
    }

    // Stops a verification re-read so that dirty buckets go first. What it settled stays; the
    // rest of its bucket keeps the entries it had, and verification resumes there later.
    void abandonVerification()
    {
        verifyFrom = slots[walkSlot].bucket->lo;
        walking = verifying = false;
        pending = {};
        atCursor.clear();
        old.reset();
        reuse.clear();
    }

    // ZCOUNT per bucket (not the one being re-read) and ZCARD, one pipelined round trip.
    void countCheck(redis::Client& client, JobIndexRefreshStats& stats)
    {
        std::vector<Command> cmds;
        std::vector<std::size_t> which;
        cmds.push_back(Command("ZCARD").key(setKey(kind)));
        const std::size_t n = slots.size();
        for (std::size_t k = 0; k < n && which.size() < limits.maxCountChecks; ++k) {
            const std::size_t i = (countFrom + k) % n;
            if (!slots[i].read || slots[i].dirty || (walking && i == walkSlot)) continue;
            cmds.push_back(Command("ZCOUNT")
                               .key(setKey(kind))
                               .arg(fromBound(slots[i].bucket->lo))
                               .arg(belowBound(slots[i].bucket->hi)));
            which.push_back(i);
        }
        countFrom = which.empty() ? 0 : (which.back() + 1) % n;
        const auto replies = pipelineChecks(client, cmds, stats);
        stats.countChecks += which.size();
        stats.setSize = replies[0].asInteger();
        bool found = false;
        for (std::size_t k = 0; k < which.size(); ++k) {
            Slot& slot = slots[which[k]];
            if (replies[k + 1].asInteger() != static_cast<long long>(slot.bucket->entries.size()))
                slot.dirty = found = true;
        }
        if (found) changed = true; // the published snapshot must stop saying "synced"
        if (found && walking && verifying) abandonVerification();
    }

    std::optional<std::size_t> firstDirty() const
    {
        for (std::size_t i = 0; i < slots.size(); ++i)
            if (slots[i].dirty) return i;
        return std::nullopt;
    }

    std::size_t slotAt(double score) const
    {
        for (std::size_t i = 0; i < slots.size(); ++i)
            if (slots[i].bucket->contains(score)) return i;
        return 0; // not reached: the buckets cover every score
    }
};

JobIndex::JobIndex(JobSetKind kind, JobIndexLimits limits)
    : m_kind(kind)
    , m_limits(limits)
    , m_state(std::make_unique<State>(kind, limits))
{
    publish(*m_state);
}

JobIndex::~JobIndex() = default;

JobIndexRefreshStats JobIndex::refresh(redis::Client& client)
{
    return refresh(client, m_limits.maxEntries);
}

JobIndexRefreshStats JobIndex::refresh(redis::Client& client, std::size_t maxEntries)
{
    const std::lock_guard lock(m_refreshMutex);
    const auto started = std::chrono::steady_clock::now();
    State& s = *m_state;
    s.pacer = m_pacer.get();
    const util::BackgroundPriority lowered(m_pacer != nullptr); // our parsing must not hold a Redis on this host
    JobIndexRefreshStats stats;
    try {
        if (s.complete) {
            s.countCheck(client, stats);
            if (stats.countChecks < m_limits.maxCountChecks)
                s.refine(client, m_limits.maxCountChecks - stats.countChecks, stats);
        }

        // A page inside a tie group needs room for one new member besides the overlap one, so a
        // budget is never below 2 (0 still means: count check only).
        const auto atLeastTwo = [](std::size_t n) { return n == 0 ? 0 : std::max<std::size_t>(n, 2); };
        std::size_t remaining = atLeastTwo(maxEntries);
        std::size_t verifyLeft = std::min(atLeastTwo(m_limits.verifyEntries), remaining);
        while (remaining > 0) {
            if (!s.walking) {
                if (const auto dirty = s.firstDirty()) {
                    s.startWalk(*dirty, false);
                } else if (s.complete && verifyLeft > 0) {
                    s.startWalk(s.slotAt(s.verifyFrom), true);
                } else {
                    break;
                }
            }
            const std::size_t cap = s.verifying ? std::min(remaining, verifyLeft) : remaining;
            if (cap == 0) break;
            // Members requested: the page, plus the overlap member inside a tie group (see readPage).
            const std::size_t overlap = s.skip > 0 ? 1 : 0;
            std::size_t want = std::min(cap, s.limits.pageSize);
            if (s.pacer && want > overlap)
                want = std::min(want, s.pacer->size(redis::LoadPacer::Read, want - overlap) + overlap);
            if (want <= overlap) break;
            const bool verifying = s.verifying;
            const std::size_t got = s.readPage(client, want - overlap, stats);
            // Every page costs at least one unit, so a call over empty ranges still ends.
            const std::size_t charge = std::max<std::size_t>(got, 1);
            remaining -= std::min(charge, remaining);
            if (verifying) verifyLeft -= std::min(charge, verifyLeft);
        }
    } catch (...) {
        // Keep what was settled; an unfinished read resumes from its cursor on the next call.
        if (s.changed) publish(s);
        throw;
    }
    if (stats.verifyCycleCompleted) ++m_verifyCycles;
    if (s.changed) publish(s);

    const auto snap = snapshot();
    stats.complete = s.complete;
    stats.buckets = s.slots.size();
    stats.dirtyBuckets = static_cast<std::size_t>(
        std::count_if(s.slots.begin(), s.slots.end(), [](const Slot& x) { return x.dirty; }));
    stats.synced = s.complete && stats.dirtyBuckets == 0;
    stats.indexed = snap->size();
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

void JobIndex::setBudget(redis::LoadBudget budget)
{
    const std::lock_guard lock(m_refreshMutex);
    redis::LoadPacer::rebudget(m_pacer, budget);
}

void JobIndex::publish(State& s)
{
    JobIndexSnapshot::Parts parts;
    parts.kind = s.kind;
    parts.buckets.reserve(s.slots.size());
    bool dirty = false;
    for (const Slot& slot : s.slots) {
        parts.buckets.push_back(slot.bucket);
        dirty = dirty || slot.dirty;
    }
    s.pools.publishInto(parts);
    parts.complete = s.complete;
    parts.synced = s.complete && !dirty;
    s.changed = false;
    m_published.publish(std::move(parts));
}

std::shared_ptr<const JobIndexSnapshot> JobIndex::snapshot() const
{
    return m_published.current();
}

void JobIndex::reset()
{
    const std::lock_guard lock(m_refreshMutex);
    m_state = std::make_unique<State>(m_kind, m_limits);
    publish(*m_state);
}

std::optional<SortedEntry> fetchIndexedJob(
    redis::Client& client, JobSetKind kind, double score, std::uint64_t payloadHash)
{
    constexpr long long kPage = 500;
    const std::string bound = fromBound(score);
    for (long long offset = 0;; offset += kPage) {
        Command c("ZRANGE");
        c.key(setKey(kind))
            .arg(bound)
            .arg(bound)
            .arg(std::string_view("BYSCORE"))
            .arg(std::string_view("LIMIT"))
            .arg(offset)
            .arg(kPage)
            .arg(std::string_view("WITHSCORES"));
        auto members = takeMembers(client.command(c));
        for (auto& [raw, s] : members)
            if (jobIndexPayloadHash(raw) == payloadHash) return SortedEntry {s, JobRecord::parse(std::move(raw))};
        if (static_cast<long long>(members.size()) < kPage) return std::nullopt;
    }
}

std::vector<SortedEntry> fetchIndexedJobs(
    redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys, long long& gone)
{
    std::vector<SortedEntry> entries;
    for (const IndexedJobKey& key : keys) {
        if (auto entry = fetchIndexedJob(client, kind, key.score, key.payloadHash))
            entries.push_back(std::move(*entry));
        else
            ++gone;
    }
    std::stable_sort(
        entries.begin(), entries.end(), [](const SortedEntry& a, const SortedEntry& b) { return a.score < b.score; });
    return entries;
}

} // namespace kiq::sidekiq
