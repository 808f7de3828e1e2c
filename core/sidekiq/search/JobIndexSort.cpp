#include "sidekiq/search/JobIndexSort.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kiq::sidekiq {

void jobIndexRadixSort(std::vector<std::uint32_t>& rows, std::vector<std::uint64_t>& keys)
{
    const std::size_t n = rows.size();
    if (n < 2) return;
    std::vector<std::uint32_t> rowsTmp(n);
    std::vector<std::uint64_t> keysTmp(n);
    std::vector<std::size_t> count(65536); // on the heap: worker threads may have small stacks
    for (unsigned shift = 0; shift < 64; shift += 16) {
        std::fill(count.begin(), count.end(), 0);
        for (std::size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & 0xFFFF];
        if (count[(keys[0] >> shift) & 0xFFFF] == n) continue; // every key has this digit
        std::size_t sum = 0;
        for (auto& c : count) {
            const std::size_t here = c;
            c = sum;
            sum += here;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t to = count[(keys[i] >> shift) & 0xFFFF]++;
            rowsTmp[to] = rows[i];
            keysTmp[to] = keys[i];
        }
        rows.swap(rowsTmp);
        keys.swap(keysTmp);
    }
}

std::uint64_t jobIndexDoubleKey(double value)
{
    if (std::isnan(value)) return 0;
    const auto bits = std::bit_cast<std::uint64_t>(value);
    // Negative numbers: flip everything (larger magnitude sorts first); positive: set the sign bit.
    return (bits >> 63) ? ~bits : bits | (std::uint64_t(1) << 63);
}

} // namespace kiq::sidekiq
