#include "BulkExecutor.h"

#include "JobBuilder.h"
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
// that were examined before and left in place.
std::vector<SortedEntry> readPage(redis::Client& client, JobSetKind set, const BulkProgress& p, long long count)
{
    Command c("ZRANGE");
    c.key(setKey(set));
    if (std::isfinite(p.cursorScore)) c.arg(p.cursorScore);
    else c.arg(std::string_view("-inf"));
    c.arg(std::string_view("+inf")).arg(std::string_view("BYSCORE")).arg(std::string_view("LIMIT"))
        .arg(p.keptAtCursor).arg(count).arg(std::string_view("WITHSCORES"));
    return parseWithScores(client.command(c));
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
} // namespace

BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize,
                        const BulkProgressFn& onProgress)
{
    BulkPreview preview;
    BulkProgress cursor;
    const double t = now();
    for (;;) {
        const auto page = readPage(client, set, cursor, BulkExecutor::kPageSize);
        if (page.empty()) break;
        for (const auto& e : page) {
            ++preview.scanned;
            if (!filter.matches(e.job, t)) continue;
            ++preview.matched;
            ++preview.byClass[e.job.displayClass.empty() ? "(unknown)" : e.job.displayClass];
            ++preview.byQueue[e.job.queue.empty() ? "(none)" : e.job.queue];
            ++preview.byError[e.job.ok() ? e.job.errorClass.value_or("(no error)") : "(malformed)"];
            if (preview.sample.size() < sampleSize) preview.sample.push_back(e);
        }
        advance(cursor, page, std::vector<bool>(page.size(), true));
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
        const auto page = readPage(m_client, m_op.spec.set, p, pageSize());
        if (page.empty()) {
            p.finished = true;
            break;
        }
        const double t = now();
        std::vector<bool> kept(page.size(), true);
        std::vector<std::string> payloads;
        for (std::size_t i = 0; i < page.size(); ++i) {
            ++p.scanned;
            if (!filter.matches(page[i].job, t)) continue;
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
