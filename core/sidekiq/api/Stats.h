#pragma once
// Sidekiq::Stats for one deployment: counters, set sizes, per-queue size and latency, busy count.
//
// A live view: every number may change between two reads. StatsReader keeps the queue and process
// names it saw last time and asks for their sizes and heartbeats in the same pipeline as everything
// else (and what other readers add, RideAlong), so a refresh is one round trip; only when the set of queues or
// processes changed does it take a second round trip for the new names (the first refresh always does).

#include "redis/Client.h"
#include "sidekiq/model/ProcessRecord.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct QueueSummary {
    std::string name;
    long long size = 0;
    double latencySeconds = 0; // age of the oldest job; 0 for an empty queue
    bool paused = false;
    std::string error; // why size and latency could not be read (`queue:<name>` is not a list, say)
};

struct StatsSnapshot {
    long long processed = 0;
    long long failed = 0;
    long long enqueued = 0; // sum of queue sizes
    long long scheduledSize = 0;
    long long retrySize = 0;
    long long deadSize = 0;
    long long processesSize = 0;
    long long workersSize = 0; // sum of `busy` over live processes
    ProcessList processes; // sorted by identity
    double defaultQueueLatency = 0;
    std::vector<QueueSummary> queues; // sorted by name
    double takenAt = 0; // epoch seconds, local clock
    int roundTrips = 0; // for tests and the status bar
};

// Latency of a queue from its oldest job (Sidekiq 6/7: enqueued_at; 8: falls back to created_at;
// float seconds or integer ms). 0 when the job is missing or unreadable.
double queueLatency(const std::optional<std::string>& oldestJob, double nowSeconds);

// Commands another reader sends in the stats' round trip (HealthEvaluator, DeploymentPoll), and their
// replies in the same order (errors included, never thrown).
struct RideAlong {
    std::vector<redis::Command> commands;
    std::vector<redis::Reply> replies;
};

class StatsReader {
public:
    StatsSnapshot read(redis::Client& client, RideAlong* rideAlong = nullptr);

private:
    std::vector<std::string> m_knownQueues;
    std::vector<std::string> m_knownProcesses;
};

// Daily processed/failed counts (stat:processed:YYYY-MM-DD, UTC) for the last `days` days, newest
// first, as Sidekiq's History reads them (one pipelined round trip).
struct DailyCount {
    std::string date; // YYYY-MM-DD
    long long processed = 0;
    long long failed = 0;
};
std::vector<DailyCount> readHistory(redis::Client& client, int days, double nowSeconds);
// The same as commands to send in another pipeline, and the days from their replies.
std::vector<redis::Command> historyCommands(int days, double nowSeconds);
std::vector<DailyCount> parseHistory(int days, double nowSeconds, const redis::Reply* replies);

} // namespace kiq::sidekiq
