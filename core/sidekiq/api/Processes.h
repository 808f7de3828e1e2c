#pragma once
// Sidekiq processes (the `processes` SET and each identity's heartbeat HASH) and the jobs they are
// running (`<identity>:work`, or `<identity>:workers` up to 6.4.1). Process control sends the
// signals Sidekiq's own API sends, so real Sidekiq obeys them (docs/sidekiq-data-model.md §7).

#include "redis/Client.h"
#include "sidekiq/api/IterableJobs.h"
#include "sidekiq/model/ProcessRecord.h"
#include "sidekiq/model/WorkRecord.h"
#include "write/WriteGate.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct ProcessList {
    std::vector<ProcessRecord> live;
    // Members of `processes` whose heartbeat hash has expired (a crashed process Sidekiq has not
    // cleaned up yet). Shown, never silently dropped.
    std::vector<std::string> expired;
};

struct BusyJob {
    std::string identity;
    WorkRecord work;
    std::optional<IterationState> iteration; // an iterable job's state (attachIterations), when it has one
};

// SMEMBERS processes, then every heartbeat hash in one pipeline.
ProcessList listProcesses(redis::Client& client);
// Every in-progress entry of the given processes, reading both hash names in one pipeline.
std::vector<BusyJob> listBusyJobs(redis::Client& client, const std::vector<std::string>& identities);
// Reads the iteration state (`it-<jid>`) of every busy job in one pipeline (Sidekiq ≥ 7.3 iterable jobs).
void attachIterations(redis::Client& client, std::vector<BusyJob>& busy);

enum class ProcessSignal { Quiet, Stop };
// MULTI LPUSH <identity>-signals TSTP|TERM, EXPIRE 60 (the process RPOPs one per heartbeat).
void signalProcess(redis::Client& client, write::WriteGate& gate, const std::string& identity, ProcessSignal signal);

} // namespace kiq::sidekiq
