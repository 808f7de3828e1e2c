#include "worker/UnhandledClasses.h"

#include "redis/Client.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "worker/Processor.h"

#include <algorithm>
#include <functional>

namespace kiq::worker {

namespace {
constexpr std::chrono::milliseconds kFirstBackOff {5000};
constexpr std::chrono::milliseconds kMaxBackOff {60000};
// A queue that gave this many unhandled jobs in a row is backed off even before one comes round again.
constexpr std::size_t kMaxSeen = 1000;
} // namespace

UnhandledClasses::Note UnhandledClasses::handedBack(
    const std::string& queue, const std::string& className, const std::string& raw, Clock::time_point now)
{
    std::lock_guard lock(m_mutex);
    m_any = true;
    Note note;
    note.firstOfClass = ++m_classes[className] == 1;
    QueueState& q = m_queues[queue];
    // Threads that fetched before the back-off began hand their jobs back too: not a new round.
    if (q.until > now) return note;
    const bool again = !q.seen.insert(std::hash<std::string> {}(raw)).second;
    if (again || q.seen.size() >= kMaxSeen) {
        note.backOff = std::min<std::chrono::milliseconds>(kFirstBackOff * (1LL << std::min(q.level, 4)), kMaxBackOff);
        ++q.level;
        q.until = now + note.backOff;
        q.seen.clear();
        for (const auto& [name, n] : m_classes)
            note.counts += (note.counts.empty() ? "" : ", ") + name + " \u00d7" + std::to_string(n);
    }
    return note;
}

void UnhandledClasses::handled(const std::string& queue)
{
    if (!m_any.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(m_mutex);
    if (const auto it = m_queues.find(queue); it != m_queues.end()) {
        it->second.seen.clear();
        it->second.level = 0;
    }
}

std::vector<std::string> UnhandledClasses::backedOff(Clock::time_point now) const
{
    std::vector<std::string> out;
    if (!m_any.load(std::memory_order_relaxed)) return out;
    std::lock_guard lock(m_mutex);
    for (const auto& [name, q] : m_queues)
        if (q.until > now) out.push_back(name);
    return out;
}

std::vector<std::pair<std::string, long long>> UnhandledClasses::counts() const
{
    if (!m_any.load(std::memory_order_relaxed)) return {};
    std::lock_guard lock(m_mutex);
    return {m_classes.begin(), m_classes.end()};
}

std::vector<UnhandledSample> sampleUnhandledClasses(redis::Client& client, const PoolSetup& setup, long long perQueue)
{
    HandlerRegistry handlers = setup.handlers;
    if (setup.options.builtinHandlers) handlers.addBuiltins();
    if (setup.options.unknownClassSucceedsAfter)
        handlers.setUnknownClassFallback(setup.options.unknownClassSucceedsAfter);
    const std::vector<std::string> queues = setup.options.queues.unique();
    std::vector<redis::Command> cmds;
    for (const auto& q : queues)
        cmds.push_back(redis::Command("LRANGE").key(sidekiq::keys::queue(q)).arg(0).arg(perQueue - 1));
    const auto replies = client.pipeline(cmds);
    sidekiq::JobParseOptions parseOptions;
    parseOptions.decodeBacktrace = false;
    parseOptions.argsDisplayChars = 0;
    std::map<std::pair<std::string, std::string>, long long> counts;
    for (std::size_t i = 0; i < queues.size(); ++i) {
        const redis::Reply& r = replies.at(i);
        if (r.isError()) continue; // not a list: the pool's fetch reports it
        for (const auto& raw : r.asStringList()) {
            const auto job = sidekiq::JobRecord::parse(raw, parseOptions);
            if (isUnloadable(job) || handlers.find(job.className)) continue;
            ++counts[{queues[i], job.className}];
        }
    }
    std::vector<UnhandledSample> out;
    for (const auto& [key, n] : counts) out.push_back({key.first, key.second, n});
    return out;
}

} // namespace kiq::worker
