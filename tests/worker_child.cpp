// A worker pool in its own process, for the crash-safety test (tst_worker_crash): the test kills it
// with SIGKILL mid-run and starts it again.
//
//   worker_child --port P [--concurrency N] [--queue Q]… [--batch N] [--work-us N] [--identity-file F]
//
// Handler "CrashJob": args[0] is a token; records it with SADD ran <token> and INCR runs, then sleeps
// --work-us microseconds (default 100) so a kill lands mid-run. SIGTERM/SIGINT stop the pool cleanly.
#include "redis/Client.h"
#include "redis/ConnectionOptions.h"
#include "sidekiq/json/JsonScanner.h"
#include "worker/Launcher.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

using namespace kiq;

int main(int argc, char** argv)
{
    int port = 6379, concurrency = 5, batch = 100, workUs = 100;
    std::vector<std::string> queues;
    std::string identityFile;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--port")
            port = std::stoi(value);
        else if (flag == "--concurrency")
            concurrency = std::stoi(value);
        else if (flag == "--queue")
            queues.push_back(value);
        else if (flag == "--batch")
            batch = std::stoi(value);
        else if (flag == "--work-us")
            workUs = std::stoi(value);
        else if (flag == "--identity-file")
            identityFile = value;
        else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    // Block the stop signals in every thread; one thread waits for them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    redis::ConnectionOptions connection;
    connection.endpoint = {"127.0.0.1", port};
    worker::WorkerOptions options;
    if (!queues.empty()) options.queues = worker::QueueList::parse(queues);
    options.concurrency = concurrency;
    options.fetchBatchMax = batch;
    options.shutdownTimeout = std::chrono::seconds(5);
    options.logLevel = worker::LogLevel::Warn;

    worker::HandlerRegistry handlers;
    handlers.add("CrashJob", [workUs](const worker::JobContext& ctx) {
        const std::string_view args = ctx.argsJson();
        auto spans = sidekiq::json::arrayElements(args);
        if (!spans || spans->empty()) throw worker::JobError("ArgumentError", "CrashJob needs a token");
        std::string token((*spans)[0].in(args));
        if (token.size() >= 2 && token.front() == '"') token = token.substr(1, token.size() - 2);
        ctx.redis.pipeline({redis::Command("SADD").key("ran").arg(token), redis::Command("INCR").key("runs")});
        if (workUs > 0) std::this_thread::sleep_for(std::chrono::microseconds(workUs));
    });

    worker::Launcher pool(connection, options, std::move(handlers));
    pool.start();
    if (!identityFile.empty()) std::ofstream(identityFile) << pool.identity() << "\n";
    std::thread([&pool, stopSignals] {
        int sig = 0;
        sigwait(&stopSignals, &sig);
        pool.requestStop();
    }).detach();
    pool.waitForStopRequest();
    pool.stop();
    return 0;
}
