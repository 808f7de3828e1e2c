#include "worker/PoolLog.h"

#include <algorithm>

namespace kiq::worker {

PoolLog::PoolLog(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1))
{
}

void PoolLog::append(LogLevel level, std::string_view text)
{
    PoolLogLine line {0, std::chrono::system_clock::now(), level, std::string(text)};
    std::lock_guard lock(m_mutex);
    line.seq = ++m_lastSeq;
    if (m_lines.size() == m_capacity) m_lines.pop_front();
    m_lines.push_back(std::move(line));
}

std::vector<PoolLogLine> PoolLog::since(std::uint64_t seq) const
{
    std::lock_guard lock(m_mutex);
    // Numbers are consecutive, so the first wanted line is found by arithmetic.
    if (m_lines.empty() || seq >= m_lastSeq) return {};
    const std::uint64_t first = m_lines.front().seq;
    const std::size_t skip = seq < first ? 0 : std::size_t(seq - first + 1);
    return {m_lines.begin() + std::ptrdiff_t(skip), m_lines.end()};
}

} // namespace kiq::worker
