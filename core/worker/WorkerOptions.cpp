#include "worker/WorkerOptions.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace kiq::worker {

const char* logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return "DEBUG";
    case LogLevel::Info:
        return "INFO";
    case LogLevel::Warn:
        return "WARN";
    case LogLevel::Error:
        return "ERROR";
    }
    return "INFO";
}

std::optional<LogLevel> parseLogLevel(std::string_view name)
{
    std::string lower;
    for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "debug") return LogLevel::Debug;
    if (lower == "info") return LogLevel::Info;
    if (lower == "warn" || lower == "warning") return LogLevel::Warn;
    if (lower == "error") return LogLevel::Error;
    return std::nullopt;
}

void QueueList::add(std::string_view spec)
{
    // cli.rb: `queue, weight = arg.split(",")`; parse_queue: [weight.to_i, 1].max copies,
    // strict = false when weight.to_i > 0.
    std::string_view name = spec;
    std::string_view weightText;
    if (const auto comma = spec.find(','); comma != std::string_view::npos) {
        name = spec.substr(0, comma);
        weightText = spec.substr(comma + 1);
    }
    if (name.empty()) throw ConfigError("empty queue name in '" + std::string(spec) + "'");
    int weight = 0;
    if (!weightText.empty()) {
        const auto [end, ec] = std::from_chars(weightText.data(), weightText.data() + weightText.size(), weight);
        if (ec != std::errc() || end != weightText.data() + weightText.size() || weight < 0)
            throw ConfigError("queue weight must be a non-negative integer: '" + std::string(spec) + "'");
    }
    if (std::find(m_expanded.begin(), m_expanded.end(), name) != m_expanded.end())
        throw ConfigError("queues: " + std::string(name) + " cannot be defined twice");
    for (int i = 0; i < std::max(weight, 1); ++i) m_expanded.emplace_back(name);
    if (weight > 0) m_strict = false;
}

QueueList QueueList::parse(const std::vector<std::string>& specs)
{
    QueueList list;
    for (const auto& s : specs) list.add(s);
    return list;
}

std::vector<std::string> QueueList::unique() const
{
    std::vector<std::string> out;
    for (const auto& q : m_expanded)
        if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
    return out;
}

std::vector<std::string> QueueList::fetchOrder(std::mt19937_64& rng) const
{
    if (m_strict) return unique();
    // fetch.rb queues_cmd: shuffle, then uniq (keeps the first occurrence).
    std::vector<std::string> shuffled = m_expanded;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::vector<std::string> out;
    for (auto& q : shuffled)
        if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(std::move(q));
    return out;
}

} // namespace kiq::worker
