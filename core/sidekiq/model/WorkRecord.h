#pragma once

// One entry of a process's in-progress hash: `<identity>:workers` up to 6.4.1, `<identity>:work`
// from 6.4.2 (launcher.rb heartbeat). Field = thread id (base-36), value = JSON
//     {"queue":"default","payload":"<the job JSON, as a string>","run_at":1700000000}
// processor.rb `stats` stores the raw job string it fetched, so `payload` is double-encoded in
// every version (checked against 6.4.1 output); api.rb's WorkSet (6.x) parses it into a hash for
// callers, 7.x/8.x Work#payload returns the string. An object-valued `payload` is accepted too
// (hand-written or third-party producers); its raw JSON text then becomes the JobRecord's raw.
// run_at is integer epoch seconds (Time.now.to_i) in every version.

#include "sidekiq/model/JobRecord.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiq::sidekiq {
struct WorkRecord {
    enum class PayloadForm : std::uint8_t {
        Missing,
        String, // what Sidekiq writes
        Object
    };

    static WorkRecord parse(std::string threadId, std::string_view value, const JobParseOptions& options = {});

    std::string threadId;
    std::string queue;
    std::optional<std::int64_t> runAt; // epoch seconds
    PayloadForm payloadForm = PayloadForm::Missing;
    JobRecord payload; // parsed job; check payload.parseError for problems in the job itself
    std::string parseError; // problems with the work entry's own JSON

    bool ok() const { return parseError.empty(); }
};
} // namespace kiq::sidekiq
