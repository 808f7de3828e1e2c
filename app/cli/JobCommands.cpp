// jobs list|show|retry|delete|kill|enqueue|move|resume|pending
#include "Commands.h"

#include "ExitCode.h"
#include "redis/Errors.h"
#include "server/ServerInfoProbe.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/model/Timestamp.h"
#include "storage/BulkCursorStore.h"
#include "util/CompactNumber.h"
#include "util/ParseNumber.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>

namespace kiq::cli {

using namespace kiq::sidekiq;

namespace {
std::atomic<bool> g_interrupted {false};
extern "C" void onInterrupt(int)
{
    g_interrupted = true;
}

struct JobsArgs {
    std::string set = "dead";
    std::string filter;
    std::vector<std::string> jids; // --jid, repeatable: these jobs only (with --filter: those matching it)
    std::string to;
    long long limit = 50;
    long long offset = 0;
    double rate = 0;
    std::string budget; // --budget: a percentage of Redis time, or "off"; empty: the profile's
    double callMs = 0; // --call-ms; 0: the profile's
    bool oldestFirst = false;
    bool dryRun = false;
    bool yes = false;
    bool all = false;
};

struct Source {
    std::optional<JobSetKind> set;
    std::string queue; // when the source is queue:NAME
};

Source parseSource(const std::string& text)
{
    if (text.rfind("queue:", 0) == 0 && text.size() > 6) return {std::nullopt, text.substr(6)};
    if (auto kind = parseSetName(text)) return {kind, {}};
    throw redis::UsageError("--set takes retry, dead, scheduled or queue:NAME, not '" + text + "'");
}

QJsonObject jobJson(const JobRecord& job, std::optional<double> score)
{
    QJsonObject o {{"jid", QString::fromStdString(job.jid)}, {"class", QString::fromStdString(job.displayClass)},
        {"queue", QString::fromStdString(job.queue)}, {"args", QString::fromStdString(std::string(job.argsJson()))}};
    if (score) o["score"] = *score;
    if (job.errorClass) o["error_class"] = QString::fromStdString(*job.errorClass);
    if (job.errorMessage) o["error_message"] = QString::fromStdString(*job.errorMessage);
    if (job.retryCount) o["retry_count"] = qint64(*job.retryCount);
    if (!job.ok()) {
        o["parse_error"] = QString::fromStdString(job.parseError);
        o["raw"] = QString::fromUtf8(
            job.raw.data(), qsizetype(job.raw.size())); // invalid bytes become U+FFFD in JSON output only
    }
    return o;
}

void printRow(const JobRecord& job, const std::string& when)
{
    const std::string error = job.ok() ? job.errorClass.value_or("") : "MALFORMED: " + job.parseError;
    std::printf("%-19s %-24s %-28s %-12s %-28s %s\n", when.c_str(), truncate(job.jid, 24).c_str(),
        truncate(job.displayClass, 28).c_str(), truncate(job.queue, 12).c_str(), truncate(error, 28).c_str(),
        truncate(job.argsDisplay, 60).c_str());
}

// A --filter expression whose text terms match the arguments and messages as this invocation shows them
// (the profile's redaction rules; --no-redact: as they are).
JobFilter parseFilter(CliContext& ctx, const std::string& expression)
{
    JobFilter filter = JobFilter::parse(expression);
    if (filter.readsText()) filter.redactWith(ctx.redactor());
    return filter;
}

// Scans pages until `limit` matches are found, so a filtered first page comes back quickly.
int runList(CliContext& ctx, const JobsArgs& a)
{
    const Source src = parseSource(a.set);
    const JobFilter filter = parseFilter(ctx, a.filter);
    const double now = Timestamp::now().seconds();
    QJsonArray out;
    long long shown = 0, skippedMatches = 0;
    const long long page = 500;
    if (!ctx.json) std::printf("%-19s %-24s %-28s %-12s %-28s %s\n", "WHEN", "JID", "CLASS", "QUEUE", "ERROR", "ARGS");
    for (long long offset = 0; shown < a.limit; offset += page) {
        std::vector<std::pair<std::optional<double>, JobRecord>> rows;
        if (src.set) {
            for (auto& e : pageByRank(ctx.client(), *src.set, offset, page, !a.oldestFirst))
                rows.emplace_back(e.score, std::move(e.job));
        } else {
            for (auto& e : pageQueue(ctx.client(), src.queue, offset, page))
                rows.emplace_back(std::nullopt, std::move(e.job));
        }
        for (auto& [score, found] : rows) {
            if (!filter.matches(found, now)) continue;
            if (skippedMatches++ < a.offset) continue;
            if (shown++ >= a.limit) break;
            const JobRecord job = JobRecord::parse(ctx.redactor()->payload(found.raw));
            if (ctx.json)
                out.append(jobJson(job, score));
            else
                printRow(
                    job, score ? formatTime(*score) : (job.enqueuedAt ? formatTime(job.enqueuedAt->seconds()) : "-"));
        }
        if (static_cast<long long>(rows.size()) < page) break;
    }
    if (ctx.json) ctx.printJson(out);
    return Ok;
}

int runShow(CliContext& ctx, const JobsArgs& a, const std::string& jid)
{
    const Source src = parseSource(a.set);
    std::optional<JobRecord> job;
    std::optional<double> score;
    if (src.set) {
        if (auto e = findByJid(ctx.client(), *src.set, jid)) job = std::move(e->job), score = e->score;
    } else if (auto e = findInQueue(ctx.client(), src.queue, jid)) {
        job = std::move(e->job);
    }
    if (!job) {
        std::cerr << "no job " << jid << " in " << a.set << "\n";
        return NotFound;
    }
    // With the backtrace decoded; arguments and the error message as the profile's rules show them.
    const redaction::Redactor& redactor = *ctx.redactor();
    JobRecord full = JobRecord::parse(redactor.payload(job->raw));
    if (full.errorBacktrace)
        for (auto& line : *full.errorBacktrace) line = redactor.text(line);
    if (ctx.json) {
        QJsonObject o = jobJson(full, score);
        QJsonParseError err {};
        const QJsonDocument payload = QJsonDocument::fromJson(QByteArray::fromStdString(full.raw), &err);
        if (payload.isObject()) o["payload"] = payload.object();
        if (full.errorBacktrace) {
            QJsonArray bt;
            for (const auto& line : *full.errorBacktrace) bt.append(QString::fromStdString(line));
            o["backtrace"] = bt;
        }
        ctx.printJson(o);
        return Ok;
    }
    const QJsonDocument pretty = QJsonDocument::fromJson(QByteArray::fromStdString(full.raw));
    std::cout << (pretty.isNull() ? full.raw + "\n" : pretty.toJson(QJsonDocument::Indented).toStdString());
    if (!full.ok()) std::cout << "parse error: " << full.parseError << "\n";
    if (full.errorBacktrace) {
        std::cout << "backtrace:\n";
        for (const auto& line : *full.errorBacktrace) std::cout << "  " << line << "\n";
    }
    return Ok;
}

// How much of Redis a bulk run may take: --budget and --call-ms over the profile's (100% without one,
// since nothing says the server is shared).
redis::LoadBudget loadBudget(CliContext& ctx, const JobsArgs& a)
{
    const auto* profile = ctx.profile();
    redis::LoadBudget budget = profile ? profile->loadBudget() : redis::LoadBudget {};
    if (a.budget == "off" || a.budget == "unlimited") return redis::LoadBudget::none();
    double share = budget.unlimited ? 1.0 : budget.share;
    if (!a.budget.empty()) {
        std::string text = a.budget;
        if (text.back() == '%') text.pop_back();
        const auto percent = util::parseDouble(text);
        if (!percent || *percent <= 0 || *percent > 100)
            throw redis::UsageError(
                "--budget takes a percentage of Redis time (1 to 100) or 'off', not '" + a.budget + "'");
        share = *percent / 100;
    } else if (budget.unlimited && a.callMs <= 0) {
        return budget;
    }
    return redis::LoadBudget::ofShare(share, a.callMs > 0 ? a.callMs : budget.callMs);
}

// "19.2k jobs/s · Redis busy 24% (1.27 s) · about 3 s left · slowed: server latency 4.2 ms"
std::string costLine(const BulkProgress& p)
{
    std::string line = util::formatCompact(p.jobsPerSecond) + " jobs/s";
    char text[64];
    if (p.load.calls > 0) {
        std::snprintf(
            text, sizeof text, " · Redis busy %.0f%% (%.2f s)", 100 * p.load.shareUsed(), p.load.redisSeconds);
        line += text;
    }
    if (p.secondsLeft >= 1 && !p.finished) {
        std::snprintf(text, sizeof text, " · about %.0f s left", std::ceil(p.secondsLeft));
        line += text;
    }
    if (p.load.slowed) line += " · " + p.load.slowedNote();
    return line;
}

int finish(const BulkOperation& op, const std::string& verb)
{
    const auto& p = op.progress;
    std::cerr << "\r" << verb << ": " << p.affected << " done, " << p.missing << " already gone, " << p.skipped
              << " skipped, " << p.scanned << " examined; " << costLine(p) << std::string(10, ' ') << "\n";
    if (p.cancelled) {
        std::cerr << "cancelled; resume with: kiqdesk-cli jobs resume " << op.id << "\n";
        return Cancelled;
    }
    return p.skipped || p.missing ? Partial : Ok;
}

// The jobs named by --jid (the app's "selected jobs"), read now and acted on as the app acts on a selection.
int runOnJids(CliContext& ctx, const JobsArgs& a, JobAction action, JobSetKind kind)
{
    const JobFilter filter = JobFilter::parse(a.filter);
    const double now = Timestamp::now().seconds();
    std::vector<std::string> payloads;
    long long gone = 0;
    for (const auto& jid : std::set<std::string>(a.jids.begin(), a.jids.end())) {
        auto entry = findByJid(ctx.client(), kind, jid);
        if (!entry || !filter.matches(entry->job, now)) {
            std::cerr << "no job " << jid << " in " << setName(kind) << (a.filter.empty() ? "" : " matching the filter")
                      << "\n";
            ++gone;
            continue;
        }
        payloads.push_back(std::move(entry->job.raw));
    }
    const auto n = static_cast<long long>(payloads.size());
    if (a.dryRun) {
        std::cerr << countOf(n, "job", "jobs") << " would be acted on (" << actionName(action) << ")\n";
        return Ok;
    }
    if (n == 0) return NotFound;
    if (!confirm(
            std::string(actionName(action)) + " " + countOf(n, "job", "jobs") + " in " + setName(kind) + "?", n, a.yes))
        return Usage;
    const ActionResult r = applyJobAction(ctx.client(), ctx.gate(), action, kind, payloads, a.to, "kiqdesk-cli --jid");
    std::cerr << actionName(action) << ": " << r.affected << " done, " << r.missing + gone << " already gone, "
              << r.skipped.size() << " skipped\n";
    return r.missing + gone > 0 || !r.skipped.empty() ? Partial : Ok;
}

int runBulk(CliContext& ctx, const JobsArgs& a, JobAction action, kiq::storage::BulkCursorStore& store,
    std::optional<BulkOperation> resume = {})
{
    if (!a.dryRun) ctx.requireWritable();
    // Said before acting rather than failing job by job with CROSSSLOT.
    const auto& options = ctx.client().options();
    if (auto warning = server::clusterNamespaceWarning(options, options.topology == redis::Topology::Cluster))
        std::cerr << "warning: " << *warning << "\n";
    BulkOperation op;
    if (resume) {
        op = *resume;
    } else {
        const Source src = parseSource(a.set);
        if (!src.set) {
            // Queues: delete or move (the Queues page's actions), of the jobs matching the filter or named by --jid.
            const bool move = action == JobAction::Move;
            if (action != JobAction::Delete && !move)
                throw redis::UsageError("on queue:NAME only delete and move are supported; retry/kill apply to sets");
            const JobFilter filter = parseFilter(ctx, a.filter);
            if (filter.empty() && a.jids.empty() && !a.all) throw redis::UsageError("pass --filter, --jid or --all");
            const std::set<std::string> jids(a.jids.begin(), a.jids.end());
            std::vector<std::string> payloads;
            const double now = Timestamp::now().seconds();
            for (long long offset = 0;; offset += 1000) {
                auto page = pageQueue(ctx.client(), src.queue, offset, 1000);
                for (auto& e : page)
                    if ((jids.empty() || jids.count(e.job.jid)) && filter.matches(e.job, now))
                        payloads.push_back(e.job.raw);
                if (page.size() < 1000) break;
            }
            const auto n = static_cast<long long>(payloads.size());
            if (a.dryRun) {
                std::cerr << countOf(n, "job", "jobs") << (move ? " would be moved\n" : " would be deleted\n");
                return Ok;
            }
            if (!confirm(std::string(move ? "Move " : "Delete ") + countOf(n, "job", "jobs") + " from queue "
                        + src.queue + (move ? " to " + a.to : "") + "?",
                    n, a.yes))
                return Usage;
            if (move) {
                std::reverse(payloads.begin(), payloads.end()); // oldest first: they keep their running order
                const ActionResult r = moveQueueJobs(ctx.client(), ctx.gate(), src.queue, payloads, a.to);
                std::cerr << r.affected << " moved to " << a.to << ", " << r.missing << " already gone, "
                          << r.skipped.size() << " skipped\n";
                return r.missing > 0 || !r.skipped.empty() ? Partial : Ok;
            }
            const long long removed = deleteFromQueue(ctx.client(), ctx.gate(), src.queue, payloads);
            std::cerr << removed << " deleted, " << n - removed << " already gone\n";
            return removed == n ? Ok : Partial;
        }
        if (!a.jids.empty()) return runOnJids(ctx, a, action, *src.set);
        BulkSpec spec;
        spec.set = *src.set;
        spec.action = action;
        spec.filter = a.filter;
        spec.targetQueue = a.to;
        spec.ratePerSecond = a.rate;
        if (spec.filter.empty() && !a.all)
            throw redis::UsageError("pass --filter, --jid or --all (acting on a whole set is never implied)");
        const JobFilter filter = parseFilter(ctx, spec.filter);

        const BulkPreview preview = previewBulk(ctx.client(), spec.set, filter, 5, {}, loadBudget(ctx, a));
        if (a.dryRun || ctx.json) {
            if (ctx.json) {
                QJsonObject byClass, byError;
                for (const auto& [k, v] : preview.byClass) byClass[QString::fromStdString(k)] = v;
                for (const auto& [k, v] : preview.byError) byError[QString::fromStdString(k)] = v;
                ctx.printJson(QJsonObject {{"matched", preview.matched}, {"scanned", preview.scanned},
                    {"by_class", byClass}, {"by_error", byError}});
            }
            if (!ctx.json || !a.dryRun) {
                std::cerr << preview.matched << " of " << countOf(preview.scanned, "job", "jobs") << " in "
                          << setName(spec.set) << (preview.matched == 1 ? " matches\n" : " match\n");
                for (const auto& [k, v] : preview.byClass) std::cerr << "  " << v << "  " << k << "\n";
            }
            if (a.dryRun) return Ok;
        }
        if (preview.matched == 0) {
            std::cerr << "nothing matches\n";
            return Ok;
        }
        const std::string question = std::string(actionName(action)) + " " + countOf(preview.matched, "job", "jobs")
            + " in " + setName(spec.set) + "?";
        if (!confirm(question, preview.matched, a.yes)) return Usage;
        op = BulkExecutor::create(ctx.client().options(), spec);
    }

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    BulkExecutor executor(ctx.client(), ctx.gate(), op, &store);
    if (JobFilter::parse(op.spec.filter).readsText()) executor.redactWith(ctx.redactor()); // as its preview chose
    const redis::LoadBudget budget = loadBudget(ctx, a);
    executor.setBudget(budget);
    std::cerr << "load on Redis: " << budget.describe() << "\n";
    const auto& result = executor.run([&](const BulkProgress& p) {
        std::cerr << "\r" << actionName(op.spec.action) << " " << setName(op.spec.set) << ": " << p.affected
                  << " done, " << p.scanned << "/" << p.total << " examined; " << costLine(p) << "    " << std::flush;
        return !g_interrupted.load();
    });
    return finish(result, actionName(op.spec.action));
}

int runPending(CliContext& ctx, const kiq::storage::BulkCursorStore& store)
{
    const auto ops = store.unfinished();
    QJsonArray out;
    for (const auto& op : ops) {
        if (ctx.json) {
            out.append(QJsonObject {{"id", QString::fromStdString(op.id)},
                {"deployment", QString::fromStdString(op.deployment)}, {"action", actionName(op.spec.action)},
                {"set", setName(op.spec.set)}, {"filter", QString::fromStdString(op.spec.filter)},
                {"affected", op.progress.affected}});
        } else {
            std::printf("%s  %s %s [%s] on %s: %lld done, started %s\n", op.id.c_str(), actionName(op.spec.action),
                setName(op.spec.set), op.spec.filter.c_str(), op.deployment.c_str(), op.progress.affected,
                formatTime(op.startedAt).c_str());
        }
    }
    if (ctx.json)
        ctx.printJson(out);
    else if (ops.empty())
        std::printf("no interrupted bulk operations\n");
    return Ok;
}
} // namespace

void addJobCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* jobs = app.add_subcommand("jobs", "List, inspect and act on jobs in queues and sets");
    jobs->require_subcommand(1);
    auto args = std::make_shared<JobsArgs>();
    auto store = std::make_shared<kiq::storage::BulkCursorStore>();
    auto jid = std::make_shared<std::string>();

    auto addSet = [&](CLI::App* cmd) {
        cmd->add_option("--set", args->set, "retry, dead, scheduled or queue:NAME")->capture_default_str();
    };
    auto addFilter = [&](CLI::App* cmd) {
        cmd->add_option("--filter", args->filter, "Filter expression, e.g. 'class=HardJob error~timeout age>1h'");
    };

    auto* list = jobs->add_subcommand("list", "List jobs (newest first; --oldest-first to reverse)");
    addSet(list);
    addFilter(list);
    list->add_option("--limit", args->limit, "How many to show")->capture_default_str();
    list->add_option("--offset", args->offset, "Skip this many matches");
    list->add_flag("--oldest-first", args->oldestFirst, "Oldest first");
    list->callback([&ctx, &exitCode, args] { exitCode = runList(ctx, *args); });

    auto* show = jobs->add_subcommand("show", "Show one job with its decoded backtrace");
    addSet(show);
    show->add_option("jid", *jid, "Job ID")->required();
    show->callback([&ctx, &exitCode, args, jid] { exitCode = runShow(ctx, *args, *jid); });

    for (JobAction action :
        {JobAction::Retry, JobAction::Delete, JobAction::Kill, JobAction::Enqueue, JobAction::Move}) {
        const char* help = action == JobAction::Retry ? "Send jobs back to their queue now"
            : action == JobAction::Delete             ? "Delete jobs"
            : action == JobAction::Kill               ? "Move jobs to the dead set"
            : action == JobAction::Enqueue            ? "Enqueue scheduled jobs now"
                                                      : "Move jobs to another queue (--to)";
        auto* cmd = jobs->add_subcommand(actionName(action), help);
        addSet(cmd);
        addFilter(cmd);
        cmd->add_option("--jid", args->jids, "Only this job, by JID (repeatable)");
        cmd->add_flag("--all", args->all, "Every job in the set");
        cmd->add_flag("--dry-run", args->dryRun, "Only count what would be touched, by class and error");
        cmd->add_option("--rate", args->rate, "At most N jobs per second (0 = unlimited)");
        cmd->add_option("--budget", args->budget,
            "Share of Redis time to take, e.g. 25% (default: the profile's; production 25%), or 'off'");
        cmd->add_option("--call-ms", args->callMs, "One call holds Redis about this long (default 1 ms)");
        cmd->add_flag("-y,--yes", args->yes, "Do not ask for confirmation");
        if (action == JobAction::Move) cmd->add_option("--to", args->to, "Destination queue")->required();
        cmd->callback([&ctx, &exitCode, args, store, action] { exitCode = runBulk(ctx, *args, action, *store); });
    }

    auto* resume = jobs->add_subcommand("resume", "Resume an interrupted bulk operation");
    auto id = std::make_shared<std::string>();
    resume->add_option("id", *id, "Operation id (see jobs pending)")->required();
    resume->callback([&ctx, &exitCode, args, store, id] {
        auto op = store->load(*id);
        if (!op) {
            std::cerr << "no interrupted operation " << *id << "\n";
            exitCode = NotFound;
            return;
        }
        // Its cursor and counts belong to the server it started on: elsewhere they would skip jobs.
        if (const auto here = BulkExecutor::deploymentOf(ctx.client().options()); op->deployment != here) {
            std::cerr << "operation " << *id << " was started on " << op->deployment << ", not on " << here
                      << ": connect to that deployment to resume it\n";
            exitCode = Usage;
            return;
        }
        exitCode = runBulk(ctx, *args, op->spec.action, *store, op);
    });
    jobs->add_subcommand("pending", "Interrupted bulk operations that can be resumed")
        ->callback([&ctx, &exitCode, store] { exitCode = runPending(ctx, *store); });
}

} // namespace kiq::cli
