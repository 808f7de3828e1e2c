#pragma once
// The pool's log: a level filter in front of a sink the owner provides (the app's log panel, the CLI's
// stderr). The sink is called from the pool's threads, concurrently: it must be thread-safe.

#include "worker/WorkerOptions.h"

#include <functional>
#include <string>
#include <string_view>

namespace kiq::worker {

using LogSink = std::function<void(LogLevel level, std::string_view message)>;

// A sink that writes Sidekiq-style lines to stderr: "2024-01-05T08:07:06.123Z pid=42 tid=p3 INFO: msg"
// (tid is the calling thread's name, see setThreadName). Serialised with a mutex.
LogSink stderrLogSink();

// Names the calling thread for log lines ("processor-3", "heartbeat").
void setThreadName(std::string name);
const std::string& threadName();

class Logger {
public:
    Logger() = default;
    Logger(LogLevel level, LogSink sink)
        : m_level(level)
        , m_sink(std::move(sink))
    {
    }

    bool enabled(LogLevel level) const { return m_sink && level >= m_level; }
    void log(LogLevel level, std::string_view message) const
    {
        if (enabled(level)) m_sink(level, message);
    }
    void debug(std::string_view m) const { log(LogLevel::Debug, m); }
    void info(std::string_view m) const { log(LogLevel::Info, m); }
    void warn(std::string_view m) const { log(LogLevel::Warn, m); }
    void error(std::string_view m) const { log(LogLevel::Error, m); }

private:
    LogLevel m_level = LogLevel::Info;
    LogSink m_sink;
};

} // namespace kiq::worker
