#pragma once
// Interned strings for the job index: class names, queues, error classes and normalised error
// messages repeat across thousands of jobs, so each entry stores a 4-byte id instead of the text.
// Append-only: ids stay valid for the life of the index (a string no entry uses any more is kept;
// the cost is bounded by the number of distinct values ever seen).
//
// The writer side (intern) belongs to the refresh thread; views are published with the snapshot.

#include "sidekiq/search/JobIndexTable.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kiq::sidekiq {

using JobIndexStringView = JobIndexTableView<std::string>;

class JobIndexStrings {
public:
    std::uint32_t intern(std::string_view text)
    {
        m_probe.assign(text);
        if (const auto it = m_ids.find(m_probe); it != m_ids.end()) return it->second;
        const std::uint32_t id = m_table.append(m_probe);
        m_ids.emplace(m_probe, id);
        if (text.size() > 15) m_bytes += 2 * (text.size() + 1); // beyond the small-string buffer
        return id;
    }
    const std::string& operator[](std::uint32_t id) const { return m_table[id]; }
    std::size_t size() const { return m_table.size(); }
    JobIndexStringView publish() { return m_table.publish(); }

    // Bytes held, roughly (the text twice: table and lookup map, plus node overhead).
    std::size_t memoryBytes() const { return m_bytes + m_table.size() * (2 * sizeof(std::string) + 48); }

private:
    JobIndexTable<std::string> m_table;
    std::unordered_map<std::string, std::uint32_t> m_ids;
    std::string m_probe; // reused for lookups, so a hit costs no allocation for short strings
    std::size_t m_bytes = 0;
};

} // namespace kiq::sidekiq
