#pragma once
// Which lines of `before` stay, go and come in `after` (a longest common subsequence), for showing an
// edit against its original: the replay dialog's arguments. Meant for texts of a few hundred lines;
// past kMaxCells of comparison it gives up finding common lines and shows all of `before` removed and all
// of `after` added, which is still a correct diff.

#include <cstddef>
#include <string>
#include <vector>

namespace kiq::util {

struct DiffLine {
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    std::string text;
};

inline constexpr std::size_t kMaxDiffCells = 4'000'000;

std::vector<DiffLine> lineDiff(const std::vector<std::string>& before, const std::vector<std::string>& after);

} // namespace kiq::util
