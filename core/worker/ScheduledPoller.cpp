#include "worker/ScheduledPoller.h"

#include "redis/Client.h"
#include "redis/Errors.h"
#include "redis/Script.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "util/StopSleep.h"
#include "worker/LuaTypeGuard.h"

#include <condition_variable>
#include <map>
#include <mutex>

namespace kiq::worker {

using redis::Command;
using sidekiq::Timestamp;

namespace {
constexpr int kPage = 100;
constexpr auto kInitialWait = std::chrono::seconds(10); // scheduled.rb INITIAL_WAIT

// KEYS[1] source set, KEYS[2] `queues`, KEYS[3] `dead`, KEYS[4..] queue lists.
// ARGV[1] now, ARGV[2] oldest dead score kept, ARGV[3] dead max jobs, then in fours: member, new
// payload, KEYS position of its queue (0 = dead), queue name. A job whose queue (or `queues`) has the
// wrong type goes to `dead` as it was; one that `dead` cannot take either stays where it is.
// Returns {enqueued, to dead, kept, misfits}.
const redis::Script kEnqueueDue(std::string(kLuaTypeGuard) + std::string(sidekiq::kLuaDeadSet) + R"lua(
local deadFits, queuesFit = fits(KEYS[3], 'zset'), fits(KEYS[2], 'set')
local enqueued, dead, kept = 0, 0, 0
for i = 4, #ARGV, 4 do
  local dest = tonumber(ARGV[i + 2])
  local toQueue = dest ~= 0 and queuesFit and fits(KEYS[dest], 'list')
  if not toQueue and not deadFits then
    kept = kept + 1
  elseif redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    if toQueue then
      redis.call('SADD', KEYS[2], ARGV[i + 3])
      redis.call('LPUSH', KEYS[dest], ARGV[i + 1])
      enqueued = enqueued + 1
    else
      to_dead(KEYS[3], ARGV[1], ARGV[i])
      dead = dead + 1
    end
  end
end
if dead > 0 then trim_dead(KEYS[3], ARGV[2], ARGV[3]) end
return {enqueued, dead, kept, table.concat(misfits, '; ')}
)lua");

} // namespace

ScheduledPoller::ScheduledPoller(std::shared_ptr<PoolContext> context)
    : m_ctx(std::move(context))
    , m_rng(std::random_device {}())
{
}

ScheduledPoller::~ScheduledPoller()
{
    stop();
}

void ScheduledPoller::start()
{
    m_thread = std::jthread([this](std::stop_token stop) { run(stop); });
}

void ScheduledPoller::requestStop()
{
    m_thread.request_stop();
}

void ScheduledPoller::stop()
{
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

PollResult ScheduledPoller::enqueueDue(redis::Client& client, const PoolContext& context, double nowSeconds)
{
    PollResult total;
    const std::string now = sidekiq::formatRubyFloat(nowSeconds);
    for (std::string_view set : {sidekiq::keys::kRetry, sidekiq::keys::kSchedule}) {
        long long offset = 0; // past the due jobs left in place: no key could take them
        for (;;) {
            const redis::Reply page = client.command(
                Command("ZRANGEBYSCORE").key(set).arg("-inf").arg(now).arg("LIMIT").arg(offset).arg(kPage));
            if (page.isError() && redis::classifyReplyError(page.str) == redis::ErrorKind::WrongType) {
                // Logged at each pass; the other set is still polled.
                context.log.error(
                    "scheduler: " + std::string(set) + " is not a sorted set, its jobs cannot be read: " + page.str);
                break;
            }
            const auto due = page.throwIfError().asStringList();
            if (due.empty()) break;
            std::vector<std::string> keyList {
                std::string(set), std::string(sidekiq::keys::kQueues), std::string(sidekiq::keys::kDead)};
            std::map<std::string, std::size_t> position;
            const auto trim = sidekiq::deadTrimArgs(nowSeconds, context.options.dead);
            std::vector<std::string> args {now, trim[0], trim[1]};
            sidekiq::JobParseOptions parseOptions;
            parseOptions.decodeBacktrace = false;
            parseOptions.argsDisplayChars = 0;
            for (const std::string& raw : due) {
                const sidekiq::JobRecord job = sidekiq::JobRecord::parse(raw, parseOptions);
                sidekiq::PayloadEditor editor(raw);
                args.push_back(raw);
                if (!editor.ok()) {
                    args.push_back(raw);
                    args.push_back("0");
                    args.push_back("");
                    context.log.error(
                        "unreadable entry in " + std::string(set) + " (" + editor.error() + "): sent to the morgue");
                    continue;
                }
                const std::string queue = job.queue.empty() ? "default" : job.queue;
                const auto unit = job.createdAt ? job.createdAt->unit()
                    : job.enqueuedAt            ? job.enqueuedAt->unit()
                                                : Timestamp::Unit::Seconds;
                editor.setTimestamp("enqueued_at",
                    unit == Timestamp::Unit::Milliseconds ? Timestamp::fromMillis(std::llround(nowSeconds * 1000))
                                                          : Timestamp::fromSeconds(nowSeconds));
                auto [slot, added] = position.try_emplace(queue, keyList.size() + 1);
                if (added) keyList.push_back(sidekiq::keys::queue(queue));
                args.push_back(editor.result());
                args.push_back(std::to_string(slot->second));
                args.push_back(queue);
            }
            const auto moved = kEnqueueDue.run(client, keyList, args).throwIfError().asArray();
            if (moved.size() != 4) throw redis::ProtocolError("unexpected reply from the scheduler script");
            total.enqueued += moved[0].asInteger();
            total.toDead += moved[1].asInteger();
            total.kept += moved[2].asInteger();
            offset += moved[2].asInteger();
            if (const std::string misfits = moved[3].asString(); !misfits.empty())
                context.log.error("scheduler: " + misfits + "; of the due jobs in " + std::string(set) + ", "
                    + std::to_string(moved[1].asInteger()) + " were sent to dead instead and "
                    + std::to_string(moved[2].asInteger()) + " left where they are");
            if (due.size() < std::size_t(kPage)) break;
        }
    }
    return total;
}

std::chrono::milliseconds ScheduledPoller::randomPollInterval(redis::Client& client)
{
    double average = 0;
    long long processes = 1;
    if (m_ctx->options.pollIntervalAverage) {
        average = double(m_ctx->options.pollIntervalAverage->count());
    } else {
        processes
            = std::max(1LL, client.command(Command("SCARD").key(sidekiq::keys::kProcesses)).throwIfError().asInteger());
        average = double(processes) * double(m_ctx->options.averageScheduledPollInterval.count());
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double ms = processes < 10 ? average * unit(m_rng) + average / 2 : average * unit(m_rng);
    return std::chrono::milliseconds(std::max(1LL, static_cast<long long>(ms)));
}

void ScheduledPoller::run(std::stop_token stop)
{
    setThreadName("scheduler");
    std::uniform_real_distribution<double> fiveSeconds(0.0, 5000.0);
    auto initial = std::chrono::milliseconds(static_cast<long long>(fiveSeconds(m_rng)));
    if (!m_ctx->options.pollIntervalAverage)
        initial += kInitialWait;
    else
        initial = std::min(initial, *m_ctx->options.pollIntervalAverage); // tests and demos poll soon
    util::sleepUnlessStopped(stop, initial);

    std::unique_ptr<redis::Client> client;
    while (!stop.stop_requested()) {
        std::chrono::milliseconds wait {5000};
        try {
            if (!client) client = std::make_unique<redis::Client>(m_ctx->connection);
            const PollResult r = enqueueDue(*client, *m_ctx, Timestamp::now().seconds());
            if (r.enqueued && m_ctx->log.enabled(LogLevel::Debug))
                m_ctx->log.debug("enqueued " + std::to_string(r.enqueued) + " due jobs");
            wait = randomPollInterval(*client);
        } catch (const std::exception& e) {
            // Most likely a network problem: try again at the next interval (scheduled.rb enqueue).
            m_ctx->log.error(std::string("scheduler: ") + e.what());
            client.reset();
        }
        util::sleepUnlessStopped(stop, wait);
    }
}

} // namespace kiq::worker
