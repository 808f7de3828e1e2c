#include "Command.h"

#include "util/FloatFormat.h"

#include <hiredis.h>

#include <cmath>
#include <stdexcept>

namespace kiq::redis {

Command Command::raw(std::vector<std::string> args)
{
    Command c;
    c.m_args = std::move(args);
    return c;
}

Command& Command::arg(std::string_view value)
{
    m_args.emplace_back(value);
    return *this;
}

Command& Command::arg(long long value)
{
    m_args.push_back(std::to_string(value));
    return *this;
}

Command& Command::arg(double value)
{
    // Redis spells infinite scores "+inf"/"-inf", not Ruby's "Infinity".
    if (std::isinf(value)) return arg(std::string_view(value > 0 ? "+inf" : "-inf"));
    m_args.push_back(util::formatFloat(value));
    return *this;
}

Command& Command::key(std::string_view key)
{
    m_keyPositions.push_back(m_args.size());
    m_args.emplace_back(key);
    return *this;
}

Command Command::withKeyPrefix(const std::string& prefix) const
{
    if (prefix.empty() || m_keyPositions.empty()) return *this;
    Command c = *this;
    for (std::size_t pos : m_keyPositions) c.m_args[pos].insert(0, prefix);
    return c;
}

std::string_view Command::firstKey() const
{
    if (m_keyPositions.empty()) return {};
    return m_args[m_keyPositions.front()];
}

std::string Command::toResp() const
{
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(m_args.size());
    lens.reserve(m_args.size());
    for (const auto& a : m_args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    char* out = nullptr;
    int n = redisFormatCommandArgv(&out, int(argv.size()), argv.data(), lens.data());
    if (n < 0) throw std::bad_alloc();
    std::string resp(out, std::size_t(n));
    redisFreeCommand(out);
    return resp;
}

std::string Command::debugString() const
{
    if (m_args.empty()) return "(empty command)";
    return m_args.front() + " (" + std::to_string(m_args.size() - 1) + " args)";
}

} // namespace kiq::redis
