#pragma once
// Demo jobs for the local sandbox, so the first screen has something to show: queues with work,
// retries and dead jobs with real-looking errors and backtraces, scheduled jobs, and 30 days of
// processed/failed history. Payloads are built with the same code a real Sidekiq deployment would be
// read with, so every page works on them exactly as on production data.

#include "redis/Client.h"

namespace kiq::sandbox {

struct DemoSize {
    int enqueued = 600;
    int retries = 300;
    int dead = 1200;
    int scheduled = 200;
};

struct DemoSummary {
    long long jobsWritten = 0;
};

// Writes everything in a few pipelines (well under a second on a local server).
DemoSummary seedDemoData(redis::Client& client, const DemoSize& size = {});

// The job classes the demo uses, for the local worker pool's demo handlers.
const std::vector<std::string>& demoJobClasses();

} // namespace kiq::sandbox
