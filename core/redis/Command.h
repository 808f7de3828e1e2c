#pragma once
// A command under construction. Arguments added with key() are Redis keys: the client applies the
// connection's namespace prefix to them and routes Cluster commands by them, so neither concern is
// spread through the code that builds commands.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redis {

class Command {
public:
    Command() = default;
    explicit Command(std::string_view name)
    {
        m_args.reserve(4); // most commands have a few arguments: one allocation instead of three
        m_args.emplace_back(name);
    }
    // Convenience for commands without keys that need no namespacing: Command::raw({"PING"}).
    static Command raw(std::vector<std::string> args);

    Command& arg(std::string_view value);
    Command& arg(long long value);
    Command& arg(int value) { return arg(static_cast<long long>(value)); }
    Command& arg(double value); // as Ruby Float#to_s writes it (util::formatRubyFloat)
    Command& key(std::string_view key);
    template <typename Range> Command& args(const Range& values)
    {
        for (const auto& v : values) arg(std::string_view(v));
        return *this;
    }
    template <typename Range> Command& keys(const Range& values)
    {
        for (const auto& v : values) key(std::string_view(v));
        return *this;
    }

    const std::vector<std::string>& argv() const { return m_args; }
    bool isKey(std::size_t position) const;
    const std::string& name() const { return m_args.front(); }
    bool empty() const { return m_args.empty(); }

    // The first key, or empty when the command has none (used for Cluster routing).
    std::string_view firstKey() const;

    // RESP bytes. appendResp puts `keyPrefix` in front of every key while formatting, so namespacing
    // costs no copy of the command.
    std::string toResp() const;
    void appendResp(std::string& out, const std::string& keyPrefix = {}) const;
    std::string debugString() const; // for logs: the name and argument count, never argument values

private:
    std::vector<std::string> m_args;
    // Which arguments are keys: a bitmask for the first 64 (no allocation for ordinary commands),
    // a list beyond that (MGET or DEL of many keys).
    std::uint64_t m_keyMask = 0;
    std::vector<std::size_t> m_farKeys;
};

} // namespace kiq::redis
