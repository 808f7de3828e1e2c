#include "sidekiq/api/Processes.h"

#include "sidekiq/model/Keys.h"

#include <algorithm>

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr const char* kFields[] = {"info", "busy", "beat", "quiet", "rss", "rtt_us", "concurrency"};

std::optional<std::string> field(const redis::Reply& r)
{
    if (r.isNil() || r.isError()) return std::nullopt;
    return r.asString();
}
} // namespace

redis::Command heartbeatRead(const std::string& identity)
{
    Command c("HMGET");
    c.key(identity);
    for (const char* f : kFields) c.arg(std::string_view(f));
    return c;
}

ProcessList parseProcesses(const std::vector<std::string>& identities, const redis::Reply* replies)
{
    ProcessList out;
    for (std::size_t i = 0; i < identities.size(); ++i) {
        const auto& values = replies[i].throwIfError().asArray();
        if (values.empty() || values[0].isNil()) {
            out.expired.push_back(identities[i]);
            continue;
        }
        ProcessFields f;
        f.identity = identities[i];
        f.info = field(values[0]);
        f.busy = field(values[1]);
        f.beat = field(values[2]);
        f.quiet = field(values[3]);
        f.rss = field(values[4]);
        f.rttUs = field(values[5]);
        f.concurrency = field(values[6]);
        out.live.push_back(ProcessRecord::parse(f));
    }
    return out;
}

ProcessList listProcesses(redis::Client& client)
{
    auto identities = client.command(Command("SMEMBERS").key(keys::kProcesses)).asStringList();
    std::sort(identities.begin(), identities.end());
    if (identities.empty()) return {};
    std::vector<Command> cmds;
    for (const auto& id : identities) cmds.push_back(heartbeatRead(id));
    const auto replies = client.pipeline(cmds);
    return parseProcesses(identities, replies.data());
}

std::vector<BusyJob> listBusyJobs(redis::Client& client, const std::vector<std::string>& identities)
{
    std::vector<Command> cmds;
    for (const auto& id : identities) {
        cmds.push_back(Command("HGETALL").key(keys::work(id)));
        cmds.push_back(Command("HGETALL").key(keys::workersLegacy(id)));
    }
    const auto replies = client.pipeline(cmds);
    // Polled every few seconds for every busy job: backtraces are decoded only for the one shown.
    JobParseOptions options;
    options.decodeBacktrace = false;
    std::vector<BusyJob> out;
    for (std::size_t i = 0; i < identities.size(); ++i) {
        for (int which = 0; which < 2; ++which) {
            const auto& r = replies[2 * i + std::size_t(which)];
            if (r.isError()) continue; // a wrong key type here must not hide the other processes' jobs
            const auto& kv = r.asArray();
            for (std::size_t k = 0; k + 1 < kv.size(); k += 2)
                out.push_back(
                    {identities[i], WorkRecord::parse(kv[k].asString(), kv[k + 1].asString(), options), std::nullopt});
        }
    }
    return out;
}

void attachIterations(redis::Client& client, std::vector<BusyJob>& busy)
{
    std::vector<std::string> jids;
    for (const auto& b : busy) jids.push_back(b.work.payload.jid);
    auto states = readIterations(client, jids);
    for (std::size_t i = 0; i < busy.size(); ++i)
        busy[i].iteration = busy[i].work.payload.jid.empty() ? std::nullopt : std::move(states[i]);
}

void signalProcess(redis::Client& client, write::WriteGate& gate, const std::string& identity, ProcessSignal signal)
{
    const char* name = signal == ProcessSignal::Quiet ? "TSTP" : "TERM";
    gate.perform({signal == ProcessSignal::Quiet ? "quiet" : "stop", identity, 1, {}, {}}, [&] {
        client.transaction({Command("LPUSH").key(keys::signalList(identity)).arg(std::string_view(name)),
            Command("EXPIRE").key(keys::signalList(identity)).arg(60)});
        return write::WriteOutcome {1, {}};
    });
}

} // namespace kiq::sidekiq
