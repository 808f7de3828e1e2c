#pragma once
// Redis keys the worker pool adds to Sidekiq's (docs/sidekiq-data-model.md §14; Sidekiq never touches
// them). Written bare: the client applies the connection's namespace prefix to every Command::key().
//
// Crash-safe fetch (Fetcher.h) moves each job, atomically, from `queue:<name>` into the in-progress
// list of the processor thread that will run it:
//
//   <identity>:inprogress:<n>   LIST  raw job strings (exact bytes as fetched) that processor n of
//                                     process <identity> holds: running, or fetched in the same batch
//                                     and not started yet, or finished and not yet acknowledged. New
//                                     jobs are pushed on the left. Deleted when the processor's next
//                                     fetch acknowledges the batch, or when the pool stops.
//   kiqdesk:inprogress          HASH  identity -> JSON {"lists":N,"pid":P,"hostname":H,"boot":B,"pidns":I}:
//                                     every process that may own in-progress lists, written before its
//                                     first fetch and removed when it stops cleanly. Orphan recovery
//                                     reads this instead of scanning the keyspace.
//   kiqdesk:orphan-recovery     STRING  lock (SET NX EX) held by the process running a recovery pass.
//
// One list per processor rather than one per process: acknowledging a finished batch is then a DEL
// instead of one LREM per job, and LREM scans the list. Measured on redis-server 7.0.15 with 200-byte
// jobs: 50 LREMs in a 1,250-entry list (25 threads × 50) cost 1.3 ms of server time, 26 µs per job,
// which alone caps a pool near 40k jobs/s; in a 100-entry list 4 µs per job; DEL is O(1) per job.

#include <string>
#include <string_view>

namespace kiq::worker::keys {

inline constexpr std::string_view kInProgressRegistry = "kiqdesk:inprogress";
inline constexpr std::string_view kRecoveryLock = "kiqdesk:orphan-recovery";

inline std::string inProgress(std::string_view identity, int processor)
{
    return std::string(identity) + ":inprogress:" + std::to_string(processor);
}

} // namespace kiq::worker::keys
