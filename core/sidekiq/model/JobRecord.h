#pragma once

// One Sidekiq job as stored in Redis: a member of `queue:<name>`, `schedule`, `retry` or `dead`, or
// the payload of an in-progress work entry. Mirrors api.rb's JobRecord: parsing is forgiving, the
// raw string is always kept byte-exact (LREM/ZREM match exact bytes, docs/sidekiq-data-model.md §13),
// and a malformed entry is never dropped — it becomes a record with `parseError` set and whatever
// fields could be read. Parsing never throws for any input.
//
// Field formats per version are in docs/sidekiq-data-model.md §1. Timestamps accept both
// float seconds (6/7) and integer milliseconds (8.x).

#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/RetryPolicy.h"
#include "sidekiq/model/Timestamp.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {
// The `backtrace` option: how much of the backtrace the worker stores on failure.
struct BacktraceOption {
    enum class Kind : std::uint8_t {
        None, // absent, false or null
        All, // true
        Lines // integer N (Ruby: backtrace[0...N])
    };
    Kind kind = Kind::None;
    std::int64_t lines = 0;
};

struct JobParseOptions {
    // Decode error_backtrace (base64 + zlib + JSON) while parsing. Turn off when indexing many
    // payloads; call JobRecord::decodeBacktrace() later for the ones that are displayed.
    bool decodeBacktrace = true;
    // Code points kept in argsDisplay before "…".
    std::size_t argsDisplayChars = 200;
};

struct JobRecord {
    static JobRecord parse(std::string raw, const JobParseOptions& options = {});

    // The job exactly as read from Redis. Always set, whatever happened during parsing.
    std::string raw;
    // Empty when the payload was read completely; otherwise a description such as
    // "invalid JSON at byte 37: …", "invalid UTF-8 at byte 12", "payload is an array, expected
    // an object", "missing field 'jid'", "field 'args' is a string, expected an array" (several
    // problems are joined with "; ").
    std::string parseError;

    std::string className; // `class`
    std::string jid;
    std::string queue;
    std::string displayClass; // `display_class`, else `wrapped`, else the ActiveJob args[0] class, else `class`

    // `args` as raw JSON text (a slice of `raw`) and a short one-line form for lists:
    // the elements separated by ", " without the outer brackets, cut to argsDisplayChars.
    std::string_view argsJson() const { return std::string_view(raw).substr(argsSpan.begin, argsSpan.size()); }
    bool hasArgs = false;
    std::string argsDisplay;

    RetryPolicy retry; // Kind::Default when the key is missing
    bool hasRetryKey = false;

    std::optional<Timestamp> createdAt;
    std::optional<Timestamp> enqueuedAt;
    std::optional<Timestamp> at; // client input only; normally absent in Redis
    std::optional<std::int64_t> retryCount;
    std::optional<Timestamp> failedAt;
    std::optional<Timestamp> retriedAt;
    std::optional<std::string> errorClass;
    std::optional<std::string> errorMessage;

    // error_backtrace: the stored text (base64, or the raw JSON of an old-style array).
    std::optional<std::string> errorBacktraceEncoded;
    bool errorBacktraceIsArray = false;
    // Decoded lines (filled when JobParseOptions::decodeBacktrace is on and decoding worked).
    std::optional<std::vector<std::string>> errorBacktrace;
    // Why decoding failed; kept separate from parseError because the job itself is usable.
    std::string backtraceError;

    BacktraceOption backtrace;
    std::optional<std::string> retryQueue;
    std::optional<bool> dead;
    std::optional<std::int64_t> retryFor; // seconds (7.1.3+)
    std::vector<std::string> tags; // non-string tags as compact JSON text
    std::optional<std::string> wrapped;
    std::optional<std::string> bid;

    bool ok() const { return parseError.empty(); }
    bool hasError() const { return errorClass.has_value() || errorMessage.has_value(); }

    // Decodes errorBacktraceEncoded (lenient). Safe to call on any record.
    BacktraceCodec::Decoded decodeBacktrace() const;

    json::Span argsSpan; // where `args` is in `raw`
};

// The ActiveJob wrapper classes whose real class is in `wrapped` / args[0]
// (docs/sidekiq-data-model.md §1).
bool isActiveJobWrapper(std::string_view className);

// The JIDs of the first `max` payloads that have one: what an audit entry names, instead of payloads
// (their arguments may hold secrets).
std::vector<std::string> sampleJids(const std::vector<std::string>& payloads, std::size_t max);
} // namespace kiq::sidekiq
