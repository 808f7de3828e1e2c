#pragma once
// What every actor of one pool shares: settings, handlers, identity, observable state, the log and the
// hard-stop signal. Held through a shared_ptr by the Launcher and by each thread, so a processor thread
// that outlives stop() (a handler that ignores hardStop) never sees it destroyed.

#include "redis/ConnectionOptions.h"
#include "worker/HandlerRegistry.h"
#include "worker/Log.h"
#include "worker/PoolState.h"
#include "worker/RetryHandler.h"
#include "worker/UnhandledClasses.h"
#include "worker/WorkerOptions.h"

#include <atomic>
#include <stop_token>
#include <string>

namespace kiq::worker {

struct PoolContext {
    PoolContext(
        WorkerOptions opts, HandlerRegistry registry, redis::ConnectionOptions conn, std::string id, Logger logger)
        : options(std::move(opts))
        , handlers(std::move(registry))
        , connection(std::move(conn))
        , identity(std::move(id))
        , state(options.concurrency)
        , log(std::move(logger))
    {
    }

    const WorkerOptions options;
    const HandlerRegistry handlers;
    const redis::ConnectionOptions connection;
    const std::string identity;
    PoolState state;
    const Logger log;
    std::stop_source hardStop; // the shutdown timeout has passed: handlers should give up
    std::atomic<bool> quiet {false}; // no more fetching (TSTP or stop)
    UnhandledClasses unhandled;

    RetrySettings retrySettings() const { return {options.maxRetries, options.dead}; }
};

} // namespace kiq::worker
