#include "sidekiq/actions/BulkExecutor.h"

#include "redis/Command.h"
#include "redis/KeySlot.h"
#include "redis/PipelineStream.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"
#include "util/FloatFormat.h"
#include "util/ThreadPriority.h"
#include "write/UndoJournal.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>
#include <thread>

namespace kiq::sidekiq {

using redis::Command;

namespace {

// One page after the cursor: scores from cursorScore up, skipping the entries at exactly that score
// that were examined before and left in place. Only the entries that may match the filter are parsed
// (`candidate`); with no filter nothing is, the raw payload is all an action needs.
struct Page {
    std::vector<SortedEntry> entries;
    std::vector<bool> candidate;
};

Command pageCommand(JobSetKind set, const BulkProgress& p, long long count)
{
    Command c("ZRANGE");
    c.key(setKey(set));
    if (std::isfinite(p.cursorScore))
        c.arg(p.cursorScore);
    else
        c.arg(std::string_view(p.cursorScore > 0 ? "+inf" : "-inf"));
    c.arg(std::string_view("+inf"))
        .arg(std::string_view("BYSCORE"))
        .arg(std::string_view("LIMIT"))
        .arg(p.keptAtCursor)
        .arg(count)
        .arg(std::string_view("WITHSCORES"));
    return c;
}

// The rank of the first entry pageCommand reads: those scored below the cursor, and those skipped at it.
Command rankCommand(JobSetKind set, const BulkProgress& p)
{
    const std::string below = std::isfinite(p.cursorScore) ? util::formatRubyFloat(p.cursorScore)
        : p.cursorScore > 0                                ? std::string("+inf")
                                                           : std::string("-inf");
    return Command("ZCOUNT").key(setKey(set)).arg(std::string_view("-inf")).arg("(" + below);
}

Page parsePage(redis::Reply reply, const JobFilter& filter)
{
    reply.throwIfError().asArray(); // throws unless an array (or nil, which has no elements)
    auto& items = reply.elements;
    Page page;
    page.entries.reserve(items.size() / 2);
    page.candidate.reserve(items.size() / 2);
    // No filter looks at a backtrace, and decoding one can cost far more than the job (a zip bomb).
    JobParseOptions options;
    options.decodeBacktrace = false;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        SortedEntry e {parseScore(items[i + 1].asString()), {}};
        const bool candidate = filter.mayMatchRaw(items[i].str);
        if (filter.empty())
            e.job.raw = std::move(items[i].str);
        else if (candidate)
            e.job = JobRecord::parse(items[i].str, options);
        page.entries.push_back(std::move(e));
        page.candidate.push_back(candidate);
    }
    return page;
}

// What a page read carries: its entries (a WITHSCORES reply holds two elements for each).
std::size_t entriesIn(const redis::Reply& page)
{
    return page.elements.size() / 2;
}

// Moves the cursor past a page whose entries in `kept` stay in the set.
void advance(BulkProgress& p, const std::vector<SortedEntry>& page, const std::vector<bool>& kept)
{
    const double last = page.back().score;
    long long keptAtLast = 0;
    for (std::size_t i = 0; i < page.size(); ++i)
        if (kept[i] && page[i].score == last) ++keptAtLast;
    if (last == p.cursorScore)
        p.keptAtCursor += keptAtLast;
    else
        p.keptAtCursor = keptAtLast;
    p.cursorScore = last;
}

void count(BulkPreview& preview, const SortedEntry& e)
{
    ++preview.matched;
    ++preview.byClass[e.job.displayClass.empty() ? "(unknown)" : e.job.displayClass];
    ++preview.byQueue[e.job.queue.empty() ? "(none)" : e.job.queue];
    ++preview.byError[e.job.ok() ? e.job.errorClass.value_or("(no error)") : "(malformed)"];
}

} // namespace

// A page read and made ready to act on: its matches, the action's commands, and the cursor as it
// will stand once those commands have run.
struct BulkExecutor::Step {
    Page page;
    long long scanned = 0;
    long long matched = 0;
    // The action on the page's matches, none when nothing matched: a WATCHed transaction when the page
    // was read under WATCH, else (or when that transaction was aborted) script calls.
    std::optional<WatchedMove> move;
    std::optional<PreparedAction> action;
    BulkProgress after; // cursorScore/keptAtCursor once the action has run
    // Where the next read starts when it runs *before* this page's action (it is sent ahead of it):
    // this page's matches are then still in the set, at the cursor score too.
    BulkProgress nextRead;
};

// What one run() keeps for its pages.
struct BulkExecutor::Run {
    JobFilter filter;
    std::string detail; // for the audit entries
    std::string server; // where the jobs live (write::serverOf)
    std::chrono::steady_clock::time_point started;
    long long affectedBefore = 0; // a resumed operation's counts when this run started
    long long scannedBefore = 0;
};

BulkExecutor::Step BulkExecutor::readStep(redis::Reply page, const BulkProgress& before, const Run& run,
    std::size_t chunk, std::optional<long long> firstRank) const
{
    const BulkSpec& spec = m_op.spec;
    const JobFilter& filter = run.filter;
    Step step;
    step.page = parsePage(std::move(page), filter);
    const auto& entries = step.page.entries;
    if (entries.empty()) return step;
    const double t = Timestamp::now().seconds();
    std::vector<bool> kept(entries.size(), true);
    std::vector<std::string> payloads;
    std::vector<double> scores;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        ++step.scanned;
        if (!step.page.candidate[i] || !filter.matches(entries[i].job, t)) continue;
        ++step.matched;
        kept[i] = false;
        if (firstRank) continue; // a WATCHed move works on the page's entries themselves
        payloads.push_back(entries[i].job.raw);
        scores.push_back(entries[i].score);
    }
    if (step.matched > 0) {
        const ActionResult* prepared = nullptr;
        if (firstRank) {
            std::vector<bool> selected(kept.size());
            for (std::size_t i = 0; i < kept.size(); ++i) selected[i] = !kept[i];
            step.move = prepareWatchedMove(
                spec.action, spec.set, entries, *firstRank, selected, spec.targetQueue, run.detail);
            prepared = &step.move->result;
        } else {
            step.action = prepareJobAction(spec.action, spec.set, payloads, spec.targetQueue, run.detail, chunk);
            if (step.action->removes()) step.action->scores = std::move(scores); // for the undo journal
            prepared = &step.action->result;
        }
        // Skipped entries stay in the set: the cursor must count them as kept.
        std::multiset<std::string> skipped;
        for (const auto& sk : prepared->skipped) skipped.insert(sk.payload);
        for (std::size_t i = 0; i < entries.size() && !skipped.empty(); ++i) {
            auto it = kept[i] ? skipped.end() : skipped.find(entries[i].job.raw);
            if (it != skipped.end()) {
                kept[i] = true;
                skipped.erase(it);
            }
        }
    }
    step.after = before;
    advance(step.after, entries, kept);
    step.nextRead = step.after;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (!kept[i] && entries[i].score == step.after.cursorScore) ++step.nextRead.keptAtCursor;
    return step;
}

BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize,
    const BulkProgressFn& onProgress, const redis::LoadBudget& budget)
{
    BulkPreview preview;
    BulkProgress cursor;
    const double t = Timestamp::now().seconds();
    redis::LoadPacer pacer(budget);
    const util::BackgroundPriority lowered(!budget.unlimited); // our parsing must not hold a Redis on this host
    const auto probe = redis::LoadPacer::probeOf(client);
    for (;;) {
        const auto want = static_cast<long long>(pacer.size(redis::LoadPacer::Read, BulkExecutor::kPageSize));
        const Page page = parsePage(pacer.call(
                                        redis::LoadPacer::Read, probe,
                                        [&] { return client.command(pageCommand(set, cursor, want)); }, entriesIn),
            filter);
        if (page.entries.empty()) break;
        for (std::size_t i = 0; i < page.entries.size(); ++i) {
            const SortedEntry& e = page.entries[i];
            ++preview.scanned;
            if (!page.candidate[i] || !filter.matches(e.job, t)) continue;
            count(preview, e);
            if (preview.sample.size() < sampleSize) preview.sample.push_back(e);
        }
        advance(cursor, page.entries, std::vector<bool>(page.entries.size(), true));
        cursor.scanned = preview.scanned;
        cursor.matched = preview.matched;
        cursor.load = pacer.report();
        if (onProgress && !onProgress(cursor)) break;
    }
    return preview;
}

std::string BulkExecutor::deploymentOf(const redis::ConnectionOptions& connection)
{
    return write::serverOf(connection);
}

BulkOperation BulkExecutor::create(const redis::ConnectionOptions& connection, const BulkSpec& spec)
{
    BulkOperation op;
    op.id = JobBuilder::generateJid().substr(0, 16);
    op.deployment = deploymentOf(connection);
    op.spec = spec;
    op.startedAt = op.updatedAt = Timestamp::now().seconds();
    return op;
}

BulkExecutor::BulkExecutor(
    redis::Client& client, write::WriteGate& gate, BulkOperation operation, const BulkProgressStore* store)
    : m_client(client)
    , m_gate(gate)
    , m_op(std::move(operation))
    , m_store(store)
{
}

long long BulkExecutor::pageSize() const
{
    // With a rate cap, pages of about a second's worth keep cancel and progress responsive.
    if (m_op.spec.ratePerSecond > 0)
        return std::clamp<long long>(static_cast<long long>(m_op.spec.ratePerSecond), 20, kPageSize);
    return kPageSize;
}

const BulkOperation& BulkExecutor::run(const BulkProgressFn& onProgress)
{
    BulkProgress& p = m_op.progress;
    Run run {JobFilter::parse(m_op.spec.filter), {}, {}, {}, p.affected, p.scanned}; // a bad filter fails first
    if (p.finished) return m_op;
    run.filter.redactWith(m_redactor);
    p.cancelled = false;
    if (p.scanned == 0) p.total = setSize(m_client, m_op.spec.set);
    run.detail = "bulk " + m_op.id + (m_op.spec.filter.empty() ? "" : ": " + m_op.spec.filter);
    run.server = write::serverOf(m_client.options());
    run.started = std::chrono::steady_clock::now();

    // A connection of the run's own, to the node that holds the set.
    redis::PipelineStream stream(m_client, setKey(m_op.spec.set));
    // Unlimited moves too go a transaction at a time: half the server's work per job outweighs the
    // overlap that pipelining the script calls behind the next read gives.
    if (m_budget.unlimited && !watchesPages())
        runPipelined(stream, run, onProgress);
    else
        runPaced(stream, run, onProgress);

    p.finished = !p.cancelled;
    m_op.updatedAt = Timestamp::now().seconds();
    if (m_store) {
        if (p.finished)
            m_store->remove(m_op.id);
        else
            m_store->save(m_op);
    }
    return m_op;
}

void BulkExecutor::runPipelined(redis::PipelineStream& stream, const Run& run, const BulkProgressFn& onProgress)
{
    // Reads run one page ahead of the writes: each page's writes go out right behind the next page's
    // read, so Redis runs them while we parse and prepare that page.
    const BulkSpec& spec = m_op.spec;
    bool scriptLoaded = false;
    stream.send({pageCommand(spec.set, m_op.progress, pageSize())});
    Step current = readStep(stream.receive(), m_op.progress, run, kJobActionChunk);
    while (!current.page.entries.empty()) {
        std::vector<Command> batch {pageCommand(spec.set, current.nextRead, pageSize())};
        Step next;
        if (current.action) {
            PreparedAction& action = *current.action;
            m_gate.perform(action.intent, [&](write::WriteScope& scope) {
                // Every page of the run in one undo record; its jobs kept before their removal is sent.
                scope.setOperation(m_op.id);
                action.keep(scope, run.server);
                const bool loading = action.script && !scriptLoaded;
                if (loading) batch.push_back(action.script->load()); // EVALSHA on this connection needs it cached
                const std::vector<Command> cmds = action.commands();
                batch.insert(batch.end(), cmds.begin(), cmds.end());
                stream.send(batch);
                next = readStep(stream.receive(), current.after, run, kJobActionChunk);
                if (loading) stream.receive().throwIfError();
                scriptLoaded = scriptLoaded || loading;
                std::vector<redis::Reply> replies;
                for (std::size_t i = 0; i < cmds.size(); ++i) replies.push_back(stream.receive());
                return action.finish(replies, scope);
            });
        } else {
            stream.send(batch);
            next = readStep(stream.receive(), current.after, run, kJobActionChunk);
        }
        if (!settle(current, run, {}, onProgress)) return;
        current = std::move(next);
    }
}

void BulkExecutor::runPaced(redis::PipelineStream& stream, const Run& run, const BulkProgressFn& onProgress)
{
    // One call at a time, each sized to hold Redis about callMs, with pauses that keep the share:
    // pipelined calls would run back to back on the server, one long hold for everyone else.
    using redis::LoadPacer;
    LoadPacer pacer(m_budget);
    const util::BackgroundPriority lowered(!m_budget.unlimited); // our parsing must not hold a Redis on this host
    const LoadPacer::Probe probe = [&stream](const Command& c) {
        stream.send({c});
        return stream.receive();
    };
    const BulkSpec& spec = m_op.spec;
    BulkProgress& p = m_op.progress;
    // A page read under WATCH is sized to what one write call may carry: its moves are one transaction.
    bool watched = watchesPages();
    std::set<std::string> typed; // keys whose type this run has checked
    bool scriptLoaded = false;
    for (;;) {
        auto want = static_cast<long long>(pacer.size(LoadPacer::Read, std::size_t(pageSize())));
        if (watched)
            want = std::min(want, static_cast<long long>(pacer.size(LoadPacer::Write, std::size_t(pageSize()))));
        std::optional<long long> firstRank;
        redis::Reply page = pacer.call(
            LoadPacer::Read, probe,
            [&] {
                if (!watched) {
                    stream.send({pageCommand(spec.set, p, want)});
                    return stream.receive();
                }
                // UNWATCH first: a watch left from a page with nothing to move would abort this one's
                // transaction for a change made before it was read.
                stream.send({Command("UNWATCH"), Command("WATCH").key(setKey(spec.set)), rankCommand(spec.set, p),
                    pageCommand(spec.set, p, want)});
                const redis::Reply unwatch = stream.receive(), watch = stream.receive(), rank = stream.receive();
                for (const auto* r : {&unwatch, &watch}) {
                    // An ACL user made before operators were given WATCH: the script's path serves it.
                    if (r->isError() && redis::classifyReplyError(r->str) == ErrorKind::NoPerm) watched = false;
                    if (watched) r->throwIfError();
                }
                if (watched) firstRank = rank.throwIfError().asInteger() + p.keptAtCursor;
                return stream.receive();
            },
            entriesIn);
        Step step = readStep(std::move(page), p, run, pacer.size(LoadPacer::Write, std::size_t(kPageSize)), firstRank);
        if (step.page.entries.empty()) return;
        if (step.move) {
            WatchedMove& move = *step.move;
            m_gate.perform(move.intent, [&](write::WriteScope& scope) {
                scope.setOperation(m_op.id);
                write::WriteOutcome out;
                if (move.empty()) {
                    out.skipped = static_cast<long long>(move.result.skipped.size());
                    return out;
                }
                const auto checks = move.typeChecks(typed);
                if (!checks.empty()) {
                    const auto replies = pacer.call(
                        LoadPacer::Check, probe, [&] { return exchange(stream, checks); },
                        [](const std::vector<redis::Reply>& r) { return r.size(); });
                    move.checkTypes(replies, typed);
                }
                const auto replies = pacer.call(
                    LoadPacer::Write, probe, [&] { return exchange(stream, move.transaction()); },
                    [&](const std::vector<redis::Reply>&) { return move.members().size(); });
                if (move.finish(replies, out, [&](const auto& cmds) { return exchange(stream, cmds); })
                    == WatchedMove::Outcome::Done)
                    return out;
                // Someone changed the set since it was read: the script checks each job.
                step.action = prepareJobAction(
                    spec.action, spec.set, move.members(), spec.targetQueue, run.detail, kJobActionChunk);
                out = sendChunks(*step.action, stream, pacer, probe, scriptLoaded, scope);
                out.skipped += static_cast<long long>(move.result.skipped.size());
                return out;
            });
        } else if (step.action) {
            m_gate.perform(step.action->intent, [&](write::WriteScope& scope) {
                scope.setOperation(m_op.id);
                step.action->keep(scope, run.server);
                return sendChunks(*step.action, stream, pacer, probe, scriptLoaded, scope);
            });
        }
        if (!settle(step, run, pacer.report(), onProgress)) return;
    }
}

bool BulkExecutor::watchesPages() const
{
    // A transaction's keys must share a Cluster slot.
    return isWatchedMove(m_op.spec.action)
        && (m_client.options().topology != redis::Topology::Cluster || redis::prefixPinsSlot(m_client.keyPrefix()));
}

std::vector<redis::Reply> BulkExecutor::exchange(redis::PipelineStream& stream, const std::vector<Command>& cmds)
{
    stream.send(cmds);
    std::vector<redis::Reply> replies;
    replies.reserve(cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) replies.push_back(stream.receive());
    return replies;
}

write::WriteOutcome BulkExecutor::sendChunks(PreparedAction& action, redis::PipelineStream& stream,
    redis::LoadPacer& pacer, const redis::LoadPacer::Probe& probe, bool& scriptLoaded, write::WriteScope& scope)
{
    using redis::LoadPacer;
    if (action.script && !scriptLoaded) {
        stream.send({action.script->load()});
        stream.receive().throwIfError();
        scriptLoaded = true;
    }
    const std::vector<Command> cmds = action.commands();
    std::vector<redis::Reply> replies;
    // Calls in round trips of about the size the pacer allows: one script chunk each, or that many of
    // a delete's one-job ZREMs.
    for (std::size_t i = 0; i < cmds.size();) {
        const auto limit = static_cast<long long>(pacer.size(LoadPacer::Write, std::size_t(kPageSize)));
        std::size_t n = 0;
        long long jobs = 0;
        while (i + n < cmds.size() && (n == 0 || jobs + action.sizes[i + n] <= limit)) jobs += action.sizes[i + n++];
        pacer.call(
            LoadPacer::Write, probe,
            [&] {
                stream.send({cmds.begin() + std::ptrdiff_t(i), cmds.begin() + std::ptrdiff_t(i + n)});
                for (std::size_t k = 0; k < n; ++k) replies.push_back(stream.receive());
                return std::size_t(jobs);
            },
            [](std::size_t carried) { return carried; });
        i += n;
    }
    return action.finish(replies, scope);
}

bool BulkExecutor::settle(
    const Step& step, const Run& run, const redis::LoadReport& load, const BulkProgressFn& onProgress)
{
    BulkProgress& p = m_op.progress;
    if (step.move) {
        p.affected += step.move->result.affected;
        p.skipped += static_cast<long long>(step.move->result.skipped.size());
    }
    if (step.action) {
        p.affected += step.action->result.affected;
        p.missing += step.action->result.missing;
        p.skipped += static_cast<long long>(step.action->result.skipped.size());
    }
    p.scanned += step.scanned;
    p.matched += step.matched;
    p.cursorScore = step.after.cursorScore;
    p.keptAtCursor = step.after.keptAtCursor;
    m_op.updatedAt = Timestamp::now().seconds();
    if (m_store) m_store->save(m_op);

    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.started).count();
    const long long scannedNow = p.scanned - run.scannedBefore;
    p.load = load;
    p.load.elapsedSeconds = spent; // the run's, also when nothing paced it
    p.jobsPerSecond = spent > 0 ? double(p.affected - run.affectedBefore) / spent : 0;
    if (m_op.spec.ratePerSecond > 0)
        p.jobsPerSecond = std::min(p.jobsPerSecond, m_op.spec.ratePerSecond); // held to it below
    p.secondsLeft = scannedNow > 0 ? double(std::max(0LL, p.total - p.scanned)) * spent / double(scannedNow) : -1;
    if (onProgress && !onProgress(p)) {
        p.cancelled = true;
        return false;
    }
    if (m_op.spec.ratePerSecond > 0) {
        // Sleep until the average since this run started is back under the cap.
        const double due = double(p.affected - run.affectedBefore) / m_op.spec.ratePerSecond;
        if (due > spent) std::this_thread::sleep_for(std::chrono::duration<double>(due - spent));
    }
    return true;
}

} // namespace kiq::sidekiq
