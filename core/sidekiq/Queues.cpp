#include "Queues.h"

#include "Keys.h"

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr long long kFindChunk = 1000;

JobRecord parseForList(std::string raw)
{
    JobParseOptions options;
    options.decodeBacktrace = false; // decoded when the inspector opens the job
    return JobRecord::parse(std::move(raw), options);
}
} // namespace

long long queueSize(redis::Client& client, const std::string& queue)
{
    return client.command(Command("LLEN").key(keys::queue(queue))).asInteger();
}

std::vector<QueueEntry> pageQueue(redis::Client& client, const std::string& queue, long long offset, long long count)
{
    std::vector<QueueEntry> out;
    if (count <= 0) return out;
    auto items = client.command(Command("LRANGE").key(keys::queue(queue)).arg(offset).arg(offset + count - 1)).asStringList();
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back({offset + static_cast<long long>(i), parseForList(std::move(items[i]))});
    return out;
}

std::optional<QueueEntry> findInQueue(redis::Client& client, const std::string& queue, const std::string& jid)
{
    const std::string needle = "\"" + jid + "\"";
    for (long long offset = 0;; offset += kFindChunk) {
        auto items = client.command(Command("LRANGE").key(keys::queue(queue)).arg(offset).arg(offset + kFindChunk - 1)).asStringList();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].find(needle) == std::string::npos) continue; // cheap filter before parsing
            JobRecord job = parseForList(std::move(items[i]));
            if (job.jid == jid) return QueueEntry{offset + static_cast<long long>(i), std::move(job)};
        }
        if (static_cast<long long>(items.size()) < kFindChunk) return std::nullopt;
    }
}

long long deleteFromQueue(redis::Client& client, services::WriteGate& gate, const std::string& queue,
                          const std::vector<std::string>& payloads)
{
    const auto outcome = gate.perform({"delete", keys::queue(queue), static_cast<long long>(payloads.size()), {}}, [&] {
        std::vector<Command> cmds;
        for (const auto& p : payloads) cmds.push_back(Command("LREM").key(keys::queue(queue)).arg(1).arg(p));
        const auto replies = client.pipeline(cmds);
        services::WriteOutcome out;
        for (std::size_t i = 0; i < replies.size(); ++i) {
            if (replies[i].throwIfError().asInteger() > 0) {
                ++out.affected;
                out.removedPayloads.push_back(payloads[i]);
            }
        }
        return out;
    });
    return outcome.affected;
}

void clearQueue(redis::Client& client, services::WriteGate& gate, const std::string& queue)
{
    gate.perform({"clear-queue", keys::queue(queue), 0, {}}, [&] {
        const auto size = queueSize(client, queue);
        client.transaction({Command("UNLINK").key(keys::queue(queue)), Command("SREM").key(keys::kQueues).arg(queue)});
        return services::WriteOutcome{size, {}};
    });
}

} // namespace kiq::sidekiq
