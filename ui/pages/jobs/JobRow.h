#pragma once
// One row of a job table: a job as read from a sorted set (with its score) or from a queue (with its
// list index). The record keeps the raw payload byte-exact, which is what every action names.

#include "sidekiq/model/JobRecord.h"
#include "storage/ReplayJournal.h"

#include <optional>
#include <vector>

namespace kiq::ui {

struct JobRow {
    double score = 0; // sorted sets: when it runs next / failed / died (epoch seconds)
    long long index = -1; // queues: position from the left; -1 for set rows
    kiq::sidekiq::JobRecord job;
    // From this machine's replay journal (storage/ReplayJournal.h), read with the job: the copies made of
    // it elsewhere, and, for a copy, its own run.
    std::vector<kiq::storage::ReplayEntry> replays;
    std::optional<kiq::storage::ReplayEntry> replayRun;
};

} // namespace kiq::ui
