#pragma once
// Sidekiq's Redis key names (docs/sidekiq-data-model.md §0). They are written bare: the connection's
// namespace prefix is applied by the client to every Command::key(), never here (§9).

#include <string>
#include <string_view>

namespace kiq::sidekiq::keys {

inline constexpr std::string_view kQueues = "queues";
inline constexpr std::string_view kSchedule = "schedule";
inline constexpr std::string_view kRetry = "retry";
inline constexpr std::string_view kDead = "dead";
inline constexpr std::string_view kProcesses = "processes";
inline constexpr std::string_view kProcessed = "stat:processed";
inline constexpr std::string_view kFailed = "stat:failed";
// Kiqdesk's own: queues our pool must not fetch from. Sidekiq Pro keeps paused queue names in a SET
// named "paused" (read by OSS 8.1.1+), so we use the same key and format (docs/sidekiq-data-model.md §8).
inline constexpr std::string_view kPaused = "paused";

inline std::string queue(std::string_view name)
{
    return "queue:" + std::string(name);
}
inline std::string processedOn(std::string_view yyyyMmDd)
{
    return "stat:processed:" + std::string(yyyyMmDd);
}
inline std::string failedOn(std::string_view yyyyMmDd)
{
    return "stat:failed:" + std::string(yyyyMmDd);
}
inline std::string signalList(std::string_view identity)
{
    return std::string(identity) + "-signals";
}
// In-progress hash: "<identity>:workers" up to 6.4.1, "<identity>:work" from 6.4.2
// (docs/sidekiq-data-model.md §6).
inline std::string work(std::string_view identity)
{
    return std::string(identity) + ":work";
}
inline std::string workersLegacy(std::string_view identity)
{
    return std::string(identity) + ":workers";
}

} // namespace kiq::sidekiq::keys
