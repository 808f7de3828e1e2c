// trail list|verify|export: the deployment's shared audit trail (the `kiqdesk:audit` stream, or with
// --local this machine's fallback file). `kiqdesk-cli audit` is another thing: the deployment's
// security audit.
#include "Commands.h"

#include "ExitCode.h"
#include "redis/Errors.h"
#include "write/AuditChain.h"
#include "write/AuditReader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace kiq::cli {

namespace {
struct TrailArgs {
    std::string user;
    std::string action;
    std::string since;
    std::string until;
    std::size_t limit = 50;
    bool local = false;
    std::string output;
};

double nowSeconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<double> parseTimeFlag(const std::string& text, const char* flag, double now)
{
    if (text.empty()) return std::nullopt;
    if (auto t = write::parseAuditTime(text, now)) return t;
    throw redis::UsageError(
        std::string(flag) + " takes an age (30m, 2h, 7d) or a date (2026-12-02T14:00), not '" + text + "'");
}

std::vector<write::AuditRecord> readAll(CliContext& ctx, bool local)
{
    return local ? write::readAuditFile(ctx.auditLocalFile()) : write::readAuditStream(ctx.client());
}

std::string counts(const write::AuditRecord& r)
{
    return r.get("requested") + "/" + r.get("done") + "/" + r.get("skipped");
}

int runList(CliContext& ctx, const TrailArgs& a)
{
    const double now = nowSeconds();
    write::AuditFilter filter;
    filter.user = a.user;
    filter.action = a.action;
    filter.since = parseTimeFlag(a.since, "--since", now);
    filter.until = parseTimeFlag(a.until, "--until", now);
    filter.limit = a.limit;
    const auto rows = a.local ? write::filterAudit(write::readAuditFile(ctx.auditLocalFile()), filter)
                              : write::listAuditStream(ctx.client(), filter);
    if (ctx.json) {
        QJsonArray out;
        for (const auto& r : rows) out.append(r.toJson());
        ctx.printJson(out);
        return Ok;
    }
    std::printf("%-19s %-24s %-12s %-14s %-20s %-13s %-24s %s\n", "TIME", "USER@HOST", "ACL USER", "ACTION", "TARGET",
        "REQ/DONE/SKIP", "REASON", "OUTCOME");
    for (const auto& r : rows) {
        const std::string reason = r.get("reason").empty()
            ? "-"
            : r.get("reason") + (r.get("armed_by").empty() ? "" : " (" + r.get("armed_by") + ")");
        std::printf("%-19s %-24s %-12s %-14s %-20s %-13s %-24s %s\n", formatTime(r.time()).c_str(),
            truncate(r.get("user") + "@" + r.get("host"), 24).c_str(), truncate(r.get("acl_user"), 12).c_str(),
            truncate(r.get("action"), 14).c_str(), truncate(r.get("target"), 20).c_str(), counts(r).c_str(),
            truncate(reason, 24).c_str(), r.ok() ? "ok" : truncate(r.get("error"), 60).c_str());
    }
    return Ok;
}

int runVerify(CliContext& ctx, const TrailArgs& a)
{
    const auto report = a.local ? write::verifyChain(write::readAuditFile(ctx.auditLocalFile()))
                                : write::verifyAuditStream(ctx.client());
    if (ctx.json) {
        QJsonArray breaks;
        for (const auto& b : report.breaks)
            breaks.append(QJsonObject {{"id", QString::fromStdString(b.id)}, {"what", QString::fromStdString(b.what)}});
        QJsonArray notes;
        for (const auto& n : report.notes) notes.append(QString::fromStdString(n));
        ctx.printJson(QJsonObject {{"entries", qint64(report.entries)},
            {"first", QString::fromStdString(report.firstId)}, {"trimmed_before", report.trimmedBefore},
            {"intact", report.intact()}, {"breaks", breaks}, {"notes", notes}});
    } else {
        std::cout << report.summary() << "\n";
    }
    return report.intact() ? Ok : Broken;
}

int runExport(CliContext& ctx, const TrailArgs& a)
{
    const auto records = readAll(ctx, a.local);
    std::ofstream file;
    if (!a.output.empty()) {
        file.open(a.output, std::ios::out | std::ios::trunc | std::ios::binary);
        if (!file) throw redis::UsageError("cannot write " + a.output);
    }
    std::ostream& out = a.output.empty() ? std::cout : file;
    for (const auto& r : records) out << r.toJsonLine() << "\n";
    out.flush();
    if (!out) throw redis::UsageError("cannot write " + (a.output.empty() ? std::string("the output") : a.output));
    if (!a.output.empty())
        std::cerr << "exported " << countOf(static_cast<long long>(records.size()), "entry", "entries") << " to "
                  << a.output << "\n";
    return Ok;
}
} // namespace

void addTrailCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* trail = app.add_subcommand("trail", "The shared audit trail of writes (who did what, when, why)");
    trail->require_subcommand(1);
    auto args = std::make_shared<TrailArgs>();
    auto addLocal = [&](CLI::App* cmd) {
        cmd->add_flag("--local", args->local,
            "This machine's fallback file (entries the stream refused) instead of the deployment's stream");
    };

    auto* list = trail->add_subcommand("list", "Entries, newest first");
    list->add_option("--user", args->user, "Only this OS user or Redis ACL user");
    list->add_option("--action", args->action, "Only this action (retry, delete, kill, clear-queue, quiet, ...)");
    list->add_option("--since", args->since, "Only entries newer than an age (30m, 2h, 7d) or a date");
    list->add_option("--until", args->until, "Only entries older than an age or a date");
    list->add_option("--limit", args->limit, "How many to show (0 = all)")->capture_default_str();
    addLocal(list);
    list->callback([&ctx, &exitCode, args] { exitCode = runList(ctx, *args); });

    auto* verify
        = trail->add_subcommand("verify", "Check the hash chain; exits 6 naming every deleted, edited or forged entry");
    addLocal(verify);
    verify->callback([&ctx, &exitCode, args] { exitCode = runVerify(ctx, *args); });

    auto* exportCmd = trail->add_subcommand("export", "Every entry as JSON lines, oldest first");
    exportCmd->add_option("--output", args->output, "Write to this file instead of stdout");
    addLocal(exportCmd);
    exportCmd->callback([&ctx, &exitCode, args] { exitCode = runExport(ctx, *args); });
}

} // namespace kiq::cli
