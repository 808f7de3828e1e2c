// stats, queues, processes, clients, quiet, stop, history.
#include "Commands.h"

#include "ExitCode.h"
#include "server/ClientCensus.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/Timestamp.h"
#include "storage/SampleHistory.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <iostream>

namespace kiq::cli {

using namespace kiq::sidekiq;

namespace {
QJsonObject queueJson(const QueueSummary& q)
{
    QJsonObject o {{"name", QString::fromStdString(q.name)}, {"size", q.size}, {"latency", q.latencySeconds},
        {"paused", q.paused}};
    if (!q.error.empty()) o["error"] = QString::fromStdString(q.error);
    return o;
}

int runStats(CliContext& ctx)
{
    StatsReader reader;
    const StatsSnapshot s = reader.read(ctx.client());
    if (ctx.json) {
        QJsonArray queues;
        for (const auto& q : s.queues) queues.append(queueJson(q));
        ctx.printJson(QJsonObject {{"processed", s.processed}, {"failed", s.failed}, {"enqueued", s.enqueued},
            {"scheduled", s.scheduledSize}, {"retries", s.retrySize}, {"dead", s.deadSize},
            {"processes", s.processesSize}, {"busy", s.workersSize}, {"default_latency", s.defaultQueueLatency},
            {"queues", queues}});
        return Ok;
    }
    std::printf("processed  %lld\nfailed     %lld\nenqueued   %lld\nscheduled  %lld\nretries    %lld\ndead       %lld\n"
                "processes  %lld\nbusy       %lld\nlatency    %s (default queue)\n",
        s.processed, s.failed, s.enqueued, s.scheduledSize, s.retrySize, s.deadSize, s.processesSize, s.workersSize,
        formatAge(s.defaultQueueLatency).c_str());
    return Ok;
}

int runQueues(CliContext& ctx)
{
    StatsReader reader;
    const StatsSnapshot s = reader.read(ctx.client());
    if (ctx.json) {
        QJsonArray queues;
        for (const auto& q : s.queues) queues.append(queueJson(q));
        ctx.printJson(queues);
        return Ok;
    }
    std::printf("%-30s %12s %12s %s\n", "QUEUE", "SIZE", "LATENCY", "");
    for (const auto& q : s.queues)
        std::printf("%-30s %12lld %12s %s\n", truncate(q.name, 30).c_str(), q.size, formatAge(q.latencySeconds).c_str(),
            !q.error.empty() ? q.error.c_str()
                : q.paused   ? "paused"
                             : "");
    return Ok;
}

int runProcesses(CliContext& ctx)
{
    const ProcessList list = listProcesses(ctx.client());
    const double now = Timestamp::now().seconds();
    if (ctx.json) {
        QJsonArray out;
        for (const auto& p : list.live) {
            QJsonArray queues;
            for (const auto& q : p.queues) queues.append(QString::fromStdString(q));
            out.append(QJsonObject {{"identity", QString::fromStdString(p.identity)},
                {"hostname", QString::fromStdString(p.hostname)}, {"pid", qint64(p.pid)},
                {"tag", QString::fromStdString(p.tag)}, {"version", QString::fromStdString(p.versionLabel())},
                {"concurrency", qint64(p.concurrency.value_or(0))}, {"busy", qint64(p.busy)}, {"quiet", p.quiet},
                {"rss_kb", qint64(p.rssKb)}, {"beat", p.beat.value_or(0)}, {"stale", p.isStale(now)},
                {"queues", queues}});
        }
        for (const auto& id : list.expired)
            out.append(QJsonObject {{"identity", QString::fromStdString(id)}, {"expired", true}});
        ctx.printJson(out);
        return Ok;
    }
    std::printf("%-44s %-8s %5s %5s %8s %-10s %s\n", "IDENTITY", "VERSION", "BUSY", "CONC", "RSS MB", "BEAT", "STATE");
    for (const auto& p : list.live) {
        const std::string beat = p.beat ? formatAge(now - *p.beat) + " ago" : "never";
        const char* state = p.isStale(now) ? "STALE" : p.quiet ? "quiet" : "running";
        std::printf("%-44s %-8s %5lld %5lld %8lld %-10s %s\n", truncate(p.identity, 44).c_str(),
            p.versionLabel().c_str(), static_cast<long long>(p.busy), static_cast<long long>(p.concurrency.value_or(0)),
            static_cast<long long>(p.rssKb / 1024), beat.c_str(), state);
    }
    for (const auto& id : list.expired) std::printf("%-44s heartbeat expired (crashed?)\n", truncate(id, 44).c_str());
    return Ok;
}

// Who holds the server's connections, by host and client library (server/ClientCensus.h).
int runClients(CliContext& ctx)
{
    const auto census = kiq::server::readClientCensus(ctx.client());
    const auto label = [](const kiq::server::ClientIdentity& id) {
        if (id.kiqdesk && id.library.empty()) return std::string("kiqdesk");
        if (id.library.empty()) return std::string("not identified");
        return id.libraryVersion.empty() ? id.library : id.library + " " + id.libraryVersion;
    };
    if (ctx.json) {
        QJsonArray groups;
        for (const auto& g : census.groups) {
            QJsonArray names;
            for (const auto& n : g.names) names.append(QString::fromStdString(n));
            groups.append(QJsonObject {{"host", QString::fromStdString(g.host)},
                {"library", QString::fromStdString(g.identity.library)},
                {"library_version", QString::fromStdString(g.identity.libraryVersion)},
                {"sidekiq_version", QString::fromStdString(g.identity.sidekiqVersion)},
                {"identified", g.identity.identified()}, {"kiqdesk", g.identity.kiqdesk},
                {"connections", g.connections}, {"blocked", g.blocked}, {"oldest_age", g.oldestAgeSeconds},
                {"names", names}, {"distinct_names", g.distinctNames}});
        }
        QJsonObject versions;
        for (const auto& [version, n] : census.bySidekiqVersion) versions[QString::fromStdString(version)] = n;
        ctx.printJson(QJsonObject {{"connections", census.connections}, {"hosts", census.hosts},
            {"not_identified", census.notIdentified}, {"sidekiq_versions", versions}, {"groups", groups}});
        return Ok;
    }
    std::printf(
        "%-24s %-28s %-8s %7s %7s %-8s %s\n", "HOST", "CLIENT", "SIDEKIQ", "CONNS", "BLOCKED", "OLDEST", "NAMES");
    for (const auto& g : census.groups) {
        std::string names;
        for (const auto& n : g.names) names += (names.empty() ? "" : ", ") + n;
        if (g.distinctNames > static_cast<long long>(g.names.size()))
            names += " +" + std::to_string(g.distinctNames - static_cast<long long>(g.names.size())) + " more";
        std::printf("%-24s %-28s %-8s %7lld %7lld %-8s %s\n", truncate(g.host, 24).c_str(),
            truncate(label(g.identity), 28).c_str(), g.identity.sidekiqVersion.c_str(), g.connections, g.blocked,
            formatAge(double(g.oldestAgeSeconds)).c_str(), names.c_str());
    }
    std::printf("%lld connection%s from %lld host%s", census.connections, census.connections == 1 ? "" : "s",
        census.hosts, census.hosts == 1 ? "" : "s");
    for (const auto& [version, n] : census.bySidekiqVersion) std::printf(", Sidekiq %s: %lld", version.c_str(), n);
    if (census.notIdentified > 0) std::printf(", not identified: %lld", census.notIdentified);
    std::printf("\n");
    return Ok;
}

int runSignal(CliContext& ctx, const std::vector<std::string>& identities, bool all, ProcessSignal signal)
{
    ctx.requireWritable();
    std::vector<std::string> targets = identities;
    const ProcessList list = listProcesses(ctx.client());
    if (all)
        for (const auto& p : list.live) targets.push_back(p.identity);
    if (targets.empty()) {
        std::cerr << "name a process identity (see `kiqdesk-cli processes`) or pass --all\n";
        return Usage;
    }
    int code = Ok;
    for (const auto& id : targets) {
        const bool known
            = std::any_of(list.live.begin(), list.live.end(), [&](const ProcessRecord& p) { return p.identity == id; });
        if (!known) {
            std::cerr << "no live process '" << id << "'\n";
            code = NotFound;
            continue;
        }
        signalProcess(ctx.client(), ctx.gate(), id, signal);
        std::cerr << (signal == ProcessSignal::Quiet ? "quiet" : "stop") << " sent to " << id
                  << " (it acts at its next heartbeat)\n";
    }
    return code;
}

// The Overview's samples kept on this machine (storage/SampleHistory), read without touching Redis:
// the same key as the desktop app, so a deployment reached the same way shows the same history.
int runHistory(CliContext& ctx, double hours)
{
    const kiq::storage::SampleHistory history;
    if (!history.isOpen()) {
        std::cerr << "error: cannot open the chart history " << kiq::storage::SampleHistory::defaultFile().toStdString()
                  << ": " << history.error().toStdString() << "\n";
        return Refused;
    }
    const auto key = QString::fromStdString(ctx.client().options().describe());
    const auto samples = history.load(key, Timestamp::now().seconds() - hours * 3600);
    if (ctx.json) {
        QJsonArray rows;
        for (const auto& s : samples)
            rows.append(QJsonObject {{"time", s.takenAt}, {"processed", s.processed}, {"failed", s.failed},
                {"enqueued", s.enqueued}, {"busy", s.busy}, {"used_memory", s.usedMemory},
                {"ops_per_sec", s.opsPerSec}});
        ctx.printJson(rows);
        return Ok;
    }
    if (samples.empty()) {
        std::printf("no samples of %s in the last %g h (the desktop app records them while its Overview is open)\n",
            key.toStdString().c_str(), hours);
        return Ok;
    }
    std::printf(
        "%-19s %12s %10s %10s %6s %12s %8s\n", "time", "processed", "failed", "enqueued", "busy", "memory", "ops/s");
    for (const auto& s : samples)
        std::printf("%-19s %12lld %10lld %10lld %6lld %12lld %8lld\n", formatTime(s.takenAt).c_str(), s.processed,
            s.failed, s.enqueued, s.busy, s.usedMemory, s.opsPerSec);
    return Ok;
}
} // namespace

void addInfoCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* history = app.add_subcommand("history", "The Overview's samples this machine kept (no Redis command)");
    auto hours = std::make_shared<double>(24);
    history->add_option("--hours", *hours, "How far back, in hours (default 24)")->check(CLI::PositiveNumber);
    history->callback([&ctx, &exitCode, hours] { exitCode = runHistory(ctx, *hours); });
    app.add_subcommand("stats", "Counters, set sizes, busy workers and default-queue latency")->callback([&] {
        exitCode = runStats(ctx);
    });
    app.add_subcommand("queues", "Queues with size and latency")->callback([&] { exitCode = runQueues(ctx); });
    app.add_subcommand("processes", "Sidekiq processes (ours and real Sidekiq's), stale ones flagged")->callback([&] {
        exitCode = runProcesses(ctx);
    });
    app.add_subcommand("clients",
           "Who holds the Redis connections: CLIENT LIST by host and client library, with the Sidekiq version a "
           "client states (Sidekiq 8.1.5+ on Redis 7.2+)")
        ->callback([&] { exitCode = runClients(ctx); });
    for (auto signal : {ProcessSignal::Quiet, ProcessSignal::Stop}) {
        const bool quiet = signal == ProcessSignal::Quiet;
        auto* cmd = app.add_subcommand(
            quiet ? "quiet" : "stop", quiet ? "Ask processes to stop fetching new jobs" : "Ask processes to shut down");
        auto ids = std::make_shared<std::vector<std::string>>();
        auto all = std::make_shared<bool>(false);
        cmd->add_option("identity", *ids, "Process identity (repeatable)");
        cmd->add_flag("--all", *all, "Every live process");
        cmd->callback([&ctx, &exitCode, ids, all, signal] { exitCode = runSignal(ctx, *ids, *all, signal); });
    }
}

} // namespace kiq::cli
