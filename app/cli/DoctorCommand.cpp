// doctor: the connection taken apart step by step, for the engineer whose connection fails with one line.
#include "Commands.h"
#include "ExitCode.h"

#include "server/ConnectionDoctor.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace kiq::cli {

namespace {
using server::DoctorStep;

int runDoctor(CliContext& ctx)
{
    const server::DoctorReport report = server::diagnoseConnection(ctx.options());
    bool transportFailed = false;
    bool permissionFailed = false;
    for (const auto& s : report.steps) {
        if (s.state != DoctorStep::State::Fail) continue;
        (s.id == "server" || s.id == "sidekiq" || s.id == "writes" ? permissionFailed : transportFailed) = true;
    }
    if (ctx.json) {
        QJsonArray steps;
        for (const auto& s : report.steps) {
            QJsonObject o {{"id", QString::fromStdString(s.id)}, {"title", server::doctorStepTitle(s.id)},
                {"state", server::doctorStateName(s.state)}, {"detail", QString::fromStdString(s.detail)}};
            if (!s.fix.empty()) o["fix"] = QString::fromStdString(s.fix);
            steps.append(o);
        }
        ctx.printJson(QJsonObject {{"target", QString::fromStdString(report.target)},
            {"state", server::doctorStateName(report.worst())}, {"steps", steps}});
    } else {
        std::printf("%s\n", report.target.c_str());
        for (const auto& s : report.steps) {
            std::printf(
                "  %-7s %-24s %s\n", server::doctorStateName(s.state), server::doctorStepTitle(s.id), s.detail.c_str());
            if (!s.fix.empty()) std::printf("  %-7s %-24s fix: %s\n", "", "", s.fix.c_str());
        }
    }
    return transportFailed ? Unreachable : permissionFailed ? Refused : Ok;
}
} // namespace

void addDoctorCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    app.add_subcommand("doctor",
           "Diagnose the connection step by step (DNS, TCP, TLS files, handshake, certificates, AUTH, INFO, "
           "reading and writing Sidekiq's keys) and say what to fix; exit 0 when nothing fails, 2 when the "
           "connection fails, 3 when a permission is missing")
        ->callback([&ctx, &exitCode] { exitCode = runDoctor(ctx); });
}

} // namespace kiq::cli
