#pragma once

// Builds a new job payload the way Sidekiq's client does (job_util.rb `normalize_item` plus
// client.rb `atomic_push`). It always writes `retry`, `queue`, `jid` and `created_at`
// (docs/sidekiq-data-model.md §13), in the key order Sidekiq produces for a string class:
//     {"retry":true,"queue":"default",<extras>,"class":"X","args":[…],"jid":"…","created_at":…,"enqueued_at":…}
// Timestamps default to float seconds, which every Sidekiq version reads; choose milliseconds only
// when every reader is Sidekiq 8 (7.x readers do not understand ms: docs/sidekiq-data-model.md §1).
//
//     JobBuilder builder("HardJob", R"([1,"x"])");
//     builder.setQueue("critical");
//     auto built = builder.build();
//     if (!built.ok()) … built.error …
//     // LPUSH queue:critical built.json

#include "sidekiq/model/RetryPolicy.h"
#include "sidekiq/model/Timestamp.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {
class JobBuilder {
public:
    struct Result {
        std::string json;
        std::string jid;
        std::string error; // empty on success; json is empty on error

        bool ok() const { return error.empty(); }
    };

    JobBuilder(std::string className, std::string argsJson);

    JobBuilder& setQueue(std::string queue); // default "default"
    JobBuilder& setRetry(RetryPolicy retry); // default true; Default is written as true
    JobBuilder& setJid(std::string jid); // default: a fresh random jid
    JobBuilder& setTimestampUnit(Timestamp::Unit unit); // default Seconds
    // The time used for created_at / enqueued_at; default: the clock at build().
    JobBuilder& setNow(Timestamp now);
    // Keep an existing created_at (e.g. when re-pushing a job).
    JobBuilder& setCreatedAt(Timestamp createdAt);
    // For the `schedule` set: no enqueued_at (the client pushes scheduled jobs without it;
    // the poller sets it when it moves the job to its queue).
    JobBuilder& setScheduled(bool scheduled);
    // An extra top-level field, written after "queue" (like a class's sidekiq_options).
    // Raw JSON text; validated in build(). Reserved keys (class, args, jid, queue, retry,
    // created_at, enqueued_at, at) are rejected — use the setters.
    JobBuilder& setExtraRaw(std::string key, std::string rawJson);
    JobBuilder& setExtraString(std::string key, std::string_view value);

    Result build() const;

    // 24 lowercase hex characters from the OS CSPRNG (OpenSSL RAND_bytes), like
    // SecureRandom.hex(12).
    static std::string generateJid();

private:
    std::string m_className;
    std::string m_argsJson;
    std::string m_queue = "default";
    RetryPolicy m_retry = RetryPolicy::always();
    std::string m_jid;
    Timestamp::Unit m_unit = Timestamp::Unit::Seconds;
    std::optional<Timestamp> m_now;
    std::optional<Timestamp> m_createdAt;
    bool m_scheduled = false;
    std::vector<std::pair<std::string, std::string>> m_extras;
};
} // namespace kiq::sidekiq
