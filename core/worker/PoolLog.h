#pragma once
// The last lines a local pool logged, for the app's log view: a bounded ring (the oldest lines drop
// out), each line numbered so a viewer can ask only for what it has not shown yet.
//
// Thread-safe: the pool's threads append while the GUI thread reads.

#include "worker/Log.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::worker {

struct PoolLogLine {
    std::uint64_t seq = 0; // 1, 2, … in the order appended
    std::chrono::system_clock::time_point time;
    LogLevel level = LogLevel::Info;
    std::string text;
};

class PoolLog {
public:
    explicit PoolLog(std::size_t capacity);

    void append(LogLevel level, std::string_view text);
    // Lines numbered after `seq`, oldest first (since(0): all that are kept).
    std::vector<PoolLogLine> since(std::uint64_t seq) const;
    std::size_t capacity() const { return m_capacity; }

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::deque<PoolLogLine> m_lines;
    std::uint64_t m_lastSeq = 0;
};

} // namespace kiq::worker
