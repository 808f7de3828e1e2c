#pragma once
// The pool's log: a level filter and the profile's redaction in front of a sink the owner provides (the
// app's log panel, the CLI's stderr). Every line passes the redactor's free-text rules on its way out,
// so an error message quoting an argument does not show a password; lines that show arguments or a
// payload use args()/payload() first, so the profile's path rules apply too. The sink is called from the
// pool's threads, concurrently: it must be thread-safe.

#include "redaction/Redaction.h"
#include "worker/WorkerOptions.h"

#include <functional>
#include <memory>
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
    Logger(LogLevel level, LogSink sink, redaction::RedactionRules rules = {})
        : m_level(level)
        , m_sink(std::move(sink))
        , m_redactor(std::make_shared<const redaction::Redactor>(std::move(rules)))
    {
    }

    bool enabled(LogLevel level) const { return m_sink && level >= m_level; }
    void log(LogLevel level, std::string_view message) const
    {
        if (enabled(level)) m_sink(level, m_redactor ? m_redactor->text(message) : std::string(message));
    }
    // A job's args or whole payload as a log line may show them: redacted, then cut to `maxChars`.
    std::string args(std::string_view json, std::size_t maxChars) const;
    std::string payload(std::string_view json, std::size_t maxChars) const;
    void debug(std::string_view m) const { log(LogLevel::Debug, m); }
    void info(std::string_view m) const { log(LogLevel::Info, m); }
    void warn(std::string_view m) const { log(LogLevel::Warn, m); }
    void error(std::string_view m) const { log(LogLevel::Error, m); }

private:
    LogLevel m_level = LogLevel::Info;
    LogSink m_sink;
    std::shared_ptr<const redaction::Redactor> m_redactor; // shared: Loggers are copied into each part of the pool
};

} // namespace kiq::worker
