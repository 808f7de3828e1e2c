#pragma once
// Sidekiq queues (LISTs `queue:<name>`, pushed on the left, fetched from the right). Live views: a
// page read now may be stale a moment later. Writes go through the WriteGate.

#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/model/JobRecord.h"
#include "write/WriteGate.h"

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
// The jobs are kept in the undo journal first; give them newest first (as pageQueue lists them) and an
// undo puts them back at the fetch end in that order.
long long deleteFromQueue(
    redis::Client& client, write::WriteGate& gate, const std::string& queue, const std::vector<std::string>& payloads);
// Removes the jobs the queue holds now and takes it out of `queues` (as Queue#clear), in chunks from
// the fetch end: each chunk is kept in the undo journal, then removed only if it is still the queue's
// tail, so a worker popping meanwhile neither loses a job nor gets one cleared twice. Returns how many
// it removed.
long long clearQueue(redis::Client& client, write::WriteGate& gate, const std::string& queue);
// Jobs to another queue, atomically per chunk: each exact payload is removed from `from` (LREM 1)
// and only then pushed to `to` with its `queue` field rewritten. A job a worker took meanwhile is
// missing; a payload that cannot be parsed is skipped (its queue field cannot be rewritten).
// Give `payloads` in the order they should run (oldest first): that order is kept in `to`.
ActionResult moveQueueJobs(redis::Client& client, write::WriteGate& gate, const std::string& from,
    const std::vector<std::string>& payloads, const std::string& to);
// Adds the queue to (or removes it from) the `paused` set that our pool skips (Keys.h).
void setQueuePaused(redis::Client& client, write::WriteGate& gate, const std::string& queue, bool paused);

} // namespace kiq::sidekiq
