#pragma once
// Line by line through a server's text reply (INFO, CLIENT LIST): lines end in "\r\n" or "\n", and
// the last one may have no end at all.

#include <string_view>

namespace kiq::util {

// The first line of `text` without its line end; `text` moves past it.
inline std::string_view nextLine(std::string_view& text)
{
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

} // namespace kiq::util
