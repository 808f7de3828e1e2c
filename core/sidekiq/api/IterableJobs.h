#pragma once
// Sidekiq ≥ 7.3's iterable jobs (docs/sidekiq-data-model.md §16): the state a running iteration keeps in
// HASH `it-<jid>` (executions, cursor, runtime, cancelled), read for many JIDs in one pipeline as
// Sidekiq::IterableJobQuery does, and cancelling one as `cancel!` does. A job that is not iterable, or
// whose iteration finished, has no hash.

#include "redis/Client.h"
#include "write/WriteGate.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct IterationState {
    long long executions = 0; // `ex`: how often the job has started (1 on its first run)
    std::string cursor; // `c`: Sidekiq.dump_json of the cursor, as stored ("null" before the first item)
    double runtimeSeconds = 0; // `rt`: time spent iterating, over all executions
    std::optional<double> cancelledAt; // `cancelled`: epoch seconds, once cancelled
};

std::string iterationKey(const std::string& jid); // "it-<jid>"

// One HGETALL per JID, pipelined; nullopt where there is no state. Throws redis::Error.
std::vector<std::optional<IterationState>> readIterations(redis::Client& client, const std::vector<std::string>& jids);

// Asks the iterable job `jid` to stop at its next state flush (about every 5 s), through the gate (audited
// as "cancel-iteration"): MULTI HSETNX it-<jid> cancelled <now>; HGET it-<jid> cancelled; EXPIRE it-<jid>
// 2592000 NX; EXEC, exactly as iterable.rb's cancel!. A second cancel keeps the first time. Returns
// the time the job is cancelled since. Not undoable: the job may already have stopped.
double cancelIteration(redis::Client& client, write::WriteGate& gate, const std::string& jid, double now);

} // namespace kiq::sidekiq
