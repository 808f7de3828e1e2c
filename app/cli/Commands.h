#pragma once
// Registration of kiqdesk-cli's subcommands. Each callback stores its exit code in `exitCode`.

#include "CliContext.h"

#include <CLI/App.hpp>

namespace kiq::cli {

void addInfoCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addJobCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addQueueCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addAclCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addWorkCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addTrailCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addUndoCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addProfileCommands(CLI::App& app, CliContext& ctx, int& exitCode);
void addDoctorCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addAuditCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addExporterCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addFindCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addSnapshotCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addMetricsCommand(CLI::App& app, CliContext& ctx, int& exitCode);
void addReplayCommand(CLI::App& app, CliContext& ctx, int& exitCode);
// Hidden: `reference man|bash|zsh`, the manual page and completions from this command tree.
void addReferenceCommand(CLI::App& app, int& exitCode);
// Returns the subcommand: its usage errors exit 3 (Nagios "unknown"), not Usage.
CLI::App* addCheckCommand(CLI::App& app, CliContext& ctx, int& exitCode);

} // namespace kiq::cli
