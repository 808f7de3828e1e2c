#pragma once
// CLIENT LIST, parsed. Each line is "key=value" pairs separated by spaces; Redis refuses spaces in
// client names (CLIENT SETNAME), so splitting on spaces is exact. Every field is kept, because the
// set grows between Redis versions (laddr in 6.2, ssub in 7.0, ...); the common ones have accessors.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::server {

struct ClientEntry {
    std::map<std::string, std::string> fields;

    std::string field(const std::string& name) const; // "" when absent
    std::optional<long long> integerField(const std::string& name) const;

    long long id() const { return integerField("id").value_or(0); }
    std::string address() const { return field("addr"); }
    std::string name() const { return field("name"); }
    std::string user() const { return field("user"); } // Redis >= 6
    std::string flags() const { return field("flags"); }
    std::string lastCommand() const { return field("cmd"); }
    long long ageSeconds() const { return integerField("age").value_or(0); }
    long long idleSeconds() const { return integerField("idle").value_or(0); }
    int db() const { return static_cast<int>(integerField("db").value_or(0)); }
};

std::vector<ClientEntry> parseClientList(std::string_view text);

} // namespace kiq::server
