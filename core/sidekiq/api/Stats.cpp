#include "sidekiq/api/Stats.h"

#include "redis/Errors.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/ProcessRecord.h"
#include "sidekiq/model/Timestamp.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace kiq::sidekiq {

using redis::Command;
using redis::Reply;

namespace {

// The UTC dates of the last `days` days, newest first: the daily counters' key suffixes.
std::vector<std::string> historyDates(int days, double now)
{
    std::vector<std::string> dates;
    for (int d = 0; d < days; ++d) {
        const std::time_t t = std::time_t(now) - std::time_t(d) * 86400;
        std::tm tm {};
        gmtime_r(&t, &tm);
        char date[16];
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
        dates.emplace_back(date);
    }
    return dates;
}

long long toCount(const Reply& r)
{
    if (r.isNil() || r.isError()) return 0;
    if (r.type == Reply::Type::Integer) return r.integer;
    return rubyToI(r.str);
}

std::vector<std::string> sorted(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end());
    return v;
}
} // namespace

double queueLatency(const std::optional<std::string>& oldestJob, double now)
{
    if (!oldestJob) return 0;
    JobParseOptions options;
    options.decodeBacktrace = false;
    const JobRecord job = JobRecord::parse(*oldestJob, options);
    const auto& at = job.enqueuedAt ? job.enqueuedAt : job.createdAt;
    if (!at) return 0;
    return std::max(0.0, now - at->seconds());
}

StatsSnapshot StatsReader::read(redis::Client& client, RideAlong* rideAlong)
{
    StatsSnapshot s;
    std::vector<Command> cmds {
        Command("GET").key(keys::kProcessed),
        Command("GET").key(keys::kFailed),
        Command("ZCARD").key(keys::kSchedule),
        Command("ZCARD").key(keys::kRetry),
        Command("ZCARD").key(keys::kDead),
        Command("SMEMBERS").key(keys::kQueues),
        Command("SMEMBERS").key(keys::kProcesses),
        Command("SMEMBERS").key(keys::kPaused),
    };
    const std::size_t fixed = cmds.size();
    // Sizes and heartbeats of what we knew last time ride along in the same round trip, and so do
    // the other reader's commands (after ours).
    auto addPerName = [&](const std::vector<std::string>& queues, const std::vector<std::string>& processes) {
        for (const auto& q : queues) {
            cmds.push_back(Command("LLEN").key(keys::queue(q)));
            cmds.push_back(Command("LINDEX").key(keys::queue(q)).arg(-1));
        }
        for (const auto& p : processes) cmds.push_back(heartbeatRead(p));
    };
    addPerName(m_knownQueues, m_knownProcesses);
    const std::size_t perNameEnd = cmds.size();
    if (rideAlong) cmds.insert(cmds.end(), rideAlong->commands.begin(), rideAlong->commands.end());
    std::vector<Reply> replies = client.pipeline(cmds);
    s.roundTrips = 1;
    if (rideAlong)
        rideAlong->replies.assign(std::make_move_iterator(replies.begin() + std::ptrdiff_t(perNameEnd)),
            std::make_move_iterator(replies.end()));
    replies.resize(perNameEnd);
    for (std::size_t i = 0; i < fixed; ++i) {
        // A wrong key type or a denied command is an error worth surfacing, not a zero.
        if (replies[i].isError()) replies[i].throwIfError();
    }

    std::vector<std::string> queues = sorted(replies[5].asStringList());
    std::vector<std::string> processes = sorted(replies[6].asStringList());
    const auto pausedList = replies[7].asStringList();
    if (queues != m_knownQueues || processes != m_knownProcesses) {
        m_knownQueues = queues;
        m_knownProcesses = processes;
        cmds.resize(fixed);
        addPerName(queues, processes);
        std::vector<Command> perName(cmds.begin() + std::ptrdiff_t(fixed), cmds.end());
        std::vector<Reply> more = client.pipeline(perName);
        replies.resize(fixed);
        for (auto& r : more) replies.push_back(std::move(r));
        s.roundTrips = 2;
    }

    s.takenAt = Timestamp::now().seconds();
    s.processed = toCount(replies[0]);
    s.failed = toCount(replies[1]);
    s.scheduledSize = toCount(replies[2]);
    s.retrySize = toCount(replies[3]);
    s.deadSize = toCount(replies[4]);
    s.processesSize = static_cast<long long>(processes.size());
    std::size_t i = fixed;
    for (const auto& q : queues) {
        QueueSummary qs;
        qs.name = q;
        qs.size = toCount(replies[i]);
        // One wrong-typed queue key must not hide the others, nor pass for an empty queue.
        if (replies[i].isError()) qs.error = redis::ReplyError(replies[i].str, keys::queue(q)).what();
        qs.latencySeconds = replies[i + 1].isError() ? 0 : queueLatency(replies[i + 1].asOptionalString(), s.takenAt);
        qs.paused = std::find(pausedList.begin(), pausedList.end(), q) != pausedList.end();
        i += 2;
        s.enqueued += qs.size;
        if (q == "default") s.defaultQueueLatency = qs.latencySeconds;
        s.queues.push_back(std::move(qs));
    }
    s.processes = parseProcesses(processes, replies.data() + i);
    for (const auto& p : s.processes.live) s.workersSize += p.busy;
    return s;
}

std::vector<Command> historyCommands(int days, double now)
{
    // GETs rather than Sidekiq's MGET: on a Cluster the daily keys live in different slots, and a
    // pipeline is still one round trip per node.
    std::vector<Command> cmds;
    for (const auto& date : historyDates(days, now)) {
        cmds.push_back(Command("GET").key(keys::processedOn(date)));
        cmds.push_back(Command("GET").key(keys::failedOn(date)));
    }
    return cmds;
}

std::vector<DailyCount> parseHistory(int days, double now, const Reply* replies)
{
    std::vector<DailyCount> out;
    std::size_t d = 0;
    for (auto& date : historyDates(days, now)) {
        out.push_back(
            {std::move(date), toCount(replies[2 * d].throwIfError()), toCount(replies[2 * d + 1].throwIfError())});
        ++d;
    }
    return out;
}

std::vector<DailyCount> readHistory(redis::Client& client, int days, double now)
{
    const auto replies = client.pipeline(historyCommands(days, now));
    return parseHistory(days, now, replies.data());
}

} // namespace kiq::sidekiq
