#include "health/HealthChecks.h"

#include "redis/Errors.h"
#include "server/ServerInfo.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/WorkerKeys.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace kiq::health {

using redis::Command;
using redis::Reply;
using server::ServerInfo;

const char* checkStateName(CheckState state)
{
    switch (state) {
    case CheckState::Ok:
        return "ok";
    case CheckState::Warn:
        return "warn";
    case CheckState::Critical:
        return "critical";
    case CheckState::Unknown:
        return "unknown";
    }
    return "unknown";
}

double HealthThresholds::latencyWarnFor(const std::string& queue) const
{
    const auto it = queues.find(queue);
    return it != queues.end() && it->second.latencyWarnSeconds ? *it->second.latencyWarnSeconds : latencyWarnSeconds;
}

double HealthThresholds::latencyCriticalFor(const std::string& queue) const
{
    const auto it = queues.find(queue);
    return it != queues.end() && it->second.latencyCriticalSeconds ? *it->second.latencyCriticalSeconds
                                                                   : latencyCriticalSeconds;
}

bool HealthThresholds::expectsUnwatched(const std::string& queue) const
{
    const auto it = queues.find(queue);
    return it != queues.end() && it->second.expectUnwatched;
}

namespace {
// The profile-wide numbers by their JSON name, so toJson and fromJson cannot disagree.
template <typename T, typename F> void forEachNumber(T& t, F&& f)
{
    f("latency_warn_s", t.latencyWarnSeconds);
    f("latency_critical_s", t.latencyCriticalSeconds);
    f("dead_per_min_warn", t.deadPerMinuteWarn);
    f("dead_per_min_critical", t.deadPerMinuteCritical);
    f("dead_max_jobs", t.deadMaxJobs);
    f("dead_cap_warn_pct", t.deadCapWarnPercent);
    f("dead_timeout_days", t.deadTimeoutDays);
    f("failure_rate_warn_pct", t.failureRateWarnPercent);
    f("failure_rate_critical_pct", t.failureRateCriticalPercent);
    f("failure_rate_min_jobs", t.minJobsForFailureRate);
    f("scheduler_overdue_s", t.schedulerOverdueSeconds);
    f("heartbeat_stale_s", t.heartbeatStaleSeconds);
    f("memory_warn_pct", t.memoryWarnPercent);
    f("memory_critical_pct", t.memoryCriticalPercent);
}
} // namespace

QString HealthThresholds::toJson() const
{
    const HealthThresholds defaults;
    QJsonObject o;
    forEachNumber(*this, [&](const char* name, const double& v) {
        double d = 0;
        forEachNumber(defaults, [&](const char* n, const double& dv) {
            if (std::string_view(n) == name) d = dv;
        });
        if (v != d) o.insert(QLatin1String(name), v);
    });
    QJsonObject perQueue;
    for (const auto& [name, q] : queues) {
        QJsonObject qo;
        if (q.latencyWarnSeconds) qo.insert(QStringLiteral("latency_warn_s"), *q.latencyWarnSeconds);
        if (q.latencyCriticalSeconds) qo.insert(QStringLiteral("latency_critical_s"), *q.latencyCriticalSeconds);
        if (q.expectUnwatched) qo.insert(QStringLiteral("expect_unwatched"), true);
        if (!qo.isEmpty()) perQueue.insert(QString::fromStdString(name), qo);
    }
    if (!perQueue.isEmpty()) o.insert(QStringLiteral("queues"), perQueue);
    if (o.isEmpty()) return {};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

HealthThresholds HealthThresholds::fromJson(const QString& json)
{
    HealthThresholds t;
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    forEachNumber(t, [&](const char* name, double& v) {
        const QJsonValue value = o.value(QLatin1String(name));
        if (value.isDouble()) v = value.toDouble();
    });
    const QJsonObject perQueue = o.value(QStringLiteral("queues")).toObject();
    for (auto it = perQueue.begin(); it != perQueue.end(); ++it) {
        const QJsonObject qo = it.value().toObject();
        QueueThresholds q;
        if (qo.value(QStringLiteral("latency_warn_s")).isDouble())
            q.latencyWarnSeconds = qo.value(QStringLiteral("latency_warn_s")).toDouble();
        if (qo.value(QStringLiteral("latency_critical_s")).isDouble())
            q.latencyCriticalSeconds = qo.value(QStringLiteral("latency_critical_s")).toDouble();
        q.expectUnwatched = qo.value(QStringLiteral("expect_unwatched")).toBool();
        t.queues[it.key().toStdString()] = q;
    }
    return t;
}

bool HealthReport::unreachable() const
{
    for (const auto& r : results)
        if (r.id == check::kReachable) return r.state == CheckState::Critical;
    return false;
}

CheckState HealthReport::worst() const
{
    bool known = false;
    CheckState worst = CheckState::Ok;
    for (const auto& r : results) {
        if (r.state == CheckState::Unknown) continue;
        known = true;
        if (r.state == CheckState::Critical)
            worst = CheckState::Critical;
        else if (r.state == CheckState::Warn && worst == CheckState::Ok)
            worst = CheckState::Warn;
    }
    return known ? worst : CheckState::Unknown;
}

std::vector<const CheckResult*> HealthReport::notOk() const
{
    std::vector<const CheckResult*> out;
    for (const auto& r : results)
        if (r.state != CheckState::Ok) out.push_back(&r);
    return out;
}

namespace {

std::string num(double v)
{
    char buf[32];
    if (std::fabs(v - std::round(v)) < 0.05 || std::fabs(v) >= 100)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// "75 s", "12 min", "3.5 h", "2.0 d": a latency or an age as a dashboard shows it.
std::string duration(double seconds)
{
    if (seconds < 120) return num(seconds < 10 ? seconds : std::round(seconds)) + " s";
    if (seconds < 7200) return num(std::round(seconds / 60)) + " min";
    if (seconds < 172800) return num(seconds / 3600) + " h";
    return num(seconds / 86400) + " d";
}

// Warn/critical against two limits (a limit <= 0 is off); the threshold reported is the one crossed.
CheckResult graded(const char* id, std::string subject, double value, double warn, double critical)
{
    CheckResult r {id, std::move(subject), CheckState::Ok, value, warn > 0 ? warn : critical, {}};
    if (critical > 0 && value > critical) {
        r.state = CheckState::Critical;
        r.threshold = critical;
    } else if (warn > 0 && value > warn) {
        r.state = CheckState::Warn;
    }
    return r;
}

CheckResult unknown(const char* id, std::string message, std::string subject = {})
{
    return {id, std::move(subject), CheckState::Unknown, {}, {}, std::move(message)};
}

// "not permitted: needs +info" for ACL refusals (a monitor user without +info), the server's text otherwise.
std::string refusal(const std::string& error)
{
    if (const std::string needed = kiq::redis::missingPermission(error); !needed.empty())
        return "not permitted: needs " + needed + " (" + error + ")";
    return error;
}

std::optional<double> oldestScore(const Reply& reply)
{
    const auto& a = reply.asArray();
    if (a.size() < 2) return std::nullopt;
    try {
        return std::stod(a[1].asString());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

long long toCount(const Reply& reply)
{
    if (reply.isNil()) return 0;
    try {
        return std::stoll(reply.asString());
    } catch (const std::exception&) {
        return 0;
    }
}

void queueChecks(const sidekiq::StatsSnapshot& stats, const sidekiq::ProcessList& processes, double now,
    const HealthThresholds& t, std::vector<CheckResult>& out)
{
    std::set<std::string> listened;
    for (const auto& p : processes.live)
        if (!p.quiet && !p.isStale(now, t.heartbeatStaleSeconds)) listened.insert(p.queues.begin(), p.queues.end());
    for (const auto& q : stats.queues) {
        if (!q.error.empty()) {
            out.push_back(unknown(check::kQueueLatency, "queue " + q.name + ": " + q.error, q.name));
            continue;
        }
        const double warn = t.latencyWarnFor(q.name);
        CheckResult lat = graded(check::kQueueLatency, q.name, q.latencySeconds, warn, t.latencyCriticalFor(q.name));
        lat.message = "queue " + q.name + ": latency " + duration(q.latencySeconds)
            + (lat.state == CheckState::Ok          ? " within the " + duration(*lat.threshold) + " SLO"
                    : lat.state == CheckState::Warn ? " over the " + duration(*lat.threshold) + " SLO"
                                                    : " over the " + duration(*lat.threshold) + " critical limit");
        out.push_back(std::move(lat));

        CheckResult w {check::kQueueUnwatched, q.name, CheckState::Ok, double(q.size), 0, {}};
        if (q.size > 0 && !q.paused && !listened.count(q.name) && !t.expectsUnwatched(q.name)) {
            w.state = CheckState::Warn;
            w.message = "queue " + q.name + ": " + std::to_string(q.size) + (q.size == 1 ? " job waits" : " jobs wait")
                + " and no live process listens to it";
        } else {
            w.message = "queue " + q.name
                + (q.size == 0                   ? ": empty"
                        : q.paused               ? ": paused"
                        : listened.count(q.name) ? ": worked by a live process"
                                                 : ": not worked, as configured");
        }
        out.push_back(std::move(w));
    }
}

void heartbeatCheck(
    const sidekiq::ProcessList& processes, double now, const HealthThresholds& t, std::vector<CheckResult>& out)
{
    std::vector<std::string> stale;
    for (const auto& p : processes.live)
        if (p.isStale(now, t.heartbeatStaleSeconds)) stale.push_back(p.identity);
    for (const auto& id : processes.expired) stale.push_back(id);
    CheckResult r {check::kHeartbeats, {}, stale.empty() ? CheckState::Ok : CheckState::Warn, double(stale.size()),
        t.heartbeatStaleSeconds, {}};
    if (stale.empty()) {
        r.message = std::to_string(processes.live.size()) + " processes beating";
    } else {
        r.message = std::to_string(stale.size()) + (stale.size() == 1 ? " process has" : " processes have")
            + " no heartbeat for over " + duration(t.heartbeatStaleSeconds) + ": " + stale.front()
            + (stale.size() > 1 ? ", …" : "");
    }
    out.push_back(std::move(r));
}

// Our pool's in-progress lists whose owner is gone (no heartbeat hash, left `processes`, or stale):
// their jobs run nowhere until a pool's orphan recovery puts them back. `asked` holds the lists whose
// LLEN rode along (with `lengths`); the others are asked now, and `asked` becomes this time's lists.
void orphanCheck(redis::Client& client, const Reply& registry, const sidekiq::ProcessList& processes, double now,
    const HealthThresholds& t, std::vector<std::string>& asked, const Reply* lengths, std::vector<CheckResult>& out)
{
    if (registry.isError()) {
        out.push_back(unknown(check::kOrphanedJobs, "in-progress registry: " + refusal(registry.str)));
        return;
    }
    std::set<std::string> alive;
    for (const auto& p : processes.live)
        if (!p.isStale(now, t.heartbeatStaleSeconds)) alive.insert(p.identity);
    const auto fields = registry.asStringList();
    std::vector<std::string> dead, lists;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (alive.count(fields[i])) continue;
        const int count = QJsonDocument::fromJson(QByteArray::fromStdString(fields[i + 1]))
                              .object()
                              .value(QStringLiteral("lists"))
                              .toInt();
        dead.push_back(fields[i]);
        for (int n = 0; n < std::min(count, 4096); ++n) lists.push_back(worker::keys::inProgress(fields[i], n));
    }
    long long jobs = 0;
    if (lists == asked) {
        for (std::size_t i = 0; i < lists.size(); ++i)
            if (!lengths[i].isError()) jobs += lengths[i].integer;
    } else if (!lists.empty()) {
        std::vector<Command> lens;
        for (const auto& key : lists) lens.push_back(Command("LLEN").key(key));
        for (const auto& r : client.pipeline(lens))
            if (!r.isError()) jobs += r.integer;
    }
    asked = std::move(lists);
    CheckResult r {check::kOrphanedJobs, {}, jobs > 0 ? CheckState::Warn : CheckState::Ok, double(jobs), 0, {}};
    r.message = jobs > 0 ? std::to_string(jobs) + (jobs == 1 ? " job is" : " jobs are")
            + " held in the in-progress lists of dead processes (" + dead.front() + (dead.size() > 1 ? ", …" : "") + ")"
                         : "no jobs held by dead processes";
    out.push_back(std::move(r));
}

// `info` is the INFO reply parsed, or unset when it was refused (`infoReply` says why).
void infoChecks(const Reply& infoReply, const std::optional<ServerInfo>& parsed, const HealthThresholds& t,
    std::vector<CheckResult>& out)
{
    if (!parsed) {
        const std::string why = "INFO: " + refusal(infoReply.str);
        for (const char* id : {check::kEvictionPolicy, check::kMemory, check::kReplication})
            out.push_back(unknown(id, why));
        return;
    }
    const ServerInfo& info = *parsed;
    if (const auto policy = info.field("maxmemory_policy")) {
        const bool ok = *policy == "noeviction";
        out.push_back({check::kEvictionPolicy, {}, ok ? CheckState::Ok : CheckState::Warn, {}, {},
            "maxmemory-policy is " + *policy + (ok ? "" : ": Redis may evict jobs, use noeviction")});
    } else {
        out.push_back(unknown(check::kEvictionPolicy, "INFO did not report maxmemory_policy"));
    }

    const auto used = info.usedMemory();
    const auto max = info.maxmemory();
    if (!used || !max) {
        out.push_back(unknown(check::kMemory, "INFO did not report used_memory and maxmemory"));
    } else if (*max == 0) {
        out.push_back({check::kMemory, {}, CheckState::Ok, {}, {}, "no maxmemory set"});
    } else {
        const double pct = 100.0 * double(*used) / double(*max);
        CheckResult r = graded(check::kMemory, {}, pct, t.memoryWarnPercent, t.memoryCriticalPercent);
        r.message = "memory " + num(pct) + "% of maxmemory"
            + (r.state == CheckState::Ok ? "" : ", over " + num(*r.threshold) + "%");
        out.push_back(std::move(r));
    }

    const std::string role = info.role();
    if (role == "slave") {
        const std::string link = info.field("master_link_status").value_or("");
        const std::string master
            = info.field("master_host").value_or("?") + ":" + info.field("master_port").value_or("?");
        if (link == "up") {
            out.push_back({check::kReplication, {}, CheckState::Ok, {}, {}, "replica of " + master + ", link up"});
        } else {
            const auto since = info.integerField("master_link_down_since_seconds");
            out.push_back(
                {check::kReplication, {}, CheckState::Critical, since ? std::optional<double>(*since) : std::nullopt,
                    {}, "replica link to " + master + " is down" + (since ? " for " + duration(double(*since)) : "")});
        }
        return;
    }
    // A primary lists its connected replicas (slave0:ip=…,port=…,state=online,…); one that is not online
    // is still syncing or lost.
    std::vector<std::string> notOnline;
    long long replicas = 0;
    for (const auto& [section, fields] : info.sections)
        for (const auto& [name, value] : fields)
            if (name.rfind("slave", 0) == 0 && name.size() > 5 && std::isdigit(static_cast<unsigned char>(name[5]))) {
                ++replicas;
                if (value.find("state=online") == std::string::npos) notOnline.push_back(name + " " + value);
            }
    if (notOnline.empty())
        out.push_back({check::kReplication, {}, CheckState::Ok, double(replicas), {},
            replicas == 0 ? "primary without replicas" : "primary, " + std::to_string(replicas) + " replicas online"});
    else
        out.push_back({check::kReplication, {}, CheckState::Warn, double(notOnline.size()), {},
            "replica not online: " + notOnline.front()});
}

void clusterCheck(redis::Client& client, std::vector<CheckResult>& out)
{
    long long covered = 16384;
    std::string state = "ok";
    std::string problem;
    for (const auto& node : client.onAllPrimaries(Command::raw({"CLUSTER", "INFO"}))) {
        if (node.reply.isError()) {
            problem = node.node.toString() + ": " + refusal(node.reply.str);
            continue;
        }
        const ServerInfo info = ServerInfo::parseInfo(node.reply.str);
        const long long assigned = info.integerField("cluster_slots_assigned").value_or(0);
        const long long ok = info.integerField("cluster_slots_ok").value_or(0);
        covered = std::min({covered, assigned, ok});
        if (const auto s = info.field("cluster_state"); s && *s != "ok") state = *s;
    }
    if (covered == 16384 && state == "ok" && !problem.empty()) {
        out.push_back(unknown(check::kClusterSlots, "CLUSTER INFO: " + problem));
        return;
    }
    const bool ok = covered == 16384 && state == "ok";
    out.push_back({check::kClusterSlots, {}, ok ? CheckState::Ok : CheckState::Critical, double(covered), 16384.0,
        ok ? std::string("all 16384 slots covered")
           : "cluster: " + std::to_string(covered) + " of 16384 slots covered (state " + state + ")"});
}

// Sidekiq's DeadSet#kill trims the set to dead_max_jobs and drops what is older than
// dead_timeout_in_seconds; nothing records what it dropped (deadDropped estimates it).
void deadCapCheck(const Reply& size, const Reply& diedSince, const Reply& oldest,
    const std::optional<DeadSample>& since, double now, const HealthThresholds& t, std::vector<CheckResult>& out)
{
    for (const Reply* r : {&size, &diedSince, &oldest})
        if (r->isError()) return out.push_back(unknown(check::kDeadCap, "dead set: " + refusal(r->str)));
    const long long n = size.integer;
    CheckResult r {check::kDeadCap, {}, CheckState::Ok, {}, {}, {}};
    std::string text = "dead set " + std::to_string(n) + (n == 1 ? " job" : " jobs");
    if (const auto share = deadCapShare(n, t)) {
        const double pct = *share;
        r.value = pct;
        r.threshold = t.deadCapWarnPercent;
        text += " of " + num(t.deadMaxJobs) + " (" + num(pct) + "%)";
        if (t.deadCapWarnPercent > 0 && pct >= t.deadCapWarnPercent) r.state = CheckState::Warn;
        if (deadAtCap(n, t)) text += ", at Sidekiq's cap: each new dead job drops the oldest";
    }
    if (since && now - since->takenAt >= 60) {
        const long long dropped = deadDropped(*since, n, diedSince.integer);
        if (dropped > 0) {
            r.state = CheckState::Warn;
            text += "; about " + std::to_string(dropped) + " dropped in the last " + duration(now - since->takenAt)
                + " (by the cap, or removed by hand)";
        }
    }
    if (const auto score = oldestScore(oldest); score && t.deadTimeoutDays > 0) {
        const double age = now - *score, limit = t.deadTimeoutDays * 86400;
        if (age >= limit - 7 * 86400) { // within a week of being dropped for its age
            r.state = CheckState::Warn;
            text += "; the oldest died " + duration(age) + " ago: Sidekiq drops dead jobs after " + duration(limit);
        }
    }
    r.message = std::move(text);
    out.push_back(std::move(r));
}

} // namespace

long long deadDropped(const DeadSample& then, long long sizeNow, long long diedSince)
{
    return std::max(0LL, diedSince - (sizeNow - then.size));
}

bool deadAtCap(long long size, const HealthThresholds& t)
{
    return t.deadMaxJobs > 0 && double(size) >= t.deadMaxJobs - 1;
}

std::optional<double> deadCapShare(long long size, const HealthThresholds& t)
{
    if (t.deadMaxJobs <= 0) return std::nullopt;
    return 100.0 * double(size) / t.deadMaxJobs;
}

CounterSample readCounters(redis::Client& client)
{
    const auto r
        = client.pipeline({Command("GET").key(sidekiq::keys::kProcessed), Command("GET").key(sidekiq::keys::kFailed)});
    return {sidekiq::Timestamp::now().seconds(), toCount(r[0].throwIfError()), toCount(r[1].throwIfError())};
}

HealthReport HealthEvaluator::evaluate(redis::Client& client, const HealthThresholds& t, sidekiq::RideAlong* rideAlong)
{
    HealthReport report;
    auto& out = report.results;
    const double now = sidekiq::Timestamp::now().seconds();
    report.takenAt = now;
    try {
        client.connect();
        out.push_back({check::kReachable, {}, CheckState::Ok, {}, {}, "reachable"});

        // Cluster first: with slots uncovered every other read may fail with CLUSTERDOWN.
        if (client.options().topology == redis::Topology::Cluster) clusterCheck(client, out);

        // The dead-set sample of about an hour ago (or the oldest kept) that the cap check compares with.
        std::erase_if(deadSizes, [&](const DeadSample& d) { return d.takenAt < now - 3600; });
        const std::optional<DeadSample> since
            = deadSizes.empty() ? std::nullopt : std::optional<DeadSample>(deadSizes.front());
        // Ours ride along with Sidekiq's stats (one round trip), then the caller's after them.
        sidekiq::RideAlong mine;
        mine.commands = {
            Command("ZCOUNT").key(sidekiq::keys::kDead).arg(now - 60).arg(std::string_view("+inf")),
            Command("ZRANGE").key(sidekiq::keys::kSchedule).arg(0).arg(0).arg(std::string_view("WITHSCORES")),
            Command("ZRANGE").key(sidekiq::keys::kRetry).arg(0).arg(0).arg(std::string_view("WITHSCORES")),
            Command::raw({"INFO"}),
            Command("GET").key(sidekiq::keys::kProcessed),
            Command("GET").key(sidekiq::keys::kFailed),
            Command("HGETALL").key(worker::keys::kInProgressRegistry),
            Command("ZCARD").key(sidekiq::keys::kDead),
            // Died since the sample (a dead job's score is its time of death).
            Command("ZCOUNT").key(sidekiq::keys::kDead).arg(since ? since->takenAt : now).arg(std::string_view("+inf")),
            Command("ZRANGE").key(sidekiq::keys::kDead).arg(0).arg(0).arg(std::string_view("WITHSCORES")),
        };
        const std::size_t ownCount = mine.commands.size();
        for (const auto& key : orphanLists) mine.commands.push_back(Command("LLEN").key(key));
        const std::size_t orphanEnd = mine.commands.size();
        if (rideAlong)
            mine.commands.insert(mine.commands.end(), rideAlong->commands.begin(), rideAlong->commands.end());

        // Sidekiq's own data: when these fail (a wrong key type, CLUSTERDOWN) their checks are unknown.
        std::optional<sidekiq::StatsSnapshot> stats;
        std::optional<sidekiq::ProcessList> processes;
        std::string sidekiqError;
        try {
            stats = this->stats.read(client, &mine);
            processes = stats->processes;
        } catch (const redis::ReplyError& e) {
            sidekiqError = refusal(e.what());
            report.statsError = sidekiqError;
        }
        // Refused stats leave the rest unsent: ask for it on its own.
        if (mine.replies.size() != mine.commands.size()) mine.replies = client.pipeline(mine.commands);
        if (rideAlong)
            rideAlong->replies.assign(std::make_move_iterator(mine.replies.begin() + std::ptrdiff_t(orphanEnd)),
                std::make_move_iterator(mine.replies.end()));
        const std::vector<Reply>& replies = mine.replies;
        report.stats = stats;
        std::optional<ServerInfo> info; // read once, for the checks and the exporter's gauges
        if (!replies[3].isError()) {
            info = ServerInfo::parseInfo(replies[3].str);
            report.usedMemory = info->usedMemory();
            report.maxmemory = info->maxmemory();
            report.opsPerSec = info->instantaneousOpsPerSec();
        } else {
            report.infoError = refusal(replies[3].str);
        }
        if (stats && processes) {
            queueChecks(*stats, *processes, now, t, out);
        } else {
            out.push_back(unknown(check::kQueueLatency, "queues: " + sidekiqError));
            out.push_back(unknown(check::kQueueUnwatched, "queues: " + sidekiqError));
        }

        if (replies[0].isError()) {
            out.push_back(unknown(check::kDeadGrowth, "dead set: " + refusal(replies[0].str)));
        } else {
            CheckResult r = graded(
                check::kDeadGrowth, {}, double(replies[0].integer), t.deadPerMinuteWarn, t.deadPerMinuteCritical);
            r.message = std::to_string(replies[0].integer) + (replies[0].integer == 1 ? " job" : " jobs")
                + " died in the last minute"
                + (r.state == CheckState::Ok ? "" : ", over " + num(*r.threshold) + "/min");
            out.push_back(std::move(r));
        }

        deadCapCheck(replies[7], replies[8], replies[9], since, now, t, out);
        if (!replies[7].isError()) deadSizes.push_back({now, replies[7].integer});

        if (replies[4].isError() || replies[5].isError()) {
            out.push_back(unknown(
                check::kFailureRate, "counters: " + refusal(replies[4].isError() ? replies[4].str : replies[5].str)));
        } else {
            report.counters = {now, toCount(replies[4]), toCount(replies[5])};
            const auto& before = previous;
            if (!before || now - before->takenAt < minWindowSeconds) {
                out.push_back(unknown(check::kFailureRate, "failure rate needs two samples"));
            } else {
                const long long processed = report.counters.processed - before->processed;
                const long long failed = report.counters.failed - before->failed;
                const std::string window = duration(now - before->takenAt);
                if (processed < 0 || failed < 0) {
                    out.push_back(unknown(check::kFailureRate, "counters were reset"));
                } else if (double(processed) < std::max(1.0, t.minJobsForFailureRate)) {
                    out.push_back({check::kFailureRate, {}, CheckState::Ok, {}, t.failureRateWarnPercent,
                        std::to_string(processed) + " jobs processed in the last " + window
                            + ", too few for a failure rate"});
                } else {
                    const double pct = 100.0 * double(failed) / double(processed);
                    CheckResult r
                        = graded(check::kFailureRate, {}, pct, t.failureRateWarnPercent, t.failureRateCriticalPercent);
                    r.message = "failure rate " + num(pct) + "% (" + std::to_string(failed) + " of "
                        + std::to_string(processed) + " jobs in the last " + window + ")"
                        + (r.state == CheckState::Ok ? "" : ", over " + num(*r.threshold) + "%");
                    out.push_back(std::move(r));
                }
            }
            recentCounters.push_back(report.counters);
            std::erase_if(recentCounters,
                [&](const CounterSample& c) { return c.takenAt < now - std::max(0.0, failureWindowSeconds); });
            previous = recentCounters.front();
        }

        if (replies[1].isError() || replies[2].isError()) {
            out.push_back(unknown(check::kSchedulerStalled,
                "schedule/retry: " + refusal(replies[1].isError() ? replies[1].str : replies[2].str)));
        } else {
            double overdue = 0;
            std::string set;
            for (const auto& [reply, name] : {std::pair {&replies[1], "schedule"}, std::pair {&replies[2], "retry"}})
                if (const auto score = oldestScore(*reply); score && now - *score > overdue) {
                    overdue = now - *score;
                    set = name;
                }
            CheckResult r = graded(check::kSchedulerStalled, {}, overdue, 0, t.schedulerOverdueSeconds);
            r.message = r.state == CheckState::Ok
                ? "no schedule/retry entry overdue by more than " + duration(t.schedulerOverdueSeconds)
                : "scheduler stalled: the oldest " + set + " entry is " + duration(overdue)
                    + " overdue (no poller is running)";
            out.push_back(std::move(r));
        }

        if (processes) {
            heartbeatCheck(*processes, now, t, out);
            orphanCheck(client, replies[6], *processes, now, t, orphanLists, replies.data() + ownCount, out);
        } else {
            out.push_back(unknown(check::kHeartbeats, "processes: " + sidekiqError));
            out.push_back(unknown(check::kOrphanedJobs, "processes: " + sidekiqError));
        }

        infoChecks(replies[3], info, t, out);
    } catch (const redis::Error& e) {
        const bool refused = e.kind() == ErrorKind::WrongPass || e.kind() == ErrorKind::NoAuth;
        if (!e.isUnreachable() || (refused && throwRefusedCredentials)) throw;
        out.clear();
        out.push_back(
            {check::kReachable, {}, CheckState::Critical, {}, {}, std::string("Redis unreachable: ") + e.what()});
        report.stats.reset();
        report.statsError = out.back().message;
    }
    return report;
}

} // namespace kiq::health
