#pragma once
// Puts back the jobs of pools that died while working (kill -9, OOM, power loss): the jobs are still
// in their in-progress lists (WorkerKeys.h), and nothing else would ever run them.
//
// Lifecycle: the Launcher runs one pass at start-up (after its own registration, before its first
// fetch) and then every orphanCheckInterval (±25%) from the heartbeat thread. One pass:
//   1. SET kiqdesk:orphan-recovery <our identity> NX EX 30: only one process recovers at a time (the
//      per-identity script below is atomic anyway; the lock saves duplicate work). A holder that
//      died holding it (killed during its own pass) is known at once when it ran on this machine
//      (as in 3): its lock is removed rather than waited out, or its predecessors' jobs would sit
//      in their lists until the next pass.
//   2. HGETALL kiqdesk:inprogress, then EXISTS <identity> and SISMEMBER processes for each entry.
//   3. An entry is orphaned when its heartbeat hash is gone (60 s TTL) or it left `processes`, or, with
//      no wait, when it ran on this machine in our PID namespace (same boot id and /proc/self/ns/pid)
//      and its PID is gone: a restarted pool recovers its predecessor's jobs at once.
//   4. For each orphan one Lua call, atomic: re-checks the heartbeat (a process that came back keeps
//      its jobs), RPUSHes every job of every list back to the queue named in its payload (the right
//      end, so they run next, like Sidekiq's bulk_requeue; a payload without a queue goes to
//      "default"; one that is not JSON, or whose queue key is not a list, goes to `dead`, where
//      Sidekiq's processor would send it; key types are checked before the first write, and if
//      `dead` cannot take such a job either, nothing is written and the error is logged), DELs
//      the lists and the registry entry. For a PID known dead it also removes the process from
//      `processes` and deletes its heartbeat and work hashes, so the Web UI stops showing it.
//   5. Releases the lock (only if still ours).
// A job can run twice (at-least-once) when a pool is declared dead while still running (its heartbeat
// was blocked for over 60 s); no job is lost.

#include "redis/Client.h"
#include "worker/Log.h"
#include "worker/WorkerOptions.h"

#include <string>

namespace kiq::worker {

struct RecoveryReport {
    bool locked = false; // another process holds the lock: nothing done
    int entriesChecked = 0; // registry entries of other processes
    int orphansRecovered = 0;
    long long jobsRequeued = 0;
    long long jobsToDead = 0;
};

class OrphanRecovery {
public:
    OrphanRecovery(redis::Client& client, const WorkerOptions& options, std::string ownIdentity, Logger log);
    RecoveryReport run();

private:
    // True when the lock is free now: released, or held by a process of this machine that is gone.
    bool freeLockOfDeadHolder();

    redis::Client& m_client;
    const WorkerOptions& m_options;
    std::string m_identity;
    Logger m_log;
    std::string m_bootId;
    std::string m_pidNamespace;
};

// The registry value for this process (see WorkerKeys.h).
std::string registryEntry(int lists);

} // namespace kiq::worker
