#pragma once
// Maps a job's class name to the code that runs it. Lookup order:
//   1. handlers added by exact class name (C++ handlers, external commands with a plain class name,
//      the Kiqdesk:: built-ins);
//   2. glob patterns (`Report*`, `Mailer::?ail`; fnmatch rules), in the order they were added;
//   3. the demo fallback (WorkerOptions::unknownClassSucceedsAfter), if enabled;
//   4. nothing: the Processor hands the job back to its queue unchanged (UnhandledClasses.h), or, with
//      WorkerOptions::failUnknownClasses, fails it like Sidekiq's constantize does, error_class
//      "NameError", message "uninitialized constant <Class>", and it goes to the retry set.
//
//     HandlerRegistry registry;
//     registry.add("EchoJob", [](const JobContext& ctx) { ... });
//     registry.addExternal(parseHandlerConfig(text, "handlers.toml"));
//
// Not thread-safe for writes: fill it before Launcher::start(). Lookups are concurrent and lock-free.

#include "worker/ExternalCommand.h"
#include "worker/Handler.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::worker {

class HandlerRegistry {
public:
    // Replaces an earlier handler of the same name.
    void add(std::string className, JobHandler handler);
    void addPattern(std::string globPattern, JobHandler handler);
    // Exact names go to add(), patterns with * ? [ to addPattern().
    void addExternal(const ExternalCommandSpec& spec);
    void addExternal(const std::vector<ExternalCommandSpec>& specs);

    // Kiqdesk::Sleep (args[0] seconds, 0 to 86400, default 1; stops early at shutdown), Kiqdesk::Fail
    // (raises args[0] with message args[1], both strings), Kiqdesk::Echo (logs its args at INFO, cut
    // at 1000 bytes). Bad arguments fail the job with ArgumentError.
    void addBuiltins();
    void setUnknownClassFallback(std::optional<std::chrono::milliseconds> succeedAfter);

    // nullptr when no handler matches.
    const JobHandler* find(std::string_view className) const;
    bool empty() const { return m_exact.empty() && m_patterns.empty() && !m_fallback; }
    std::vector<std::string> describe() const; // one line per entry, for logs

private:
    std::map<std::string, JobHandler, std::less<>> m_exact;
    std::vector<std::pair<std::string, JobHandler>> m_patterns;
    std::optional<JobHandler> m_fallback;
    std::vector<std::string> m_descriptions;
};

bool globMatch(std::string_view pattern, std::string_view text);
bool isGlobPattern(std::string_view pattern);

} // namespace kiq::worker
