#pragma once
// What happens to a job that failed: Sidekiq 6.4.1's JobRetry (job_retry.rb; docs/sidekiq-data-model.md
// §4), as a pure decision plus the Redis commands that carry it out. The Processor runs the commands in
// one script together with the job's acknowledgement, so a crash or a key of the wrong type leaves the
// job either in progress or handled, never both and never neither.
//
// For a failed job:
//   queue          = retry_queue || the queue it was fetched from
//   error_message  = the message scrubbed to valid UTF-8 and cut to 10,000 characters; error_class
//   first failure  : failed_at = now, retry_count = 0; later: retried_at = now, retry_count += 1
//   error_backtrace: when the job has `backtrace` (true = all lines, N = the first N), strict base64
//                    of zlib JSON (BacktraceCodec; every Sidekiq version decodes it)
//   max            = `retry` if it is an integer, else maxRetries (25)
//   count < max    : ZADD retry <now + count**4 + 15 + rand(10)*(count+1)> payload
//   otherwise      : exhausted: dropped if `dead` is false, else the morgue (ZADD dead now, then
//                    ZREMRANGEBYSCORE dead -inf now-timeout, ZREMRANGEBYRANK dead 0 -maxJobs)
//   retry: false   : dropped (Sidekiq runs only the death handlers; the job is not put in `dead`)
//   retry: 0       : straight to `dead` (0 is truthy in Ruby)
//   retry missing  : the class's default (true) when a handler exists; dropped when the class is
//                    unknown (Sidekiq's global handler sees nil)
// Timestamps are written in the unit the job already uses: float seconds for 6/7 jobs, integer ms for
// Sidekiq 8 jobs. A job string that is not a JSON object goes to `dead` byte for byte (processor.rb).
// Other fields keep their exact bytes (PayloadEditor).

#include "redis/Command.h"
#include "sidekiq/model/DeadSet.h"
#include "sidekiq/model/JobRecord.h"
#include "worker/Handler.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::worker {

struct RetrySettings {
    int maxRetries = 25;
    sidekiq::DeadSetLimits dead;
};

struct FailureOutcome {
    enum class Kind { Retry, Dead, Dropped };
    Kind kind = Kind::Dropped;
    std::string payload; // as written to `retry` / `dead` (empty when dropped)
    double score = 0; // retry: when it runs next; dead: time of death (epoch seconds)
    std::int64_t retryCount = 0;
    std::vector<redis::Command> commands; // to run atomically (each command's key comes first)
    std::string reason; // for the log: "retry 3 in 113 s", "retries exhausted (25)", "retry: false"
};

const char* outcomeName(FailureOutcome::Kind kind); // "retry", "dead", "dropped"

// error_message as Sidekiq writes it: valid UTF-8, at most 10,000 characters.
std::string sidekiqErrorMessage(std::string_view message);

class RetryHandler {
public:
    explicit RetryHandler(RetrySettings settings, std::uint64_t seed = std::random_device {}());

    // A failure while running (or looking up) the job. `classKnown` is false when no handler exists.
    FailureOutcome onFailure(const sidekiq::JobRecord& job, std::string_view fetchedQueue, const JobFailure& failure,
        bool classKnown, double nowSeconds);
    // A job string Ruby's JSON.parse could not load: to `dead` unchanged.
    FailureOutcome unparseable(const std::string& raw, double nowSeconds) const;

    // ZADD dead + both trims, as DeadSet#kill does in one MULTI.
    std::vector<redis::Command> deadCommands(const std::string& payload, double nowSeconds) const;

    // count**4 + 15 + rand(10)*(count+1)
    double delayFor(std::int64_t count);

private:
    RetrySettings m_settings;
    std::mt19937_64 m_rng;
};

} // namespace kiq::worker
