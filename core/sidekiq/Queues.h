#pragma once
// Sidekiq queues (LISTs `queue:<name>`, pushed on the left, fetched from the right). Live views: a
// page read now may be stale a moment later. Writes go through the WriteGate.

#include "JobRecord.h"
#include "redis/Client.h"
#include "services/WriteGate.h"

#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct QueueEntry {
    long long index = 0; // from the left: 0 is the newest job, size-1 the next to run
    JobRecord job;
};

long long queueSize(redis::Client& client, const std::string& queue);
// LRANGE of `count` entries from `offset` (newest first, as Sidekiq's UI shows them).
std::vector<QueueEntry> pageQueue(redis::Client& client, const std::string& queue, long long offset, long long count);
// Walks the list in chunks until the JID is found. Slow on long queues: O(n) reads (api.rb's
// find_job says the same); the local index is the fast path for sets.
std::optional<QueueEntry> findInQueue(redis::Client& client, const std::string& queue, const std::string& jid);

// LREM each exact payload once. Returns how many were removed (a job already fetched is not there).
long long deleteFromQueue(redis::Client& client, services::WriteGate& gate, const std::string& queue,
                          const std::vector<std::string>& payloads);
// UNLINK the list and SREM it from `queues`, in one MULTI (as Queue#clear).
void clearQueue(redis::Client& client, services::WriteGate& gate, const std::string& queue);

} // namespace kiq::sidekiq
