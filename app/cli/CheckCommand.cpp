// check: the health checks once, for cron and CI, with Nagios's exit codes.
#include "Commands.h"

#include "health/HealthChecks.h"
#include "redis/Errors.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

namespace kiq::cli {

namespace {
using health::CheckState;

// Nagios plugin convention, not ExitCode.h's: monitoring systems read these.
enum NagiosCode : int { NagiosOk = 0, NagiosWarn = 1, NagiosCritical = 2, NagiosUnknown = 3 };

int nagiosCode(CheckState state)
{
    switch (state) {
    case CheckState::Ok:
        return NagiosOk;
    case CheckState::Warn:
        return NagiosWarn;
    case CheckState::Critical:
        return NagiosCritical;
    case CheckState::Unknown:
        return NagiosUnknown;
    }
    return NagiosUnknown;
}

std::string upper(const char* s)
{
    std::string out(s);
    for (auto& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

int runCheck(CliContext& ctx, double windowSeconds)
{
    health::HealthThresholds thresholds;
    std::unique_ptr<redis::Client> client;
    try {
        if (const auto* profile = ctx.profile()) thresholds = profile->health;
        client = std::make_unique<redis::Client>(ctx.options());
    } catch (const redis::UsageError& e) {
        std::cerr << "UNKNOWN: " << e.what() << "\n";
        return NagiosUnknown;
    }
    health::HealthEvaluator evaluator;
    // The failure rate is a difference of counters: take the first sample, wait the window, evaluate.
    if (windowSeconds > 0) {
        try {
            client->connect();
            evaluator.previous = health::readCounters(*client);
            std::this_thread::sleep_for(std::chrono::duration<double>(windowSeconds));
        } catch (const redis::Error&) {
            // evaluate() reports it (unreachable is critical; a refusal leaves the rate unknown)
        }
    }
    const health::HealthReport report = evaluator.evaluate(*client, thresholds);
    const CheckState worst = report.worst();
    if (ctx.json) {
        QJsonArray checks;
        for (const auto& r : report.results) {
            QJsonObject o {{"id", QString::fromStdString(r.id)}, {"state", health::checkStateName(r.state)},
                {"message", QString::fromStdString(r.message)}};
            if (!r.subject.empty()) o["queue"] = QString::fromStdString(r.subject);
            o["value"] = r.value ? QJsonValue(*r.value) : QJsonValue();
            o["threshold"] = r.threshold ? QJsonValue(*r.threshold) : QJsonValue();
            checks.append(o);
        }
        ctx.printJson(QJsonObject {{"state", health::checkStateName(worst)}, {"checks", checks},
            {"time", report.takenAt}, {"window", windowSeconds}});
        return nagiosCode(worst);
    }
    const auto notOk = report.notOk();
    long long warn = 0, critical = 0, unknown = 0;
    for (const auto* r : notOk)
        (r->state == CheckState::Critical ? critical : r->state == CheckState::Warn ? warn : unknown) += 1;
    // The first line is the summary, as Nagios shows it; then one line per check that is not ok.
    std::printf("%s: %zu checks, %lld critical, %lld warn, %lld unknown\n",
        upper(health::checkStateName(worst)).c_str(), report.results.size(), critical, warn, unknown);
    for (const auto* r : notOk)
        std::printf(
            "%-8s %-22s %s\n", upper(health::checkStateName(r->state)).c_str(), r->id.c_str(), r->message.c_str());
    return nagiosCode(worst);
}
} // namespace

CLI::App* addCheckCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("check",
        "Run the health checks once; exit 0 ok, 1 warn, 2 critical, 3 unknown (Nagios). Thresholds come from "
        "--profile, else the defaults");
    auto window = std::make_shared<double>(5);
    cmd->add_option("--window", *window,
           "Seconds between the two counter samples the failure rate is measured over (default 5; 0: no rate)")
        ->check(CLI::NonNegativeNumber);
    cmd->callback([&ctx, &exitCode, window] { exitCode = runCheck(ctx, *window); });
    return cmd;
}

} // namespace kiq::cli
