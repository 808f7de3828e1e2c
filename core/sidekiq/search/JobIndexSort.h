#pragma once
// Stable ordering of index rows by a 64-bit key in linear time (LSD radix sort, 16-bit digits,
// passes whose digit is the same for every key are skipped). A million rows sort in a few
// milliseconds, where std::sort on (key, row) pairs takes tens; stability keeps score order among
// equal keys, which is what a list sorted by class or queue should show.

#include <cstdint>
#include <vector>

namespace kiq::sidekiq {

// Sorts `rows` by `keys` (same length, keys[i] belongs to rows[i]) ascending, stably. Both
// vectors are reordered.
void jobIndexRadixSort(std::vector<std::uint32_t>& rows, std::vector<std::uint64_t>& keys);

// Order-preserving map of a double to an unsigned key (NaN first, then -inf … +inf).
std::uint64_t jobIndexDoubleKey(double value);

} // namespace kiq::sidekiq
