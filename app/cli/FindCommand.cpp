// find: a job by its JID, or jobs by a piece of their class, arguments or error, in every deployment the
// desktop app has saved at once (or the one --profile or the connection flags name); only reads.
#include "Commands.h"
#include "ExitCode.h"

#include "redis/Errors.h"
#include "sidekiq/search/JobSearch.h"
#include "storage/ConnectionProfileStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

namespace kiq::cli {

namespace {
using sidekiq::JobSearch;
using sidekiq::JobSearchHit;
using sidekiq::JobSearchQuery;

struct Target {
    std::string name;
    redis::ConnectionOptions options;
    redis::LoadBudget budget;
    std::shared_ptr<const redaction::Redactor> redactor;
    // Filled by the search.
    sidekiq::JobSearchProgress progress;
    std::string error;
    double seconds = 0;
};

struct Output {
    std::mutex mutex;
    bool json = false;
    QJsonArray hits;

    void hit(const std::string& deployment, const JobSearchHit& h)
    {
        const std::lock_guard lock(mutex);
        const auto& job = h.job;
        const std::string error = job.ok() ? job.errorClass.value_or("") : "MALFORMED: " + job.parseError;
        if (json) {
            QJsonObject o {{"deployment", QString::fromStdString(deployment)}, {"place", sidekiq::placeName(h.place)},
                {"jid", QString::fromStdString(job.jid)}, {"class", QString::fromStdString(job.displayClass)},
                {"queue", QString::fromStdString(job.queue)}, {"args", QString::fromStdString(job.argsDisplay)}};
            if (h.place == sidekiq::JobPlace::Busy) o["process"] = QString::fromStdString(h.container);
            if (h.score) o["score"] = *h.score;
            if (job.errorClass) o["error_class"] = QString::fromStdString(*job.errorClass);
            if (job.errorMessage) o["error_message"] = QString::fromStdString(*job.errorMessage);
            hits.append(o);
            return;
        }
        std::string place = sidekiq::placeName(h.place);
        if (h.place == sidekiq::JobPlace::Queue) place += ":" + h.container;
        // As they arrive, so a long search shows its first hits at once.
        std::printf("%-16s %-18s %-24s %-28s %-20s %s\n", truncate(deployment, 16).c_str(), truncate(place, 18).c_str(),
            truncate(job.jid, 24).c_str(), truncate(job.displayClass, 28).c_str(), truncate(error, 20).c_str(),
            truncate(job.argsDisplay, 50).c_str());
        std::fflush(stdout);
    }
};

void search(Target& t, const JobSearchQuery& query, Output& out)
{
    const auto started = std::chrono::steady_clock::now();
    try {
        redis::Client client(t.options);
        JobSearch search(query, t.budget, t.redactor);
        while (!search.done())
            for (const auto& hit : search.step(client)) out.hit(t.name, hit);
        t.progress = search.progress();
    } catch (const std::exception& e) {
        t.error = e.what();
    }
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The saved profiles `--in` names (name or id), or all of them.
std::vector<deployment::ConnectionProfile> savedProfiles(const std::vector<std::string>& wanted)
{
    QSettings settings; // the desktop app's
    const storage::ProfileStore store(settings);
    if (!store.problem().isEmpty()) std::cerr << "warning: " << store.problem().toStdString() << "\n";
    std::vector<deployment::ConnectionProfile> out;
    const auto profiles = store.load();
    for (const auto& name : wanted) {
        const QString key = QString::fromStdString(name);
        const auto before = out.size();
        for (const auto& p : profiles)
            if (p.id == key || p.name == key) out.push_back(p);
        if (out.size() == before) throw redis::UsageError("no saved profile named '" + name + "'");
    }
    if (wanted.empty()) out.assign(profiles.begin(), profiles.end());
    return out;
}

int runFind(CliContext& ctx, const std::string& jid, const std::string& text, const std::vector<std::string>& in)
{
    if (jid.empty() == text.empty()) throw redis::UsageError("give a JID or --text (one of them)");
    const JobSearchQuery query = jid.empty() ? JobSearchQuery::byText(text) : JobSearchQuery::byJid(jid);
    std::vector<Target> targets;
    if (!ctx.profileName.empty() || ctx.flags.givesTarget()) {
        if (!in.empty())
            throw redis::UsageError("--in picks saved profiles: leave out --profile and the connection flags");
        const auto* profile = ctx.profile();
        targets.push_back({profile ? profile->name.toStdString() : ctx.options().describe(), ctx.options(),
            profile ? profile->loadBudget() : redis::LoadBudget::ofShare(1.0), ctx.redactor(), {}, {}, 0});
    } else {
        const auto profiles = savedProfiles(in);
        if (profiles.empty())
            throw redis::UsageError(
                "no saved profiles to search: save one in the desktop app, or give --profile or -u");
        // One context per profile: its own secrets (keychain, helper; a typed one is asked for here, one
        // after the other), never the environment's password, which belongs to no profile in particular.
        for (const auto& p : profiles) {
            CliContext one;
            one.flags = ctx.flags; // the timeouts given apply to each
            one.profileName = p.id.toStdString();
            one.noRedact = ctx.noRedact;
            Target t {p.name.toStdString(), {}, p.loadBudget(), {}, {}, {}, 0};
            try {
                t.options = one.options();
                t.redactor = one.redactor();
            } catch (const std::exception& e) {
                t.error = e.what();
            }
            targets.push_back(std::move(t));
        }
    }
    Output out;
    out.json = ctx.json;
    if (!ctx.json)
        std::printf("%-16s %-18s %-24s %-28s %-20s %s\n", "DEPLOYMENT", "PLACE", "JID", "CLASS", "ERROR", "ARGS");
    std::vector<std::thread> threads;
    for (auto& t : targets)
        if (t.error.empty()) threads.emplace_back([&t, &query, &out] { search(t, query, out); });
    for (auto& thread : threads) thread.join();

    std::size_t hits = 0, failed = 0;
    QJsonArray deployments;
    for (const auto& t : targets) {
        hits += t.progress.hits;
        if (!t.error.empty()) ++failed;
        if (ctx.json) {
            QJsonObject o {{"name", QString::fromStdString(t.name)}, {"examined", t.progress.examined},
                {"hits", qint64(t.progress.hits)}, {"seconds", t.seconds}, {"truncated", t.progress.truncated}};
            if (!t.error.empty()) o["error"] = QString::fromStdString(t.error);
            deployments.append(o);
        } else if (!t.error.empty()) {
            std::cerr << t.name << ": error: " << t.error << "\n";
        } else {
            std::cerr << t.name << ": " << countOf(t.progress.examined, "job", "jobs") << " examined, "
                      << countOf(static_cast<long long>(t.progress.hits), "hit", "hits") << " in "
                      << formatElapsed(t.seconds) << " (" << t.budget.describe() << ")"
                      << (t.progress.truncated ? "; stopped at the most hits kept" : "") << "\n";
        }
    }
    if (ctx.json) ctx.printJson(QJsonObject {{"hits", out.hits}, {"deployments", deployments}});
    if (failed == targets.size()) return Unreachable;
    if (failed > 0) return Partial;
    return hits > 0 ? Ok : NotFound;
}

} // namespace

void addFindCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("find",
        "Find a job by its JID, or jobs whose class, arguments or error contain --text, in progress, queued, "
        "scheduled, retrying or dead, in every saved profile at once (or the one --profile or the connection "
        "flags name), under each profile's Redis load budget; only reads. Exits 5 when nothing is found");
    auto jid = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    auto in = std::make_shared<std::vector<std::string>>();
    cmd->add_option("jid", *jid, "The JID to find");
    cmd->add_option("--text", *text,
        "Text to find (any case) in the class, arguments or error, as the profile's redaction rules show them");
    cmd->add_option("--in", *in, "Search only this saved profile (name or id; repeatable)")->allow_extra_args(false);
    cmd->callback([&ctx, &exitCode, jid, text, in] { exitCode = runFind(ctx, *jid, *text, *in); });
}

} // namespace kiq::cli
