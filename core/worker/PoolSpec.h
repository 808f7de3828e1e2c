#pragma once
// What a user asks for when starting a local pool (the CLI's `work` flags, the app's Local workers form),
// turned into the Launcher's settings and handlers in one place, so both front ends accept and refuse
// the same things.
//
//     PoolSpec spec;
//     spec.queues = {"critical,2", "default"};
//     spec.handlerFile = "handlers.toml";
//     PoolSetup setup = spec.build(); // throws PoolSpecError naming the field at fault
//     Launcher pool(connection, std::move(setup.options), std::move(setup.handlers));

#include "storage/ReplayJournal.h"
#include "worker/HandlerRegistry.h"
#include "worker/WorkerOptions.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiq::worker {

struct PoolSetup {
    WorkerOptions options;
    HandlerRegistry handlers;
};

// A refused spec: which field, and why (the front end puts its own name for the field in front).
class PoolSpecError : public ConfigError {
public:
    enum class Field { Queues, Concurrency, HandlerFile, ShutdownTimeout };
    PoolSpecError(Field field, const std::string& message)
        : ConfigError(message)
        , m_field(field)
    {
    }
    Field field() const { return m_field; }

private:
    Field m_field;
};

struct PoolSpec {
    std::vector<std::string> queues {"default"}; // Sidekiq's -q: "name" or "name,weight"
    int concurrency = 10;
    std::string handlerFile; // TOML of external commands; empty: none
    bool builtins = true; // Kiqdesk::Sleep/Fail/Echo
    redaction::RedactionRules redaction; // what the log hides of job arguments (the profile's rules)
    std::chrono::milliseconds shutdownTimeout {25000};
    std::string tag;
    bool basicFetch = false;
    bool failUnknownClasses = false; // WorkerOptions::failUnknownClasses
    LogLevel logLevel = LogLevel::Info;
    // WorkerOptions::replayJournal: the app's and the CLI's pools note replays' outcomes in the shared one.
    std::string replayJournal = storage::ReplayJournal::defaultPath();

    // Reads the handler file, so it may take a moment on a slow disk; never touches Redis.
    PoolSetup build() const;
};

} // namespace kiq::worker
