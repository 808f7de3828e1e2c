#pragma once
// Health checks of one deployment (issue 21): what would page an ops engineer, as plain data that the
// CLI (`kiqdesk-cli check`), the app and later alerting all read the same way.
//
// One evaluation is one pipelined round trip, independent of the number of queues: Sidekiq's stats
// (StatsReader: every queue's size and latency, every process's heartbeat) with the dead-set growth,
// the oldest schedule/retry entries, INFO, the counters, the in-progress registry and the lengths of
// the dead processes' in-progress lists known from last time. A second one only when the queues,
// processes or orphaned lists changed since (the first evaluation always); CLUSTER INFO adds one per
// primary on a Cluster. It blocks (a redis::Client is synchronous): callers run it off the GUI thread.
//
// The thresholds' defaults live here, in HealthThresholds; a profile overrides them (saved with it,
// see ConnectionProfileStore) and a queue may have its own latency SLO.

#include "redis/Client.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/DeadSet.h"

#include <QString>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiq::health {

enum class CheckState { Ok, Warn, Critical, Unknown };
const char* checkStateName(CheckState state); // "ok", "warn", "critical", "unknown"

// Check ids, stable (scripts and the JSON output match on them).
namespace check {
inline constexpr const char* kReachable = "redis.reachable";
inline constexpr const char* kQueueLatency = "queue.latency"; // one result per queue
inline constexpr const char* kQueueUnwatched = "queue.unwatched"; // jobs waiting, no live process listens
inline constexpr const char* kDeadGrowth = "dead.growth";
inline constexpr const char* kDeadCap = "dead.cap"; // near Sidekiq's dead_max_jobs, or jobs dropped by it
inline constexpr const char* kFailureRate = "failure.rate";
inline constexpr const char* kSchedulerStalled = "scheduler.stalled";
inline constexpr const char* kHeartbeats = "processes.heartbeat";
inline constexpr const char* kOrphanedJobs = "jobs.orphaned";
inline constexpr const char* kEvictionPolicy = "redis.eviction_policy";
inline constexpr const char* kMemory = "redis.memory";
inline constexpr const char* kReplication = "redis.replication";
inline constexpr const char* kClusterSlots = "cluster.slots";
} // namespace check

struct CheckResult {
    std::string id; // one of check::k*
    std::string subject; // the queue for queue.* checks; empty otherwise
    CheckState state = CheckState::Unknown;
    std::optional<double> value; // in the unit of the threshold (seconds, %, jobs/min, count)
    std::optional<double> threshold; // the one crossed (critical when critical), else the warning one
    std::string message; // one line, e.g. "queue default: latency 75 s over the 60 s SLO"
};

struct QueueThresholds {
    std::optional<double> latencyWarnSeconds; // unset: the profile's
    std::optional<double> latencyCriticalSeconds;
    bool expectUnwatched = false; // a queue nobody works on purpose (parked, drained by hand)
    bool operator==(const QueueThresholds&) const = default;
};

// Defaults that make sense for a new user. A value <= 0 turns that level off.
struct HealthThresholds {
    double latencyWarnSeconds = 60; // the queue's latency SLO
    double latencyCriticalSeconds = 300;
    double deadPerMinuteWarn = 10; // jobs that died in the last minute
    double deadPerMinuteCritical = 100;
    // Sidekiq drops the oldest dead job past dead_max_jobs and any older than dead_timeout_in_seconds
    // (Sidekiq's defaults, sidekiq/model/DeadSet.h): set them to the app's values.
    double deadMaxJobs = double(sidekiq::DeadSetLimits {}.maxJobs);
    double deadCapWarnPercent = 90; // of deadMaxJobs
    double deadTimeoutDays = double(sidekiq::DeadSetLimits {}.timeout.count()) / 86400;
    double failureRateWarnPercent = 5; // failed / processed over the sampled window
    double failureRateCriticalPercent = 25;
    double minJobsForFailureRate = 20; // fewer processed in the window: too few to judge
    double schedulerOverdueSeconds = 60; // oldest due schedule/retry entry: no poller runs (critical)
    double heartbeatStaleSeconds = 60; // warn
    double memoryWarnPercent = 80; // of maxmemory
    double memoryCriticalPercent = 95;
    std::map<std::string, QueueThresholds> queues; // by queue name

    double latencyWarnFor(const std::string& queue) const;
    double latencyCriticalFor(const std::string& queue) const;
    bool expectsUnwatched(const std::string& queue) const;

    // Compact JSON (only what differs from the defaults), for the profile store; fromJson takes what
    // it knows and keeps the defaults for the rest.
    QString toJson() const;
    static HealthThresholds fromJson(const QString& json);
    bool operator==(const HealthThresholds&) const = default;
};

// Counters kept between evaluations: a failure rate is the difference of stat:processed and
// stat:failed between two samples (works on every Sidekiq version).
struct CounterSample {
    double takenAt = 0; // epoch seconds
    long long processed = 0;
    long long failed = 0;
};

struct HealthReport {
    std::vector<CheckResult> results; // in check order, every check once (queue checks once per queue)
    CounterSample counters; // feed to the next evaluation
    double takenAt = 0;
    // What the checks read, for the exporter's gauges (so a scrape is one evaluation, not two reads):
    // unset when it could not be read.
    std::optional<sidekiq::StatsSnapshot> stats;
    std::optional<long long> usedMemory, maxmemory; // bytes, from INFO
    std::optional<long long> opsPerSec; // INFO's instantaneous_ops_per_sec
    std::string infoError; // why INFO could not be read (a user without +info)
    std::string statsError; // why `stats` is unset: Redis unreachable, or Sidekiq's keys could not be read

    CheckState worst() const; // Unknown only when nothing else is known
    bool unreachable() const; // the server did not answer (redis.reachable is critical)
    std::vector<const CheckResult*> notOk() const;
};

// The dead set's size at one evaluation: how many jobs Sidekiq's caps dropped is the jobs that died
// since, minus what the set grew by.
struct DeadSample {
    double takenAt = 0;
    long long size = 0;
};

// Dead jobs Sidekiq's caps dropped between `then` and now: the jobs that died since (a score at or after
// then.takenAt) minus what the set grew by. A job retried or deleted by hand meanwhile counts too.
long long deadDropped(const DeadSample& then, long long sizeNow, long long diedSince);
// Sidekiq trims with ZREMRANGEBYRANK dead 0 -dead_max_jobs, which keeps one job fewer than the cap
// (docs/sidekiq-data-model.md §3): from there each new dead job drops the oldest.
bool deadAtCap(long long size, const HealthThresholds& t);
// The dead set's size as a percentage of dead_max_jobs; nullopt when the profile sets no cap. What the
// check, the Fleet's colour and its tooltip all measure.
std::optional<double> deadCapShare(long long size, const HealthThresholds& t);

// What one deployment's evaluations keep: the queue and process names (StatsReader), the in-progress
// lists of dead processes asked about, the last counters and the dead set's sizes over the last hour.
struct HealthEvaluator {
    sidekiq::StatsReader stats;
    std::optional<CounterSample> previous; // the next failure rate's baseline (the CLI seeds it)
    std::vector<CounterSample> recentCounters; // oldest first, within failureWindowSeconds: the baselines
    // The failure rate is over this window once it has samples that old (the oldest within it is the
    // next baseline), so frequent evaluations (a view refreshing every 2 s) judge minutes, not seconds.
    // 0: since the previous evaluation.
    double failureWindowSeconds = 300;
    std::vector<DeadSample> deadSizes; // oldest first, none older than an hour
    std::vector<std::string> orphanLists; // the in-progress lists counted last time (LLEN rides along)
    double minWindowSeconds = 1; // a shorter gap between samples gives no failure rate yet
    // Credentials the server refuses (WRONGPASS, NOAUTH) are thrown instead of read as unreachable:
    // the app's deployments then stop offering them and ask again, as for any page's read.
    bool throwRefusedCredentials = false;

    // Connects `client` if needed. Never throws for an unreachable server: that is the critical
    // redis.reachable result (the other checks are then left out). `rideAlong`'s commands go in the same
    // round trip (their replies come back in it; none when the server is unreachable).
    HealthReport evaluate(
        redis::Client& client, const HealthThresholds& thresholds, sidekiq::RideAlong* rideAlong = nullptr);
};

// Reads only the counters (the first sample of a CLI window).
CounterSample readCounters(redis::Client& client);

} // namespace kiq::health
