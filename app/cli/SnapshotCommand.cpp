// snapshot: the incident snapshot (health/IncidentSnapshot.h) of one deployment, as a redacted .tar.gz.
#include "Commands.h"
#include "ExitCode.h"

#include "health/IncidentSnapshot.h"
#include "redis/Errors.h"
#include "sidekiq/model/Timestamp.h"
#include "storage/SampleHistory.h"
#include "write/AuditReader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <iostream>

namespace kiq::cli {

namespace {

int runSnapshot(CliContext& ctx, const std::string& sinceText, std::string output)
{
    const double now = sidekiq::Timestamp::now().seconds();
    const auto since = write::parseAuditTime(sinceText, now);
    if (!since || *since >= now)
        throw redis::UsageError("--since wants a time in the past: 30m, 2h, 1d or a date (" + sinceText + ")");
    health::IncidentOptions options;
    const auto* profile = ctx.profile();
    options.deployment = profile ? profile->name.toStdString() : ctx.options().describe();
    options.windowSeconds = now - *since;
    options.redactor = ctx.redactor();
    if (profile) {
        options.budget = profile->loadBudget();
        options.thresholds = profile->health;
    }
    // The Overview's samples the desktop app kept for this connection (none if it never showed it).
    const storage::SampleHistory history;
    if (history.isOpen()) options.series = history.load(QString::fromStdString(ctx.options().describe()), *since);
    const health::IncidentSnapshot snapshot = health::collectIncident(ctx.client(), options, now);
    if (output.empty()) output = snapshot.folder + ".tar.gz";
    if (const std::string error = health::writeIncidentArchive(snapshot, output); !error.empty()) {
        std::cerr << "error: cannot write " << output << ": " << error << "\n";
        return Refused;
    }
    if (ctx.json) {
        QJsonArray files, problems;
        for (const auto& f : snapshot.files) files.append(QString::fromStdString(f.name));
        for (const auto& p : snapshot.problems) problems.append(QString::fromStdString(p));
        ctx.printJson(QJsonObject {{"path", QString::fromStdString(output)}, {"files", files}, {"problems", problems}});
    } else {
        std::cout << output << "\n";
        std::cerr << "wrote " << countOf(static_cast<long long>(snapshot.files.size()), "file", "files")
                  << " (the charts' PNGs come from the desktop app: File → Incident snapshot…)\n";
        for (const auto& p : snapshot.problems) std::cerr << "not included: " << p << "\n";
    }
    return snapshot.problems.empty() ? Ok : Partial;
}

} // namespace

void addSnapshotCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("snapshot",
        "Write an incident snapshot: counters, health checks, chart series (CSV), daily history, top failure "
        "groups with samples, processes, INFO, SLOWLOG, the client census and the audit entries of a time window, "
        "redacted by the profile's rules, as one .tar.gz; only reads. Exits 4 when a part could not be read");
    auto since = std::make_shared<std::string>("1h");
    auto output = std::make_shared<std::string>();
    cmd->add_option("--since", *since, "Start of the window: 30m, 2h, 1d ago, or a date/time (default 1h)");
    cmd->add_option(
        "-o,--output", *output, "The archive to write (default kiqdesk-snapshot-<name>-<time>.tar.gz here)");
    cmd->callback([&ctx, &exitCode, since, output] { exitCode = runSnapshot(ctx, *since, *output); });
}

} // namespace kiq::cli
