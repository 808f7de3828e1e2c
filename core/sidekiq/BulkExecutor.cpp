#include "BulkExecutor.h"

#include "JobBuilder.h"
#include "ProcessRecord.h" // rubyToF
#include "Timestamp.h"
#include "redis/Command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <thread>

namespace kiq::sidekiq {

using redis::Command;

namespace {
double now() { return Timestamp::now().seconds(); }

// One page after the cursor: scores from cursorScore up, skipping the entries at exactly that score
// that were examined before and left in place. Only the entries that may match the filter are parsed
// (`candidate`); with no filter nothing is, the raw payload is all an action needs.
struct Page {
    std::vector<SortedEntry> entries;
    std::vector<bool> candidate;
};

Page readPage(redis::Client& client, JobSetKind set, const BulkProgress& p, long long count, const JobFilter& filter)
{
    Command c("ZRANGE");
    c.key(setKey(set));
    if (std::isfinite(p.cursorScore)) c.arg(p.cursorScore);
    else c.arg(std::string_view("-inf"));
    c.arg(std::string_view("+inf")).arg(std::string_view("BYSCORE")).arg(std::string_view("LIMIT"))
        .arg(p.keptAtCursor).arg(count).arg(std::string_view("WITHSCORES"));
    redis::Reply reply = client.command(c);
    reply.throwIfError().asArray(); // throws unless an array (or nil, which has no elements)
    auto& items = reply.elements;
    Page page;
    page.entries.reserve(items.size() / 2);
    page.candidate.reserve(items.size() / 2);
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        SortedEntry e{rubyToF(items[i + 1].asString()), {}};
        const bool candidate = filter.mayMatchRaw(items[i].str);
        if (filter.empty()) e.job.raw = std::move(items[i].str);
        else if (candidate) e.job = JobRecord::parse(items[i].str);
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
    if (std::isfinite(p.cursorScore) && last == p.cursorScore) p.keptAtCursor += keptAtLast;
    else p.keptAtCursor = keptAtLast;
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

BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize,
                        const BulkProgressFn& onProgress)
{
    BulkPreview preview;
    BulkProgress cursor;
    const double t = now();
    for (;;) {
        const Page page = readPage(client, set, cursor, BulkExecutor::kPageSize, filter);
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

BulkOperation BulkExecutor::create(const std::string& deployment, const BulkSpec& spec)
{
    BulkOperation op;
    op.id = JobBuilder::generateJid().substr(0, 16);
    op.deployment = deployment;
    op.spec = spec;
    op.startedAt = op.updatedAt = now();
    return op;
}

BulkExecutor::BulkExecutor(redis::Client& client, services::WriteGate& gate, BulkOperation operation, const BulkCursorStore* store)
    : m_client(client), m_gate(gate), m_op(std::move(operation)), m_store(store)
{
}

long long BulkExecutor::pageSize() const
{
    // With a rate cap, pages of about a second's worth keep cancel and progress responsive.
    if (m_op.spec.ratePerSecond > 0) return std::clamp<long long>(static_cast<long long>(m_op.spec.ratePerSecond), 20, kPageSize);
    return kPageSize;
}

const BulkOperation& BulkExecutor::run(const BulkProgressFn& onProgress)
{
    const JobFilter filter = JobFilter::parse(m_op.spec.filter); // a bad filter fails before any write
    BulkProgress& p = m_op.progress;
    p.cancelled = false;
    if (p.scanned == 0) p.total = setSize(m_client, m_op.spec.set);
    const std::string detail = "bulk " + m_op.id + (m_op.spec.filter.empty() ? "" : ": " + m_op.spec.filter);
    const auto started = std::chrono::steady_clock::now();
    const long long affectedBefore = p.affected;

    while (!p.finished) {
        const Page read = readPage(m_client, m_op.spec.set, p, pageSize(), filter);
        const std::vector<SortedEntry>& page = read.entries;
        if (page.empty()) {
            p.finished = true;
            break;
        }
        const double t = now();
        std::vector<bool> kept(page.size(), true);
        std::vector<std::string> payloads;
        for (std::size_t i = 0; i < page.size(); ++i) {
            ++p.scanned;
            if (!read.candidate[i] || !filter.matches(page[i].job, t)) continue;
            ++p.matched;
            kept[i] = false;
            payloads.push_back(page[i].job.raw);
        }
        if (!payloads.empty()) {
            const ActionResult r = applyJobAction(m_client, m_gate, m_op.spec.action, m_op.spec.set, payloads, m_op.spec.targetQueue, detail);
            p.affected += r.affected;
            p.missing += r.missing;
            p.skipped += static_cast<long long>(r.skipped.size());
            if (!r.skipped.empty()) {
                // Skipped entries are still in the set: the cursor must count them as kept.
                std::multiset<std::string> skipped;
                for (const auto& s : r.skipped) skipped.insert(s.payload);
                for (std::size_t i = 0; i < page.size(); ++i) {
                    auto it = kept[i] ? skipped.end() : skipped.find(page[i].job.raw);
                    if (it != skipped.end()) {
                        kept[i] = true;
                        skipped.erase(it);
                    }
                }
            }
        }
        advance(p, page, kept);
        m_op.updatedAt = now();
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
    }
    m_op.updatedAt = now();
    if (m_store) {
        if (p.finished) m_store->remove(m_op.id);
        else m_store->save(m_op);
    }
    return m_op;
}

} // namespace kiq::sidekiq
