// work: run a local Sidekiq-compatible worker pool until INT/TERM (or Sidekiq's stop! from the API).
#include "Commands.h"

#include "ExitCode.h"
#include "redis/Errors.h"
#include "worker/Launcher.h"
#include "worker/PoolSpec.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

namespace kiq::cli {

namespace {
std::atomic<bool> g_stop {false};
extern "C" void onStopSignal(int)
{
    g_stop = true;
}

struct WorkArgs {
    std::vector<std::string> queues {"default"};
    int concurrency = 10;
    std::string handlers;
    std::string logLevel = "info";
    double timeout = 25;
    std::string tag;
    bool basicFetch = false;
    bool failUnknownClasses = false;
    bool builtins = true;
};

const char* flagOf(worker::PoolSpecError::Field field)
{
    switch (field) {
    case worker::PoolSpecError::Field::Queues:
        return "-q";
    case worker::PoolSpecError::Field::Concurrency:
        return "-c";
    case worker::PoolSpecError::Field::HandlerFile:
        return "--handlers";
    case worker::PoolSpecError::Field::ShutdownTimeout:
        return "-t";
    }
    return "work";
}

int runWork(CliContext& ctx, const WorkArgs& a)
{
    ctx.requireWritable(); // a pool moves, runs and retries jobs: a write like any other
    worker::PoolSpec spec;
    spec.queues = a.queues;
    spec.concurrency = a.concurrency;
    spec.handlerFile = a.handlers;
    spec.builtins = a.builtins;
    spec.shutdownTimeout = std::chrono::milliseconds(static_cast<long long>(a.timeout * 1000));
    spec.tag = a.tag;
    spec.basicFetch = a.basicFetch;
    spec.failUnknownClasses = a.failUnknownClasses;
    const auto level = worker::parseLogLevel(a.logLevel);
    if (!level) throw redis::UsageError("--log-level takes debug, info, warn or error");
    spec.logLevel = *level;
    spec.redaction = ctx.redactor()->rules();
    worker::PoolSetup setup;
    try {
        setup = spec.build();
    } catch (const worker::PoolSpecError& e) {
        throw redis::UsageError(std::string(flagOf(e.field())) + ": " + e.what());
    }

    worker::Launcher pool(ctx.client().options(), std::move(setup.options), std::move(setup.handlers));
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    std::string queues;
    for (const auto& q : a.queues) queues += (queues.empty() ? "" : " ") + q;
    ctx.gate().perform({"start-workers", "local pool", spec.concurrency,
                           "queues=" + queues + (a.handlers.empty() ? "" : " handlers=" + a.handlers), {}},
        [&] {
            pool.start();
            return write::WriteOutcome {1, {}};
        });
    std::cerr << "kiqdesk worker " << pool.identity() << ": " << spec.concurrency << " threads, "
              << (!spec.basicFetch ? "crash-safe fetch" : "basic fetch") << "; Ctrl-C stops gracefully\n";
    while (!g_stop && !pool.stopRequested()) pool.waitForStopRequest(std::chrono::milliseconds(200));
    std::cerr << "stopping (up to " << a.timeout << " s for running jobs)…\n";
    pool.stop();
    const auto s = pool.snapshot();
    std::cerr << "stopped: " << s.processed << " processed, " << s.failed << " failed\n";
    return Ok;
}
} // namespace

void addWorkCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto args = std::make_shared<WorkArgs>();
    auto* work = app.add_subcommand("work", "Run a local Sidekiq-compatible worker pool (crash-safe fetch)");
    work->add_option("-q,--queue", args->queues, "Queue, or name,weight (repeatable; Sidekiq's -q rules)")
        ->capture_default_str();
    work->add_option("-c,--concurrency", args->concurrency, "Worker threads")->capture_default_str();
    work->add_option("--handlers", args->handlers, "TOML file mapping job classes to external commands");
    work->add_option("--log-level", args->logLevel, "debug, info, warn or error")->capture_default_str();
    work->add_option("-t,--timeout", args->timeout, "Seconds to wait for running jobs at shutdown")
        ->capture_default_str();
    work->add_option("-g,--tag", args->tag, "Tag shown in Sidekiq's Web UI");
    work->add_flag("--basic-fetch", args->basicFetch, "Sidekiq's BRPOP fetch (a crash loses in-flight jobs)");
    work->add_flag("--fail-unknown-classes", args->failUnknownClasses,
        "Fail jobs of classes without a handler with NameError, like Sidekiq (uses a retry). Default: hand them back "
        "to their queue unchanged");
    work->add_flag("!--no-builtins", args->builtins, "Leave out the Kiqdesk::Sleep/Fail/Echo demo handlers");
    work->callback([&ctx, &exitCode, args] { exitCode = runWork(ctx, *args); });
}

} // namespace kiq::cli
