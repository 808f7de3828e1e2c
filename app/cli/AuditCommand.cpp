// audit: the deployment's security controls checked live (core/security/SecurityAudit.h), for cron and CI.
#include "Commands.h"
#include "ExitCode.h"

#include "security/SecurityAudit.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace kiq::cli {

namespace {
using security::Status;

int runAudit(CliContext& ctx, const std::string& markdownFile, int sample, bool emails)
{
    redis::Client client(ctx.options());
    security::AuditOptions options;
    options.samplePerSet = sample;
    options.emails = emails;
    if (const auto* profile = ctx.profile()) options.budget = profile->loadBudget();
    const security::AuditReport report = security::auditDeployment(client, ctx.options(), options);
    if (!markdownFile.empty()) {
        std::ofstream out(markdownFile, std::ios::trunc);
        out << report.toMarkdown();
        if (!out) {
            std::cerr << "error: cannot write '" << markdownFile << "'\n";
            return Usage;
        }
    }
    if (ctx.json) {
        std::printf("%s", report.toJson().c_str());
    } else {
        std::printf("%s: %d fail, %d warn, %d could not check, %d pass\n", report.target.c_str(),
            report.count(Status::Fail), report.count(Status::Warn), report.count(Status::Unknown),
            report.count(Status::Pass));
        std::string group;
        for (const auto& f : report.findings) {
            if (f.control != group) std::printf("\n%s\n", (group = f.control).c_str());
            std::printf("  %-15s %-32s %s\n", security::statusName(f.status), f.title.c_str(), f.evidence.c_str());
            if (!f.fix.empty() && f.status != Status::Pass)
                std::printf("  %-15s %-32s fix: %s\n", "", "", f.fix.c_str());
        }
    }
    return report.count(Status::Fail) > 0 ? ControlFailed : Ok;
}
} // namespace

void addAuditCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("audit",
        "Check the deployment's security controls live (TLS, users and rights, configuration, secrets in job "
        "arguments, operations); only reads. Exits 7 when a control fails");
    auto markdown = std::make_shared<std::string>();
    auto sample = std::make_shared<int>(100);
    auto emails = std::make_shared<bool>(false);
    cmd->add_option("--markdown", *markdown, "Also write the report as Markdown to this file");
    cmd->add_option("--sample", *sample, "Jobs read from each queue and from retry, scheduled and dead (default 100)")
        ->check(CLI::Range(1, 10000));
    cmd->add_flag("--emails", *emails, "Count e-mail addresses in job arguments as personal data");
    cmd->callback(
        [&ctx, &exitCode, markdown, sample, emails] { exitCode = runAudit(ctx, *markdown, *sample, *emails); });
}

} // namespace kiq::cli
