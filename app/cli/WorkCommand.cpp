// work: run a local Sidekiq-compatible worker pool until INT/TERM (or Sidekiq's stop! from the API).
#include "Commands.h"

#include "ExitCode.h"
#include "redis/Errors.h"
#include "worker/ExternalCommand.h"
#include "worker/Launcher.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

namespace kiq::cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void onStopSignal(int) { g_stop = true; }

struct WorkArgs {
    std::vector<std::string> queues{"default"};
    int concurrency = 10;
    std::string handlers;
    std::string logLevel = "info";
    double timeout = 25;
    std::string tag;
    bool basicFetch = false;
    bool builtins = true;
};

int runWork(CliContext& ctx, const WorkArgs& a)
{
    worker::WorkerOptions options;
    try {
        options.queues = worker::QueueList::parse(a.queues);
    } catch (const std::invalid_argument& e) {
        throw redis::UsageError(std::string("-q: ") + e.what());
    }
    if (a.concurrency < 1) throw redis::UsageError("-c must be at least 1");
    options.concurrency = a.concurrency;
    options.shutdownTimeout = std::chrono::milliseconds(static_cast<long long>(a.timeout * 1000));
    options.tag = a.tag;
    options.crashSafe = !a.basicFetch;
    const auto level = worker::parseLogLevel(a.logLevel);
    if (!level) throw redis::UsageError("--log-level takes debug, info, warn or error");
    options.logLevel = *level;

    worker::HandlerRegistry handlers;
    if (a.builtins) handlers.addBuiltins();
    if (!a.handlers.empty()) {
        try {
            handlers.addExternal(worker::loadHandlerConfigFile(a.handlers));
        } catch (const std::exception& e) {
            throw redis::UsageError(std::string("--handlers: ") + e.what());
        }
    }

    worker::Launcher pool(ctx.client().options(), options, std::move(handlers));
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    pool.start();
    std::cerr << "kiqdesk worker " << pool.identity() << ": " << options.concurrency << " threads, "
              << (options.crashSafe ? "crash-safe fetch" : "basic fetch") << "; Ctrl-C stops gracefully\n";
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
    work->add_option("-q,--queue", args->queues, "Queue, or name,weight (repeatable; Sidekiq's -q rules)")->capture_default_str();
    work->add_option("-c,--concurrency", args->concurrency, "Worker threads")->capture_default_str();
    work->add_option("--handlers", args->handlers, "TOML file mapping job classes to external commands");
    work->add_option("--log-level", args->logLevel, "debug, info, warn or error")->capture_default_str();
    work->add_option("-t,--timeout", args->timeout, "Seconds to wait for running jobs at shutdown")->capture_default_str();
    work->add_option("-g,--tag", args->tag, "Tag shown in Sidekiq's Web UI");
    work->add_flag("--basic-fetch", args->basicFetch, "Sidekiq's BRPOP fetch (a crash loses in-flight jobs)");
    work->add_flag("!--no-builtins", args->builtins, "Leave out the Kiqdesk::Sleep/Fail/Echo demo handlers");
    work->callback([&ctx, &exitCode, args] { exitCode = runWork(ctx, *args); });
}

} // namespace kiq::cli
