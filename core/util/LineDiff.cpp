#include "util/LineDiff.h"

#include <algorithm>
#include <cstdint>

namespace kiq::util {

std::vector<DiffLine> lineDiff(const std::vector<std::string>& before, const std::vector<std::string>& after)
{
    using Kind = DiffLine::Kind;
    std::vector<DiffLine> out;
    // Common first and last lines need no table: an edit usually touches a few lines in the middle.
    std::size_t head = 0;
    while (head < before.size() && head < after.size() && before[head] == after[head]) ++head;
    std::size_t tail = 0;
    while (tail < before.size() - head && tail < after.size() - head
        && before[before.size() - 1 - tail] == after[after.size() - 1 - tail])
        ++tail;
    for (std::size_t i = 0; i < head; ++i) out.push_back({Kind::Same, before[i]});
    const std::size_t n = before.size() - head - tail, m = after.size() - head - tail;
    const auto a = [&](std::size_t i) -> const std::string& { return before[head + i]; };
    const auto b = [&](std::size_t j) -> const std::string& { return after[head + j]; };
    if (n * m > kMaxDiffCells) {
        for (std::size_t i = 0; i < n; ++i) out.push_back({Kind::Removed, a(i)});
        for (std::size_t j = 0; j < m; ++j) out.push_back({Kind::Added, b(j)});
    } else {
        // lcs[i][j]: the longest common subsequence of a(i..) and b(j..).
        std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
        const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                at(i, j) = a(i) == b(j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        std::size_t i = 0, j = 0;
        while (i < n && j < m) {
            if (a(i) == b(j)) {
                out.push_back({Kind::Same, a(i)});
                ++i;
                ++j;
            } else if (at(i + 1, j) >= at(i, j + 1)) {
                out.push_back({Kind::Removed, a(i++)});
            } else {
                out.push_back({Kind::Added, b(j++)});
            }
        }
        for (; i < n; ++i) out.push_back({Kind::Removed, a(i)});
        for (; j < m; ++j) out.push_back({Kind::Added, b(j)});
    }
    for (std::size_t k = after.size() - tail; k < after.size(); ++k) out.push_back({Kind::Same, after[k]});
    return out;
}

} // namespace kiq::util
