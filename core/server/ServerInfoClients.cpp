#include "server/ServerInfoClients.h"

#include "util/ParseNumber.h"
#include "util/TextLines.h"

namespace kiq::server {

std::string ClientEntry::field(const std::string& name) const
{
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
}

std::optional<long long> ClientEntry::integerField(const std::string& name) const
{
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return util::parseInteger(it->second);
}

std::vector<ClientEntry> parseClientList(std::string_view text)
{
    std::vector<ClientEntry> out;
    while (!text.empty()) {
        std::string_view line = util::nextLine(text);
        if (line.empty()) continue;

        ClientEntry entry;
        while (!line.empty()) {
            const auto space = line.find(' ');
            const std::string_view pair = line.substr(0, space);
            line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos || eq == 0) continue;
            entry.fields.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
        }
        if (!entry.fields.empty()) out.push_back(std::move(entry));
    }
    return out;
}

} // namespace kiq::server
