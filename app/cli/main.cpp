// kiqdesk-cli: the same core as the desktop app, for scripts. Wiring only: flags → core → output.
#include "Commands.h"
#include "ExitCode.h"
#include "redis/Errors.h"
#include "util/EnvSecrets.h"
#include "util/ThreadPriority.h"

#include <QCoreApplication>

#include <CLI/CLI.hpp>

#include <iostream>

namespace {
int exitCodeFor(const kiq::redis::Error& e)
{
    if (e.kind() == kiq::redis::ErrorKind::Usage) return kiq::cli::Usage;
    return e.isUnreachable() ? kiq::cli::Unreachable : kiq::cli::Refused;
}
} // namespace

int main(int argc, char** argv)
{
    // Before Qt starts any thread, and before any child (a worker handler) could inherit them.
    kiq::util::EnvSecrets secrets = kiq::util::takeEnvSecrets();
    QCoreApplication qtApp(argc, argv); // for QStandardPaths (the bulk cursor store) and Qt's JSON
    QCoreApplication::setOrganizationName("Kiqdesk");
    QCoreApplication::setApplicationName("kiqdesk");
    // One command per process: a budgeted command's thread may stay at the background priority it
    // takes for the work, even where the system would not let it back (ThreadPriority.h).
    kiq::util::BackgroundPriority::allowKeeping();

    CLI::App app {"kiqdesk-cli: inspect and fix Sidekiq deployments on Redis"};
    app.require_subcommand(1);
    app.set_help_flag("--help", "Print this help and exit"); // -h is the host, as in redis-cli
    app.set_version_flag("--version", "kiqdesk-cli " KIQ_VERSION, "Print the version and exit");
    kiq::cli::CliContext ctx;
    ctx.secrets = std::move(secrets);
    ctx.flags.addTo(app);
    app.add_flag("--json", ctx.json, "Machine-readable output on stdout");
    app.add_option("--profile", ctx.profileName,
        "Connect with a profile saved by the desktop app (its name or id) instead of the connection flags; "
        "passwords still come from REDISCLI_AUTH or --askpass");
    app.add_option("--arm", ctx.armReason,
           "Allow writes on a read-only profile (Production, or marked read-only) for this invocation, "
           "with the reason (free text or a ticket id)")
        ->check(CLI::Validator(
            [](const std::string& reason) {
                return reason.find_first_not_of(" \t\r\n") == std::string::npos
                    ? std::string("--arm needs a reason (free text or a ticket id)")
                    : std::string();
            },
            "REASON"));
    app.add_flag("--no-redact", ctx.noRedact,
        "Show job arguments as they are, without the profile's redaction rules (recorded in the audit trail)");
    app.footer("Writes (job actions, queue clears and pauses, quiet/stop, ACL changes, work) on a --profile that is "
               "tagged Production or marked read-only are refused unless --arm \"reason\" is given. A server "
               "named by -u/-h/-p/--sentinel/--cluster is writable as before.");
    int exitCode = kiq::cli::Ok;
    kiq::cli::addInfoCommands(app, ctx, exitCode);
    kiq::cli::addJobCommands(app, ctx, exitCode);
    kiq::cli::addQueueCommands(app, ctx, exitCode);
    kiq::cli::addAclCommands(app, ctx, exitCode);
    kiq::cli::addWorkCommand(app, ctx, exitCode);
    kiq::cli::addTrailCommands(app, ctx, exitCode);
    kiq::cli::addUndoCommands(app, ctx, exitCode);
    kiq::cli::addProfileCommands(app, ctx, exitCode);
    kiq::cli::addDoctorCommand(app, ctx, exitCode);
    kiq::cli::addAuditCommand(app, ctx, exitCode);
    kiq::cli::addExporterCommand(app, ctx, exitCode);
    kiq::cli::addFindCommand(app, ctx, exitCode);
    kiq::cli::addSnapshotCommand(app, ctx, exitCode);
    kiq::cli::addMetricsCommand(app, ctx, exitCode);
    kiq::cli::addReplayCommand(app, ctx, exitCode);
    const CLI::App* check = kiq::cli::addCheckCommand(app, ctx, exitCode);
    kiq::cli::addReferenceCommand(app, exitCode); // last: it writes what the others defined
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (app.exit(e) == 0) return kiq::cli::Ok;
        return check->parsed() > 0 ? 3 : kiq::cli::Usage; // check speaks Nagios: bad usage is "unknown"
    } catch (const kiq::redis::Error& e) {
        // A refusal says what to grant, as the desktop app does.
        if (const std::string needed = kiq::redis::missingPermission(e.what()); !needed.empty())
            std::cerr << "error: not permitted for user " << ctx.userName() << ": needs " << needed << " (" << e.what()
                      << ")\n";
        else
            std::cerr << "error: " << e.what() << "\n";
        exitCode = exitCodeFor(e);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        exitCode = kiq::cli::Refused;
    }
    ctx.reportUndo(); // a write that failed halfway may have removed some jobs too
    return exitCode;
}
