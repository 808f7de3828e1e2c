#include "worker/Log.h"

#include "sidekiq/json/JsonText.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include <unistd.h>

namespace kiq::worker {

namespace {
thread_local std::string t_threadName;
}

void setThreadName(std::string name)
{
    t_threadName = std::move(name);
}
const std::string& threadName()
{
    return t_threadName;
}

LogSink stderrLogSink()
{
    auto mutex = std::make_shared<std::mutex>();
    return [mutex](LogLevel level, std::string_view message) {
        const auto now = std::chrono::system_clock::now();
        const std::time_t secs = std::chrono::system_clock::to_time_t(now);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm tm {};
        gmtime_r(&secs, &tm);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        std::lock_guard lock(*mutex);
        std::fprintf(stderr, "%s.%03dZ pid=%d tid=%s %s: %.*s\n", stamp, int(ms), int(::getpid()),
            t_threadName.empty() ? "main" : t_threadName.c_str(), logLevelName(level), int(message.size()),
            message.data());
    };
}

std::string Logger::args(std::string_view json, std::size_t maxChars) const
{
    const std::string shown = m_redactor ? m_redactor->args(json) : std::string(json);
    return sidekiq::json::truncateChars(shown, maxChars);
}

std::string Logger::payload(std::string_view json, std::size_t maxChars) const
{
    // Redacted whole, then cut: a cut payload is no longer JSON, and the path rules need JSON.
    const std::string shown = m_redactor ? m_redactor->payload(json) : std::string(json);
    return sidekiq::json::truncateChars(shown, maxChars);
}

} // namespace kiq::worker
