#include "sidekiq/api/IterableJobs.h"

#include <charconv>
#include <cmath>

namespace kiq::sidekiq {

namespace {
// iterable.rb's STATE_TTL: the state outlives an interrupted job by 30 days.
constexpr long long kStateTtlSeconds = 30 * 24 * 60 * 60;

template <typename T> std::optional<T> number(const std::string& text)
{
    T value {};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}
} // namespace

std::string iterationKey(const std::string& jid)
{
    return "it-" + jid;
}

std::vector<std::optional<IterationState>> readIterations(redis::Client& client, const std::vector<std::string>& jids)
{
    std::vector<redis::Command> reads;
    reads.reserve(jids.size());
    for (const auto& jid : jids) reads.push_back(redis::Command("HGETALL").key(iterationKey(jid)));
    std::vector<std::optional<IterationState>> out;
    out.reserve(jids.size());
    for (const auto& reply : client.pipeline(reads)) {
        const auto& fields = reply.throwIfError().asArray();
        if (fields.empty()) {
            out.push_back(std::nullopt);
            continue;
        }
        IterationState s;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            const std::string& name = fields[i].asString();
            const std::string& value = fields[i + 1].asString();
            // A field Sidekiq wrote differently is left at its default rather than failing the page.
            if (name == "ex")
                s.executions = number<long long>(value).value_or(0);
            else if (name == "c")
                s.cursor = value;
            else if (name == "rt")
                s.runtimeSeconds = number<double>(value).value_or(0);
            else if (name == "cancelled")
                s.cancelledAt = number<double>(value);
        }
        out.push_back(std::move(s));
    }
    return out;
}

double cancelIteration(redis::Client& client, write::WriteGate& gate, const std::string& jid, double now)
{
    double since = now;
    gate.perform({"cancel-iteration", iterationKey(jid), 1, {}, {jid}}, [&] {
        const std::string key = iterationKey(jid);
        const auto replies = client.transaction({
            redis::Command("HSETNX").key(key).arg(std::string_view("cancelled")).arg(std::llround(now)),
            redis::Command("HGET").key(key).arg(std::string_view("cancelled")),
            redis::Command("EXPIRE").key(key).arg(kStateTtlSeconds).arg(std::string_view("NX")),
        });
        since = number<double>(replies.at(1).throwIfError().asString()).value_or(now);
        const bool first = replies.at(0).throwIfError().integer == 1;
        return write::WriteOutcome {first ? 1 : 0, {}, first ? 0 : 1}; // skipped: it was cancelled already
    });
    return since;
}

} // namespace kiq::sidekiq
