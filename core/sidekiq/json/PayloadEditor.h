#pragma once

// Edits a job payload's top-level fields while keeping every other byte as it was: untouched
// members keep their exact text (number formatting, escapes, key order, whitespace), so the result
// differs from the input only where asked. Used for retry-now (decrement retry_count, as api.rb
// SortedEntry#retry does), enqueue (enqueued_at), recording a failure (error_*, failed_at /
// retried_at, retry_count, error_backtrace) and moving a job to another queue.
//
// Semantics: setting an existing key replaces its value in place (every occurrence, if the
// payload has duplicate keys); setting a new key appends it at the end, in the order of the calls;
// removing deletes every occurrence. The last call for a key wins.
//
//     PayloadEditor editor(raw);
//     if (!editor.ok()) return editor.error();
//     editor.setSeconds("enqueued_at", now);
//     std::string updated = editor.result();

#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/model/Timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {
class PayloadEditor {
public:
    explicit PayloadEditor(std::string payload);

    // False when the payload is not a valid JSON object; result() then returns it unchanged.
    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }

    bool has(std::string_view key) const;
    // The current raw JSON text of a field (after edits), or nullopt if absent.
    std::optional<std::string> rawValue(std::string_view key) const;
    // The current value as an integer, if it is an integer token (or a float with no fraction).
    std::optional<std::int64_t> intValue(std::string_view key) const;

    // `rawJson` must be one valid JSON value; returns false (and changes nothing) otherwise.
    bool set(std::string_view key, std::string_view rawJson);
    void setString(std::string_view key, std::string_view utf8);
    void setInt(std::string_view key, std::int64_t value);
    void setBool(std::string_view key, bool value);
    // Float epoch seconds in Ruby's format (`1700000000.5`); false for NaN/infinity.
    bool setSeconds(std::string_view key, double seconds);
    // Integer epoch milliseconds (Sidekiq 8).
    void setMillis(std::string_view key, std::int64_t millis);
    // In the timestamp's own unit.
    void setTimestamp(std::string_view key, const Timestamp& timestamp);
    void remove(std::string_view key);

    // The edited payload. Without edits this is exactly the input.
    std::string result() const;

    // api.rb SortedEntry#retry: `msg["retry_count"] -= 1 if msg["retry_count"]`. Returns false
    // when retry_count is present but not a number (Ruby would raise there too).
    bool decrementRetryCount();

private:
    struct Edit {
        std::string key;
        std::optional<std::string> value; // nullopt = remove
    };

    const Edit* findEdit(std::string_view key) const;
    void record(std::string_view key, std::optional<std::string> value);

    std::string m_payload;
    json::ObjectScan m_scan;
    std::string m_error;
    std::vector<Edit> m_edits;
};
} // namespace kiq::sidekiq
