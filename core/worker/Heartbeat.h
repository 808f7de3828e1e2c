#pragma once
// The process heartbeat (launcher.rb ❤, Sidekiq 6.4.1 formats, docs/sidekiq-data-model.md §5–§7),
// plus periodic orphan recovery, on its own thread and redis::Client.
//
// Lifecycle: the Launcher calls beat() once itself before any fetch (so the process is registered
// and its in-progress lists are known before they hold anything), then start(); every
// heartbeatInterval (5 s, 6.x BEAT_PAUSE) the thread beats; stop() joins it; clear() at shutdown.
//
// One beat:
//   MULTI  INCRBY stat:processed / stat:processed:<UTC date> (EXPIRE 5 years), the same for failed;
//          UNLINK <id>:workers, HSET <id>:workers <tid> {"queue":…,"payload":"<raw job>","run_at":<int>}
//          per running job, EXPIRE 60 (6.4.1's WorkSet reads `:workers`); the same for `:work`
//          (6.4.2+ readers); EXEC
//   PING   round trip in µs for rtt_us
//   MULTI  SADD processes <id>; EXISTS <id>; HSET <id> info <json> busy <n> beat <float> rtt_us <µs>
//          quiet <bool> rss <KB>; EXPIRE <id> 60; RPOP <id>-signals;
//          HSET kiqdesk:inprogress <id> <entry> (crash-safe pools); EXEC
//   signal the popped signal (one per beat, like Sidekiq) goes to the Launcher: TSTP = quiet,
//          TERM = stop, TTIN = log what every thread is doing.
// info is 6.4.1's JSON: hostname, started_at, pid, tag, concurrency, queues, labels, identity.
// A failed beat is logged and the counts are kept for the next one (launcher.rb does the same). If
// the first MULTI ran but a command in it failed (a stats key of the wrong type), the counts are not
// kept (some were added), the error is logged and the beat goes on.
// clear(): the last stats flush, then SREM processes <id> and UNLINK of both work hashes; the process
// hash expires on its own (60 s), as in Sidekiq.

#include "worker/PoolContext.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace kiq::redis {
class Client;
}

namespace kiq::worker {

class Heartbeat {
public:
    // Called on the heartbeat thread with its client (usable only during the call).
    using SignalHandler = std::function<void(const std::string& signal, redis::Client& client)>;
    using Periodic = std::function<void(redis::Client& client)>;

    Heartbeat(std::shared_ptr<PoolContext> context, SignalHandler onSignal);
    ~Heartbeat();

    // Runs on the heartbeat thread every `interval` (±25%): orphan recovery.
    void setPeriodic(Periodic task, std::chrono::milliseconds interval);

    void start();
    void stop();

    // One beat with `client`; returns the popped signal, if any. Throws redis::Error.
    std::optional<std::string> beat(redis::Client& client);
    void clear(redis::Client& client);
    const std::string& infoJson() const { return m_info; }

private:
    void run(std::stop_token stop);
    void flushStatsInto(std::vector<redis::Command>& cmds, PoolState::Unflushed counts) const;

    std::shared_ptr<PoolContext> m_ctx;
    SignalHandler m_onSignal;
    Periodic m_periodic;
    std::chrono::milliseconds m_periodicInterval {60000};
    std::string m_info;
    std::string m_registryEntry;
    std::jthread m_thread;
};

// UTC "YYYY-MM-DD" of now (the daily stat keys).
std::string utcDate();

} // namespace kiq::worker
