#pragma once
// Runs a BulkOperation: scans the set by score in pages, filters on the desktop, and acts on the
// matches with the job actions' commands (atomic Lua chunks that act only on members still present,
// or under a budget, for moves, a transaction on a page read under WATCH; audited through the
// WriteGate). The next page is read and prepared while Redis runs the current
// page's writes. After every page it saves the cursor, reports progress (the callback can
// cancel) and, with a rate cap, waits so the average stays under it.
//
// Redis work is bounded by the load budget (redis/LoadBudget.h): page reads and script chunks sized by
// measured time to hold the server about callMs each, one call at a time, paced to the budget's share
// and slowing down while other clients keep the server busy. Moves (retry, enqueue, move) read each
// page under WATCH and write it as one transaction, sized to one call. Without a budget
// (LoadBudget::none()): pages of kPageSize entries, a move's transaction right after its read; other
// actions' kJobActionChunk-job script calls pipelined behind the next page's read: the fastest run,
// and the heaviest on everyone else.
//
// A retry-all of the *retry* set can meet a job again if it fails anew during the run (its new
// score lies ahead of the cursor); Sidekiq's retry_all has the same property. Dead and scheduled
// jobs never come back into their set by our action.

#include "redis/Client.h"
#include "redis/LoadBudget.h"
#include "redis/PipelineStream.h"
#include "sidekiq/actions/BulkOperation.h"
#include "sidekiq/search/JobFilter.h"
#include "write/WriteGate.h"

#include <functional>
#include <map>
#include <optional>

namespace kiq::sidekiq {

struct BulkPreview {
    long long scanned = 0;
    long long matched = 0;
    std::map<std::string, long long> byClass, byQueue, byError;
    std::vector<SortedEntry> sample; // the first matches, oldest first
};

using BulkProgressFn = std::function<bool(const BulkProgress&)>; // return false to cancel

// Dry run: what an operation with this filter would touch. Reads the whole set in pages, paced by
// `budget` as the run would be.
BulkPreview previewBulk(redis::Client& client, JobSetKind set, const JobFilter& filter, std::size_t sampleSize = 20,
    const BulkProgressFn& onProgress = {}, const redis::LoadBudget& budget = {});

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
    // How much of Redis the run may take (the profile's, ConnectionProfile::loadBudget). The default
    // sizes calls to 1 ms and takes the whole share when nobody else is busy.
    void setBudget(redis::LoadBudget budget) { m_budget = budget; }

    // Runs until the set is exhausted or the callback cancels. Returns the final state; a cancelled
    // operation stays in the store, ready to resume.
    const BulkOperation& run(const BulkProgressFn& onProgress = {});

private:
    struct Step;
    struct Run;

    long long pageSize() const;
    // A page read after `before` (a ZRANGE reply), parsed, with the action on its matches prepared in
    // script chunks of `chunk` jobs.
    // Read under WATCH, `firstRank` is the rank of its first entry, and moves are prepared as a transaction.
    Step readStep(redis::Reply page, const BulkProgress& before, const Run& run, std::size_t chunk,
        std::optional<long long> firstRank = std::nullopt) const;
    void runPipelined(redis::PipelineStream& stream, const Run& run, const BulkProgressFn& onProgress);
    void runPaced(redis::PipelineStream& stream, const Run& run, const BulkProgressFn& onProgress);
    // Moves read their pages under WATCH and run each as one transaction (JobActions.h, WatchedMove).
    bool watchesPages() const;
    static std::vector<redis::Reply> exchange(redis::PipelineStream& stream, const std::vector<redis::Command>& cmds);
    // The action's calls, each about what the pacer allows; their outcome.
    write::WriteOutcome sendChunks(PreparedAction& action, redis::PipelineStream& stream, redis::LoadPacer& pacer,
        const redis::LoadPacer::Probe& probe, bool& scriptLoaded, write::WriteScope& scope);
    // Counts a page that was acted on, saves the cursor, reports; false when the callback cancelled.
    bool settle(const Step& step, const Run& run, const redis::LoadReport& load, const BulkProgressFn& onProgress);

    redis::Client& m_client;
    write::WriteGate& m_gate;
    BulkOperation m_op;
    const BulkProgressStore* m_store;
    std::shared_ptr<const redaction::Redactor> m_redactor;
    redis::LoadBudget m_budget;
};

} // namespace kiq::sidekiq
