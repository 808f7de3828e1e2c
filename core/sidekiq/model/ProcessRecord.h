#pragma once

// One Sidekiq process as seen through its heartbeat hash `<identity>` (launcher.rb ❤ / api.rb
// ProcessSet#each). Read it with
//     HMGET <identity> info busy beat quiet rss rtt_us concurrency
// and pass the replies (nil → nullopt) in ProcessFields. Field formats (docs/sidekiq-data-model.md §6):
//   info        JSON, written once per process start (hostname, started_at, pid, tag, concurrency
//               up to 8.1.1, queues, labels, identity; version 7.0.2+; weights 7.0.2 (map) / 7.0.3+
//               (array of per-capsule maps); embedded 7.0.3+; capsules 8.0.9+)
//   busy, rss, rtt_us   integers as strings; rss in KB
//   beat        float epoch seconds as a string
//   quiet       "true" / "false"
//   concurrency hash field in 8.1.2+, which removed it from info
// Numeric fields are read like Ruby's to_i / to_f (lenient, 0 when unreadable). A missing or
// malformed info sets parseError; parsing never throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {
struct ProcessFields {
    std::string identity; // the member of `processes` (= the hash key, without namespace)
    std::optional<std::string> info;
    std::optional<std::string> busy;
    std::optional<std::string> beat;
    std::optional<std::string> quiet;
    std::optional<std::string> rss;
    std::optional<std::string> rttUs;
    std::optional<std::string> concurrency;
};

struct QueueWeight {
    std::string queue;
    std::int64_t weight = 0; // 0 = strict ordering (7.0.3+)

    bool operator==(const QueueWeight&) const = default;
};

// 8.0.9+ `capsules`: {name: {concurrency, mode, weights}}.
struct ProcessCapsule {
    std::string name;
    std::int64_t concurrency = 0;
    std::string mode; // "strict", "random" or "weighted"
    std::vector<QueueWeight> weights;
};

struct ProcessRecord {
    static ProcessRecord parse(const ProcessFields& fields);

    std::string identity;
    std::string hostname;
    std::int64_t pid = 0;
    std::string tag;
    std::vector<std::string> labels;
    std::vector<std::string> queues;
    std::vector<std::vector<QueueWeight>> weights; // one list per capsule (7.0.2's map gives one)
    std::vector<ProcessCapsule> capsules;
    std::optional<std::int64_t> concurrency; // the hash field (8.1.2+) wins over info's
    std::string version; // empty before 7.0.2
    std::optional<bool> embedded;
    std::optional<double> startedAt; // float epoch seconds
    std::optional<double> beat; // float epoch seconds
    std::int64_t busy = 0;
    bool quiet = false;
    std::int64_t rssKb = 0;
    std::optional<std::int64_t> rttUs;

    std::string parseError; // empty when info was read completely

    bool ok() const { return parseError.empty(); }
    // `version`, or an inferred label when info has none: "6.x or older". (7.0.0 and 7.0.1 do
    // not write it either; nothing else in info tells them from 6.x.)
    std::string versionLabel() const;
    // No heartbeat within `thresholdSeconds` (the hash has a 60 s TTL and beats every 5 s in
    // 6.x, 10 s in 7.0+). A record without a beat is stale.
    bool isStale(double nowSeconds, double thresholdSeconds = 60.0) const;
};

// The `processes` set as read: every member with a heartbeat hash, and those whose hash has expired.
struct ProcessList {
    std::vector<ProcessRecord> live;
    // Members of `processes` whose heartbeat hash has expired (a crashed process Sidekiq has not
    // cleaned up yet). Shown, never silently dropped.
    std::vector<std::string> expired;
};

// Ruby's String#to_i / #to_f: optional leading whitespace, sign, digits; 0 when none.
std::int64_t rubyToI(std::string_view text);
double rubyToF(std::string_view text);
} // namespace kiq::sidekiq
