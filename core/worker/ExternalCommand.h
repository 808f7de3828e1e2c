#pragma once
// Jobs run by an external program: the job JSON on stdin, exit status 0 = success. Anything else is a
// failure recorded with error_class "ExternalCommandFailed" and the tail of stderr as error_message;
// a run longer than the handler's timeout is killed (its whole process group, SIGKILL) and recorded
// as "ExternalCommandTimeout". At shutdown (JobContext::hardStop) the group is killed too and the job
// goes back to its queue. When the program exits, whatever it left running in its process group is
// killed as well. The backtrace written to Redis names the handler (class pattern and program), never
// its arguments.
//
// The child gets its own process group, stdin/stdout/stderr pipes and no other descriptors, resource
// limits (setrlimit before exec), and an environment of its own rather than ours: PATH, HOME, USER,
// LOGNAME, LANG, LC_*, TZ and TMPDIR from ours, the handler's `env` entries, and KIQ_JID, KIQ_CLASS,
// KIQ_QUEUE. Nothing else passes, so the secrets the CLI reads from its environment (REDISCLI_AUTH,
// KIQDESK_SENTINEL_AUTH, KIQDESK_ACL_PASSWORD) never reach a handler; `env` cannot name them either.
//
// Config (TOML, one [[handler]] table per entry; parseHandlerConfig):
//
//     [[handler]]
//     class = "ReportJob"               # exact class name, or a glob: "Report*", "Mailer::*"
//     command = ["/usr/bin/python3", "jobs/report.py"]
//     timeout = 30                      # wall-clock seconds (float allowed); default 60
//     working_dir = "/srv/app"          # optional
//     env = { RAILS_ENV = "production" } # optional; added to the allowlisted variables above
//     limit_cpu = 30                    # CPU seconds (RLIMIT_CPU: SIGXCPU, then SIGKILL); default 300
//     limit_address_space_mb = 2048     # RLIMIT_AS; default none (JVMs and V8 reserve huge ranges)
//     limit_open_files = 256            # RLIMIT_NOFILE; default 1024
//     limit_processes = 64              # processes/threads it may add (RLIMIT_NPROC); default 256
//
// A limit of 0 means none. RLIMIT_NPROC counts every process of the user, so the limit is set to the
// user's current count plus limit_processes; it does not bind root. A limit hit fails the job with a
// message naming it ("killed by SIGXCPU: CPU limit 30 s"); for open files and processes the program
// sees EMFILE / EAGAIN and its own complaint becomes the message, the limits are in the backtrace.

#include "util/Error.h"
#include "worker/Handler.h"

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiq::worker {

struct ResourceLimits {
    long long cpuSeconds = 300;
    long long addressSpaceMb = 0;
    long long openFiles = 1024;
    long long processes = 256; // on top of the user's processes at start
};

struct ExternalCommandSpec {
    std::string classPattern;
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout {60000};
    std::string workingDir;
    std::vector<std::pair<std::string, std::string>> env; // the handler's own variables
    ResourceLimits limits;
};

// Variables a handler never gets, whatever the config says.
inline constexpr const char* kSecretEnvironmentVariables[]
    = {"REDISCLI_AUTH", "KIQDESK_SENTINEL_AUTH", "KIQDESK_ACL_PASSWORD"};

// "NAME=value" strings for the child: the allowlisted variables of our environment, then spec.env.
std::vector<std::string> handlerEnvironment(const ExternalCommandSpec& spec);

struct ExternalCommandResult {
    int exitCode = -1; // -1 when it did not exit normally
    int signal = 0; // the signal that ended it, if any
    double cpuSeconds = 0; // user + system time of the program (not of what it left running)
    bool timedOut = false;
    bool interrupted = false; // stopped through the stop token
    std::string stderrTail; // last kTailBytes of stderr
    std::string stdoutTail;
    std::chrono::milliseconds elapsed {0};

    bool ok() const { return exitCode == 0 && !timedOut && !interrupted; }
};

inline constexpr std::size_t kTailBytes = 10000;

// Runs argv[0] (a path, or a name looked up on PATH) with `input` on stdin, the environment of
// handlerEnvironment() plus extraEnv, and spec.limits. Throws std::runtime_error if it cannot be started.
ExternalCommandResult runExternalCommand(const ExternalCommandSpec& spec, std::string_view input,
    const std::vector<std::string>& extraEnv, std::stop_token stop);

// The handler for one spec: throws JobError("ExternalCommandFailed" / "ExternalCommandTimeout") on
// failure and JobInterrupted at shutdown.
JobHandler makeExternalHandler(ExternalCommandSpec spec);

using kiq::ConfigError;

// Reads [[handler]] tables; throws ConfigError naming the source, line and problem.
std::vector<ExternalCommandSpec> parseHandlerConfig(std::string_view tomlText, std::string_view sourceName);
std::vector<ExternalCommandSpec> loadHandlerConfigFile(const std::string& path);

} // namespace kiq::worker
