#pragma once
// Line by line through a server's text reply (INFO, CLIENT LIST): lines end in "\r\n" or "\n", and
// the last one may have no end at all.

#include <optional>
#include <string_view>
#include <utility>

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

// An INFO line's "field:value" split at its first colon; none for headers ("# Memory") and blank lines.
inline std::optional<std::pair<std::string_view, std::string_view>> infoField(std::string_view line)
{
    if (line.empty() || line.front() == '#') return std::nullopt;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return std::pair(line.substr(0, colon), line.substr(colon + 1));
}

// One field's value in INFO's text, for a reader that needs a figure or two (ServerInfo parses it all).
inline std::optional<std::string_view> infoValue(std::string_view text, std::string_view name)
{
    while (!text.empty())
        if (const auto field = infoField(nextLine(text)); field && field->first == name) return field->second;
    return std::nullopt;
}

} // namespace kiq::util
