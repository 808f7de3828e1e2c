#pragma once
// One worker thread: Sidekiq's Processor (processor.rb) on a std::jthread with its own redis::Client.
//
// Lifecycle:
//   start()        the thread connects and loops: fetch a batch (Fetcher), then for each job: parse
//                  (JobRecord), find the handler, run it, record success or failure.
//   success        nothing is written: the job stays in the in-progress list until the next fetch
//                  acknowledges the whole batch (DEL) in the same round trip that takes more work.
//   failure        RetryHandler's commands plus the job's LREM in one script (retry or dead or dropped,
//                  and acknowledged, together; nothing at all if a key has the wrong type, e.g. `retry`
//                  is not a sorted set: the job then stays in the list and the write is retried every
//                  second).
//   no handler     handed back to the left end of its queue unchanged (LREM + LPUSH in one script),
//                  not counted; a queue holding only such jobs is backed off (UnhandledClasses.h).
//                  With failUnknownClasses: a failure with NameError, like Sidekiq's constantize.
//   unloadable     a job string Ruby could not parse goes to `dead` unchanged, uncounted.
//   requestStop()  (quiet or stop) the current job finishes; jobs fetched but not started go back to
//                  their queue (right end); the list is acknowledged; the thread ends.
//   abandon()      (stop() timed out) the thread is left to finish on its own: the Launcher has pushed
//                  its jobs back, so whatever the handler does afterwards is not written anywhere.
//
// Batch size adapts to job duration: about 2 ms of work per fetch (an average of recent jobs), between
// 1 and fetchBatchMax. A batch is never held long: once 20 ms have passed since it was fetched, the
// jobs not started yet go back to their queue so idle threads can take them.
//
// Redis errors: a failed fetch is logged once per outage and retried every second (processor.rb
// handle_fetch_exception). Since a fetch whose reply was lost may have moved jobs into the list, the
// next successful fetch first pushes whatever the list holds back to the queues (at-least-once).
// Writes that must happen (a failure's retry, a requeue) are retried until they succeed or hardStop.

#include "redis/Client.h"
#include "worker/Fetcher.h"
#include "worker/PoolContext.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiq::worker {

class Processor : public std::enable_shared_from_this<Processor> {
public:
    Processor(std::shared_ptr<PoolContext> context, int index);
    ~Processor();

    void start();
    void requestStop();
    bool finished() const { return m_finished.load(); }
    // Waits until the thread has ended or the deadline passed; true if it ended (and was joined).
    bool waitFinished(std::chrono::steady_clock::time_point deadline);

    // The jobs this thread still holds (the running one first, then the unstarted rest of the batch).
    std::vector<UnitOfWork> heldJobs() const;
    void abandon(); // see the header comment; detaches the thread
    int index() const { return m_index; }
    const std::string& threadId() const { return m_threadId; }
    std::string inProgressKey() const;
    std::string describe() const; // one line for TTIN: state, current job, how long it has run
    // The server's id of this thread's connection (CLIENT ID), -1 if unknown: stop() sends
    // CLIENT UNBLOCK so an idle thread does not sit out its 2 s BLMOVE.
    long long connectionId() const { return m_connectionId.load(); }

private:
    void run(std::stop_token stop);
    void processBatch(redis::Client& client, Fetcher& fetcher, std::vector<UnitOfWork> batch, std::stop_token stop);
    // Returns false when the job was interrupted by shutdown (it stays held, to be requeued).
    bool process(redis::Client& client, Fetcher& fetcher, const UnitOfWork& work);
    void handBack(Fetcher& fetcher, const UnitOfWork& work, const std::string& className);
    // A replayed job's run ended: its outcome goes to the replay journal (WorkerOptions::replayJournal).
    void noteReplayOutcome(const sidekiq::JobRecord& job, const std::optional<JobFailure>& failure);
    bool writeWithRetry(const char* what, const std::function<void()>& write);
    std::size_t targetBatch() const;

    std::shared_ptr<PoolContext> m_ctx;
    const int m_index;
    const std::string m_threadId;
    std::jthread m_thread;
    std::atomic<bool> m_finished {false};
    std::atomic<bool> m_abandoned {false};
    std::atomic<bool> m_dirty {false};
    std::atomic<long long> m_connectionId {-1}; // the list may hold jobs we cannot account for: never DEL it blindly
    RetryHandler m_retry;
    double m_avgJobSeconds = -1; // exponential moving average

    mutable std::mutex m_heldMutex;
    std::vector<UnitOfWork> m_held; // current batch from m_heldFrom on
    std::size_t m_heldFrom = 0;
    std::chrono::steady_clock::time_point m_currentStart;
    std::string m_currentLabel;
    std::mutex m_finishMutex;
    std::condition_variable m_finishCv;
};

// True if Ruby's JSON.parse (Sidekiq.load_json) could not load this job: not JSON, not an object,
// invalid UTF-8, nested deeper than 100.
bool isUnloadable(const sidekiq::JobRecord& job);

} // namespace kiq::worker
