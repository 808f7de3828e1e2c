#pragma once
// Settings of one worker pool (kiq::worker::Launcher), with Sidekiq 6.4.1's defaults. An aggregate:
// fill what you need and leave the rest.
//
//     WorkerOptions options;
//     options.queues = QueueList::parse({"critical,3", "default"});
//     options.concurrency = 25;

#include "redaction/Redaction.h"
#include "sidekiq/model/DeadSet.h"
#include "util/Error.h"

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::worker {

enum class LogLevel { Debug, Info, Warn, Error };
const char* logLevelName(LogLevel level); // "DEBUG", "INFO", "WARN", "ERROR"
std::optional<LogLevel> parseLogLevel(std::string_view name); // case-insensitive; "warning" accepted

// The queue list of `sidekiq -q name[,weight] …`, with 6.4's rules (cli.rb parse_queue, fetch.rb):
// each queue appears max(weight, 1) times; the order is strict (first non-empty queue in the order
// given) unless some weight is > 0. Then every fetch shuffles the expanded list and drops repeats,
// so a queue with weight 3 comes first three times as often as one with weight 1. Note that
// `-q a,1` already makes the list non-strict (7.0.3+ would call all-1 weights "random").
class QueueList {
public:
    QueueList() = default;
    // Parses "name" or "name,weight". Throws ConfigError for an empty name, a weight that is
    // not an integer, or a queue given twice (as Sidekiq does).
    void add(std::string_view spec);
    static QueueList parse(const std::vector<std::string>& specs);

    bool empty() const { return m_expanded.empty(); }
    bool strict() const { return m_strict; }
    const std::vector<std::string>& expanded() const { return m_expanded; }
    // Each queue once, in the order given (the `queues` field of the heartbeat's info JSON).
    std::vector<std::string> unique() const;
    // The order in which one fetch tries the queues.
    std::vector<std::string> fetchOrder(std::mt19937_64& rng) const;

private:
    std::vector<std::string> m_expanded;
    bool m_strict = true;
};

struct WorkerOptions {
    QueueList queues = QueueList::parse({"default"});
    int concurrency = 10; // processor threads (-c)
    std::chrono::milliseconds shutdownTimeout {25000}; // -t: how long stop() waits for running jobs
    std::string tag; // -g, shown in the Web UI
    std::vector<std::string> labels;

    // Scheduled poller: nullopt = Sidekiq's default (an initial wait of 10 s + rand(5 s), then an
    // average of process count × averageScheduledPollInterval). Set it (tests, demos) to poll every
    // ~N: no 10 s initial wait, intervals uniform in [N/2, 1.5N).
    std::optional<std::chrono::milliseconds> pollIntervalAverage;
    std::chrono::milliseconds averageScheduledPollInterval {5000};

    // Crash-safe fetch (at-least-once across kill -9): jobs wait in per-thread in-progress lists
    // (WorkerKeys.h). Off = Sidekiq's BasicFetch (BRPOP; a crashed process loses its jobs).
    bool crashSafe = true;
    // Most jobs one fetch may take for one thread. The actual number adapts to how long jobs take
    // (see Processor.h), so slow jobs are fetched one at a time. 1 = always one job per fetch.
    int fetchBatchMax = 100;

    int maxRetries = 25; // Sidekiq's max_retries
    sidekiq::DeadSetLimits dead; // dead_max_jobs, dead_timeout_in_seconds

    LogLevel logLevel = LogLevel::Info;
    // What the log hides of job arguments (the deployment profile's rules; on by default).
    redaction::RedactionRules redaction;

    std::chrono::milliseconds heartbeatInterval {5000}; // 6.x BEAT_PAUSE
    std::chrono::milliseconds orphanCheckInterval {60000}; // periodic orphan recovery (jittered ±25%)
    // Sidekiq 6.4.1 readers (API, Web UI) read `<identity>:workers`, 6.4.2+ read `<identity>:work`.
    bool writeWorkersHash = true;
    bool writeWorkHash = true;

    bool builtinHandlers = true; // Kiqdesk::Sleep, Kiqdesk::Fail, Kiqdesk::Echo
    // Where the outcome of a replayed job (one with "replayed_from") is noted (storage/ReplayJournal.h),
    // so the inspectors show it beside the original failure; empty: nowhere.
    std::string replayJournal;
    // A job whose class has no handler: false (default) = handed back to its queue unchanged and left
    // for another process (UnhandledClasses.h); true = failed with NameError like Sidekiq's
    // constantize, which uses up a retry and replaces the job's error.
    bool failUnknownClasses = false;
    // Demo sandbox only: a job whose class has no handler succeeds after this long instead of failing
    // with NameError. Off by default.
    std::optional<std::chrono::milliseconds> unknownClassSucceedsAfter;
};

} // namespace kiq::worker
