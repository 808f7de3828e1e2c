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

struct BusyJob {
    std::string identity;
    WorkRecord work;
    std::optional<IterationState> iteration; // an iterable job's state (attachIterations), when it has one
};

// SMEMBERS processes, then every heartbeat hash in one pipeline.
ProcessList listProcesses(redis::Client& client);
// One process's heartbeat read (HMGET of the fields ProcessRecord parses), for readers that send it in
// their own pipeline (StatsReader), and the list from those replies: `identities` in order, one reply
// each. Throws ReplyError for an error reply (a heartbeat key of the wrong type).
redis::Command heartbeatRead(const std::string& identity);
ProcessList parseProcesses(const std::vector<std::string>& identities, const redis::Reply* replies);
// Every in-progress entry of the given processes, reading both hash names in one pipeline.
std::vector<BusyJob> listBusyJobs(redis::Client& client, const std::vector<std::string>& identities);
// Reads the iteration state (`it-<jid>`) of every busy job in one pipeline (Sidekiq ≥ 7.3 iterable jobs).
void attachIterations(redis::Client& client, std::vector<BusyJob>& busy);

enum class ProcessSignal { Quiet, Stop };
// MULTI LPUSH <identity>-signals TSTP|TERM, EXPIRE 60 (the process RPOPs one per heartbeat).
void signalProcess(redis::Client& client, write::WriteGate& gate, const std::string& identity, ProcessSignal signal);

} // namespace kiq::sidekiq
