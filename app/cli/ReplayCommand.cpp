// replay: failed jobs copied from one saved profile into a development or staging one (sidekiq/actions/Replay.h).
// The source is only read; the copies are redacted by its rules and written through the target's gate.
#include "Commands.h"

#include "ExitCode.h"
#include "redis/Errors.h"
#include "sidekiq/actions/JobTransfer.h"
#include "sidekiq/actions/Replay.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/search/JobFilter.h"
#include "storage/ReplayJournal.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace kiq::cli {

using namespace kiq::sidekiq;

namespace {
struct ReplayArgs {
    std::string from, to;
    std::string set = "dead";
    std::string filter;
    std::vector<std::string> jids;
    bool all = false;
    std::string queue;
    std::string editArgsFile;
    long long count = -1; // --count: the number confirmed; -1 when not given
    bool dryRun = false;
    bool yes = false;
};

std::string readArgsFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw redis::UsageError("--edit-args: cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (const std::string why = checkReplayArgs(text.str()); !why.empty())
        throw redis::UsageError("--edit-args " + path + ": " + why);
    return text.str();
}

// The source's jobs that match, oldest first (the order they would have run), as stored.
std::vector<std::string> matchingJobs(CliContext& source, const TransferTarget& from, const ReplayArgs& a)
{
    JobFilter filter = JobFilter::parse(a.filter);
    if (filter.readsText()) filter.redactWith(source.redactor()); // it matches the text as shown
    const std::set<std::string> jids(a.jids.begin(), a.jids.end());
    const double now = Timestamp::now().seconds();
    std::vector<std::string> out;
    const long long page = 500;
    for (long long offset = 0;; offset += page) {
        std::vector<JobRecord> rows;
        if (from.set) {
            for (auto& e : pageByRank(source.client(), *from.set, offset, page, false))
                rows.push_back(std::move(e.job));
        } else {
            for (auto& e : pageQueue(source.client(), from.queue, offset, page)) rows.push_back(std::move(e.job));
        }
        for (auto& job : rows)
            if ((jids.empty() || jids.count(job.jid)) && filter.matches(job, now)) out.push_back(std::move(job.raw));
        if (static_cast<long long>(rows.size()) < page) break;
    }
    if (!from.set) std::reverse(out.begin(), out.end()); // pageQueue lists the newest first
    return out;
}

int runReplay(CliContext& ctx, const ReplayArgs& a)
{
    if (!ctx.profileName.empty() && ctx.profileName != a.from)
        throw redis::UsageError("replay names its two deployments with --from and --to, not --profile");
    if (ctx.flags.givesTarget())
        throw redis::UsageError("replay reads saved profiles (--from, --to): their tags say where it may write");
    if (a.filter.empty() && a.jids.empty() && !a.all)
        throw redis::UsageError("pass --filter, --jid or --all (replaying a whole set is never implied)");
    const auto from = TransferTarget::parse(a.set);
    if (!from) throw redis::UsageError("--set takes retry, dead, scheduled or queue:NAME, not '" + a.set + "'");
    const std::optional<std::string> editedArgs
        = a.editArgsFile.empty() ? std::nullopt : std::optional(readArgsFile(a.editArgsFile));

    CliContext& source = ctx;
    source.profileName = a.from;
    // The target gets no secret from this environment: a password meant for the source never goes to
    // another server. Its own sources (keychain, helper, prompt) give its secrets.
    CliContext target;
    target.flags = ctx.flags;
    target.profileName = a.to;
    target.armReason = ctx.armReason;
    const deployment::ConnectionProfile& targetProfile = *target.profile();

    const ReplaySource origin {source.profile()->name.toStdString(), from->name()};
    const Timestamp now = Timestamp::now();
    const std::vector<std::string> matched = matchingJobs(source, *from, a);
    std::vector<ReplayCopy> copies; // what would be written, for the count, the preview and what is skipped
    for (const std::string& raw : matched)
        copies.push_back(replayCopy(raw, origin, *source.redactor(), {a.queue, editedArgs}, now));
    const std::size_t good = static_cast<std::size_t>(
        std::count_if(copies.begin(), copies.end(), [](const ReplayCopy& c) { return c.ok(); }));
    for (const ReplayCopy& c : copies)
        if (!c.ok())
            std::cerr << "skipped " << (c.originalJid.empty() ? "a job" : c.originalJid) << ": " << c.error << "\n";

    const ServerIdentity sourceServer = serverIdentity(source.client());
    ReplayPlan plan {targetProfile.environment, serverIdentity(target.client()).sameServerAs(sourceServer), good, good};
    checkReplay(plan); // all but the count, before asking
    const std::string what = countOf(static_cast<long long>(good), "job", "jobs") + " from " + origin.deployment + " "
        + origin.set + " into " + targetProfile.label().toStdString()
        + (a.queue.empty() ? std::string(" (each in its own queue)") : " queue:" + a.queue);
    if (a.dryRun) {
        for (const ReplayCopy& c : copies)
            if (c.ok()) std::cout << c.payload << "\n"; // exactly what would be written
        std::cerr << "would replay " << what << "\n";
        return Ok;
    }
    plan.confirmedCount = a.count >= 0 ? std::optional(static_cast<std::size_t>(a.count)) : std::nullopt;
    if (!a.yes) {
        if (!confirm("Replay " + what + "?", static_cast<long long>(good), false)) return Usage;
        if (good > 10) plan.confirmedCount = good; // the count was typed
    }
    if (good > kReplayConfirmAbove && plan.confirmedCount != good)
        throw ReplayRefused("replaying " + std::to_string(good) + " jobs needs the count confirmed: pass --count "
            + std::to_string(good));
    const storage::ReplayJournal journal;
    const ReplayRun run = replayInto(target.client(), target.gate(),
        {targetProfile.environment, targetProfile.name.toStdString(), sourceServer, plan.confirmedCount}, origin,
        matched, *source.redactor(), {a.queue, editedArgs}, &journal);
    if (!run.journalProblem.empty()) std::cerr << "warning: " << run.journalProblem << "\n";
    const ActionResult& r = run.result;
    if (ctx.json) {
        QJsonArray out;
        for (const ReplayCopy& c : run.copies)
            if (c.ok())
                out.append(QJsonObject {{"original_jid", QString::fromStdString(c.originalJid)},
                    {"jid", QString::fromStdString(c.jid)}, {"queue", QString::fromStdString(c.queue)}});
        ctx.printJson(out);
    } else {
        for (const ReplayCopy& c : run.copies)
            if (c.ok()) std::cout << c.originalJid << " -> " << c.jid << " queue:" << c.queue << "\n";
    }
    std::cerr << "replayed " << countOf(r.affected, "job", "jobs") << " from " << origin.deployment << " " << origin.set
              << " into " << targetProfile.label().toStdString() << "\n";
    return r.skipped.empty() ? Ok : Refused;
}
} // namespace

void addReplayCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto args = std::make_shared<ReplayArgs>();
    auto* cmd = app.add_subcommand("replay",
        "Copy failed jobs from a deployment (only read) into a development or staging one, redacted, with new JIDs "
        "and a replayed_from link, to run them there");
    cmd->add_option("--from", args->from, "Saved profile to copy from (name or id)")->required();
    cmd->add_option("--to", args->to, "Saved profile to write to: tagged development or staging")->required();
    cmd->add_option("--set", args->set, "retry, dead, scheduled or queue:NAME")->capture_default_str();
    cmd->add_option("--filter", args->filter, "Filter expression, e.g. 'class=HardJob error~timeout'");
    cmd->add_option("--jid", args->jids, "Only this job, by JID (repeatable)");
    cmd->add_flag("--all", args->all, "Every job in the set");
    cmd->add_option("--queue", args->queue, "Queue on the target (default: each job's own)");
    cmd->add_option("--edit-args", args->editArgsFile, "A file with a JSON array: the arguments of every copy");
    cmd->add_option("--count", args->count,
        "The number of jobs, confirmed: needed above " + std::to_string(kReplayConfirmAbove) + " with --yes");
    cmd->add_flag("--dry-run", args->dryRun, "Print the copies as they would be written, write nothing");
    cmd->add_flag("-y,--yes", args->yes, "Do not ask for confirmation");
    cmd->callback([&ctx, &exitCode, args] { exitCode = runReplay(ctx, *args); });
}

} // namespace kiq::cli
