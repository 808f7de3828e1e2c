#pragma once
// Items in one line for a message: "a, b, c".

#include <string>
#include <vector>

namespace kiq::util {

inline std::string joined(const std::vector<std::string>& items, const char* separator = ", ")
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

} // namespace kiq::util
