#pragma once
// Runs a BulkOperation: scans the set by score in pages, filters on the desktop, and acts on the
// matches with the job actions' commands (atomic Lua chunks that act only on members still present,
// audited through the WriteGate). The next page is read and prepared while Redis runs the current
// page's writes. After every page it saves the cursor, reports progress (the callback can
// cancel) and, with a rate cap, waits so the average stays under it.
//
// Redis work per page is bounded: one ZRANGE BYSCORE … LIMIT of at most kPageSize entries, then at
// most ceil(matches / 200) script calls.
//
// A retry-all of the *retry* set can meet a job again if it fails anew during the run (its new
// score lies ahead of the cursor); Sidekiq's retry_all has the same property. Dead and scheduled
// jobs never come back into their set by our action.

#include "redis/Client.h"
#include "sidekiq/actions/BulkOperation.h"
#include "sidekiq/search/JobFilter.h"
#include "write/WriteGate.h"

#include <functional>
#include <map>

namespace kiq::sidekiq {

struct BulkPreview {
    long long scanned = 0;
    long long matched = 0;
    std::map<std::string, long long> byClass, byQueue, byError;
    std::vector<SortedEntry> sample; // the first matches, oldest first
};

using BulkProgressFn = std::function<bool(const BulkProgress&)>; // return false to cancel

// Dry run: what an operation with this filter would touch. Reads the whole set in pages.
BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize = 20,
    const BulkProgressFn& onProgress = {});

class BulkExecutor {
public:
    static constexpr long long kPageSize = 1000;

    // Which deployment an operation belongs to, named the same by the GUI and the CLI for one server:
    // where the jobs live (scheme, address, database, namespace), not who connects, and no secret
    // (write::serverOf, which the undo journal uses too).
    static std::string deploymentOf(const redis::ConnectionOptions& connection);
    // A new operation with a fresh id, on the deployment `connection` reaches.
    static BulkOperation create(const redis::ConnectionOptions& connection, const BulkSpec& spec);

    // `store` may be null (nothing persisted). The operation may be a resumed one.
    BulkExecutor(
        redis::Client& client, write::WriteGate& gate, BulkOperation operation, const BulkProgressStore* store);

    // Text terms of the filter match what `redactor` shows (JobFilter::redactWith), as the filter bar or
    // the CLI's listing that chose the jobs did. Not set: the raw text.
    void redactWith(std::shared_ptr<const redaction::Redactor> redactor) { m_redactor = std::move(redactor); }

    // Runs until the set is exhausted or the callback cancels. Returns the final state; a cancelled
    // operation stays in the store, ready to resume.
    const BulkOperation& run(const BulkProgressFn& onProgress = {});

private:
    long long pageSize() const;

    redis::Client& m_client;
    write::WriteGate& m_gate;
    BulkOperation m_op;
    const BulkProgressStore* m_store;
    std::shared_ptr<const redaction::Redactor> m_redactor;
};

} // namespace kiq::sidekiq
