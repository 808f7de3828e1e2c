// undo list|restore: the jobs deletes, kills and queue clears removed, kept in the undo journal on this
// machine (write/UndoJournal.h, the desktop app's file), and putting them back.
#include "Commands.h"

#include "ExitCode.h"
#include "write/UndoJournal.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <iostream>

namespace kiq::cli {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

int runList(CliContext& ctx)
{
    auto& journal = ctx.undoJournal();
    if (!journal.isOpen()) {
        std::cerr << "error: cannot open the undo journal " << journal.file().toStdString() << ": " << journal.error()
                  << "\n";
        return Refused;
    }
    const auto actions = journal.actions();
    if (ctx.json) {
        QJsonArray out;
        for (const auto& a : actions) {
            QJsonObject o {{"id", qint64(a.id)}, {"time", a.time}, {"deployment", q(a.deployment)},
                {"server", q(a.server)}, {"action", q(a.action)}, {"target", q(a.target)}, {"detail", q(a.detail)},
                {"reason", q(a.reason)}, {"os_user", q(a.osUser)}, {"count", a.count}, {"restorable", a.restorable}};
            if (a.restoredAt) o["restored_at"] = *a.restoredAt;
            out.append(o);
        }
        ctx.printJson(out);
        return Ok;
    }
    if (actions.empty()) {
        std::printf("nothing to undo (the journal keeps %g days)\n", write::UndoJournal::kDefaultKeepSeconds / 86400);
        return Ok;
    }
    std::printf("%-6s %-19s %-16s %-12s %-20s %9s %9s  %s\n", "ID", "WHEN", "DEPLOYMENT", "ACTION", "TARGET", "JOBS",
        "LEFT", "BY");
    for (const auto& a : actions) {
        std::printf("%-6lld %-19s %-16s %-12s %-20s %9lld %9lld  %s%s\n", static_cast<long long>(a.id),
            formatTime(a.time).c_str(), truncate(a.deployment, 16).c_str(), truncate(a.action, 12).c_str(),
            truncate(a.target, 20).c_str(), a.count, a.restorable, a.osUser.c_str(),
            a.reason.empty() ? "" : (" (" + a.reason + ")").c_str());
    }
    return Ok;
}

int runRestore(CliContext& ctx, long long id)
{
    auto& journal = ctx.undoJournal();
    const auto action = journal.action(id);
    if (!action) {
        std::cerr << "no undo record " << id << " (see kiqdesk-cli undo list)\n";
        return NotFound;
    }
    ctx.requireWritable();
    const auto r = write::restoreAction(ctx.client(), ctx.gate(), journal, id);
    if (ctx.json) {
        ctx.printJson(QJsonObject {{"id", qint64(id)}, {"restored", r.restored}, {"skipped", r.skipped}});
    } else {
        std::cerr << "restored " << countOf(r.restored, "job", "jobs") << " to " << action->target << ", " << r.skipped
                  << " already there\n";
    }
    return r.skipped ? Partial : Ok;
}
} // namespace

void addUndoCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* undo = app.add_subcommand("undo", "Put back jobs that deletes, kills and queue clears removed");
    undo->require_subcommand(1);
    undo->add_subcommand("list", "What can be undone (kept on this machine for 7 days), newest first")
        ->callback([&ctx, &exitCode] { exitCode = runList(ctx); });
    auto* restore = undo->add_subcommand(
        "restore", "Put an action's jobs back where they came from, byte-exact; jobs already there are skipped");
    auto id = std::make_shared<long long>(0);
    restore->add_option("id", *id, "Record id (see undo list)")->required();
    restore->callback([&ctx, &exitCode, id] { exitCode = runRestore(ctx, *id); });
}

} // namespace kiq::cli
