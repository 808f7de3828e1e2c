#include "sidekiq/actions/BulkExecutor.h"

#include "redis/Command.h"
#include "redis/PipelineStream.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"
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

// A page read and made ready to act on: its matches, the action's commands, and the cursor as it
// will stand once those commands have run.
struct Step {
    Page page;
    long long scanned = 0;
    long long matched = 0;
    std::optional<PreparedAction> action; // none when nothing on the page matched
    BulkProgress after; // cursorScore/keptAtCursor once the action has run
    // Where the next read starts when it runs *before* this page's action (it is sent ahead of it):
    // this page's matches are then still in the set, at the cursor score too.
    BulkProgress nextRead;
};

Step prepareStep(
    Page page, const BulkProgress& before, const JobFilter& filter, const BulkSpec& spec, const std::string& detail)
{
    Step step;
    step.page = std::move(page);
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
        payloads.push_back(entries[i].job.raw);
        scores.push_back(entries[i].score);
    }
    if (!payloads.empty()) {
        step.action = prepareJobAction(spec.action, spec.set, payloads, spec.targetQueue, detail);
        if (step.action->removes()) step.action->scores = std::move(scores); // for the undo journal
        // Skipped entries stay in the set: the cursor must count them as kept.
        std::multiset<std::string> skipped;
        for (const auto& sk : step.action->result.skipped) skipped.insert(sk.payload);
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
} // namespace

BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize,
    const BulkProgressFn& onProgress)
{
    BulkPreview preview;
    BulkProgress cursor;
    const double t = Timestamp::now().seconds();
    for (;;) {
        const Page page = parsePage(client.command(pageCommand(set, cursor, BulkExecutor::kPageSize)), filter);
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
    JobFilter filter = JobFilter::parse(m_op.spec.filter); // a bad filter fails before any write
    filter.redactWith(m_redactor);
    BulkProgress& p = m_op.progress;
    if (p.finished) return m_op;
    p.cancelled = false;
    if (p.scanned == 0) p.total = setSize(m_client, m_op.spec.set);
    const std::string detail = "bulk " + m_op.id + (m_op.spec.filter.empty() ? "" : ": " + m_op.spec.filter);
    const auto started = std::chrono::steady_clock::now();
    const long long affectedBefore = p.affected;
    const std::string server = write::serverOf(m_client.options());

    // Reads run one page ahead of the writes on a connection of the run's own: each page's writes go
    // out right behind the next page's read, so Redis runs them while we parse and prepare that page.
    redis::PipelineStream stream(m_client, setKey(m_op.spec.set));
    bool scriptLoaded = false;
    stream.send({pageCommand(m_op.spec.set, p, pageSize())});
    Step current = prepareStep(parsePage(stream.receive(), filter), p, filter, m_op.spec, detail);
    while (!current.page.entries.empty()) {
        std::vector<Command> batch {pageCommand(m_op.spec.set, current.nextRead, pageSize())};
        Step next;
        if (current.action) {
            PreparedAction& action = *current.action;
            m_gate.perform(action.intent, [&](write::WriteScope& scope) {
                // Every page of the run in one undo record; its jobs kept before their removal is sent.
                scope.setOperation(m_op.id);
                action.keep(scope, server);
                const bool loading = action.script && !scriptLoaded;
                if (loading) batch.push_back(action.script->load()); // EVALSHA on this connection needs it cached
                const std::vector<Command> cmds = action.commands();
                batch.insert(batch.end(), cmds.begin(), cmds.end());
                stream.send(batch);
                next = prepareStep(parsePage(stream.receive(), filter), current.after, filter, m_op.spec, detail);
                if (loading) stream.receive().throwIfError();
                scriptLoaded = scriptLoaded || loading;
                std::vector<redis::Reply> replies;
                for (std::size_t i = 0; i < cmds.size(); ++i) replies.push_back(stream.receive());
                return action.finish(replies, scope);
            });
            p.affected += action.result.affected;
            p.missing += action.result.missing;
            p.skipped += static_cast<long long>(action.result.skipped.size());
        } else {
            stream.send(batch);
            next = prepareStep(parsePage(stream.receive(), filter), current.after, filter, m_op.spec, detail);
        }
        p.scanned += current.scanned;
        p.matched += current.matched;
        p.cursorScore = current.after.cursorScore;
        p.keptAtCursor = current.after.keptAtCursor;
        m_op.updatedAt = Timestamp::now().seconds();
        if (m_store) m_store->save(m_op);
        if (onProgress && !onProgress(p)) {
            p.cancelled = true;
            break;
        }
        if (m_op.spec.ratePerSecond > 0) {
            // Sleep until the average since this run started is back under the cap.
            const double due = double(p.affected - affectedBefore) / m_op.spec.ratePerSecond;
            const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            if (due > spent) std::this_thread::sleep_for(std::chrono::duration<double>(due - spent));
        }
        current = std::move(next);
    }
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

} // namespace kiq::sidekiq
