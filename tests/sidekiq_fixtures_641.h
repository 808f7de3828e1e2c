#pragma once

// Payloads captured from the Debian ruby-sidekiq 6.4.1 gem (lib/ identical to tag v6.4.1) running
// against a scratch redis-server 7.0: jobs pushed with perform_async / Client.push, then processed
// by `sidekiq -c 3 -g mytag -q default,2 -q critical,3 -q low`. The job classes were:
//   HardJob     sidekiq_options backtrace: 3, tags: ["t1"]; raises ArgumentError
//   FullBtJob   sidekiq_options backtrace: true, retry: 2, queue: "critical"; raises RuntimeError
//   NoRetryJob  sidekiq_options retry: 0; raises RuntimeError
//   SlowJob     sleeps n seconds
// The definitions (sidekiq_fixtures_641.cpp) are byte-exact copies of what Redis held; they live
// in a .cpp of their own because moc 6.4 mis-tokenises raw strings containing \" .

#include <string_view>

namespace fixtures641 {
// LRANGE queue:default — HardJob.perform_async(1, "x") with sidekiq_options backtrace: 3, tags: ["t1"]
extern const std::string_view kQueuedHardJob;
// LRANGE queue:default — NoRetryJob (sidekiq_options retry: 0)
extern const std::string_view kQueuedNoRetryJob;
// LRANGE queue:critical — FullBtJob.perform_async({"k"=>[1,2.5,nil,true]}, "unicode ü €"), retry: 2, backtrace: true
extern const std::string_view kQueuedFullBtJob;
// LRANGE queue:low — Sidekiq::Client.push("class" => "StringClassJob", "args" => [], "queue" => "low")
extern const std::string_view kQueuedStringClassJob;
// ZRANGE schedule — SlowJob.perform_in(3600, 7): no enqueued_at; score as stored
extern const std::string_view kScheduledSlowJob;
extern const std::string_view kScheduledSlowJobScore;
// ZRANGE retry after the first failure (failed_at, retry_count 0, error_backtrace 3 lines, encode64 with newlines)
extern const std::string_view kRetryHardJobFirstFailure;
// ZRANGE retry after the first failure of a class that cannot be loaded (NameError, no backtrace option)
extern const std::string_view kRetryStringClassJobFirstFailure;
// ZRANGE retry after later failures: retry_count 5, retried_at appended after error_backtrace
extern const std::string_view kRetryHardJobLater;
// ZRANGE dead — retry: 0 goes straight to the morgue
extern const std::string_view kDeadNoRetryJob;
// ZRANGE dead — retries exhausted (retry: 2), full backtrace (backtrace: true)
extern const std::string_view kDeadFullBtJob;
// The process heartbeat hash vm:4994:9daa76d8cf82 (HGETALL)
extern const std::string_view kProcessIdentity;
extern const std::string_view kProcess_info;
extern const std::string_view kProcess_busy;
extern const std::string_view kProcess_beat;
extern const std::string_view kProcess_quiet;
extern const std::string_view kProcess_rss;
extern const std::string_view kProcess_rtt_us;
// HGETALL vm:4994:9daa76d8cf82:workers while SlowJob.perform_async(20) ran (≤ 6.4.1 key name)
extern const std::string_view kWorkersThreadId;
extern const std::string_view kWorkersValue;
} // namespace fixtures641
