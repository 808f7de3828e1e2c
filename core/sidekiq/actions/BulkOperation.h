#pragma once
// A bulk action on everything in a set that matches a filter, and where it has got to. Saved after
// every chunk (to a BulkProgressStore: storage::BulkCursorStore on disk), so an interrupted operation
// resumes where it stopped.

#include "redis/LoadBudget.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"

#include <limits>
#include <string>

namespace kiq::sidekiq {

struct BulkSpec {
    JobSetKind set = JobSetKind::Dead;
    std::string filter; // JobFilter expression; empty matches everything
    JobAction action = JobAction::Retry;
    std::string targetQueue; // for Move
    double ratePerSecond = 0; // jobs acted on per second; 0 = as fast as Redis allows
};

struct BulkProgress {
    long long total = 0; // set size when the operation started
    long long scanned = 0; // entries examined
    long long matched = 0; // entries that matched the filter
    long long affected = 0; // acted on
    long long missing = 0; // matched but gone before we acted (someone else took them)
    long long skipped = 0; // matched but could not be acted on (malformed for a retry, say)
    // Where the scan stands: entries below cursorScore are done, and `keptAtCursor` entries with
    // exactly that score were examined and left in place. Acted-on entries leave the set, which is
    // what makes resuming safe: nothing is acted on twice.
    double cursorScore = -std::numeric_limits<double>::infinity();
    long long keptAtCursor = 0;
    bool finished = false;
    bool cancelled = false;

    // This run's pace and cost (not saved: a resumed run measures its own).
    redis::LoadReport load;
    double jobsPerSecond = 0; // acted on per second, this run
    double secondsLeft = -1; // at this run's scan rate; -1 until there is one
};

struct BulkOperation {
    std::string id; // random hex, names the cursor file
    std::string deployment; // which deployment it runs against (BulkExecutor::deploymentOf)
    BulkSpec spec;
    BulkProgress progress;
    double startedAt = 0;
    double updatedAt = 0;
};

// Where BulkExecutor keeps an operation between chunks. An interface, so the actions do not depend on
// how (or whether) it is stored.
class BulkProgressStore {
public:
    virtual ~BulkProgressStore() = default;
    virtual void save(const BulkOperation& op) const = 0; // throws std::runtime_error if it cannot
    virtual void remove(const std::string& id) const = 0;
};

} // namespace kiq::sidekiq
