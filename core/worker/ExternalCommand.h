#pragma once
// Jobs run by an external program: the job JSON on stdin, exit status 0 = success. Anything else is a
// failure recorded with error_class "ExternalCommandFailed" and the tail of stderr as error_message;
// a run longer than the handler's timeout is killed (its whole process group, SIGKILL) and recorded
// as "ExternalCommandTimeout". At shutdown (JobContext::hardStop) the group is killed too and the job
// goes back to its queue.
//
// The child gets its own process group, stdin/stdout/stderr pipes and no other descriptors, and these
// environment variables besides ours: KIQ_JID, KIQ_CLASS, KIQ_QUEUE.
//
// Config (TOML, one [[handler]] table per entry; parseHandlerConfig):
//
//     [[handler]]
//     class = "ReportJob"               # exact class name, or a glob: "Report*", "Mailer::*"
//     command = ["/usr/bin/python3", "jobs/report.py"]
//     timeout = 30                      # seconds (float allowed); default 60
//     working_dir = "/srv/app"          # optional

#include "worker/Handler.h"

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::worker {

struct ExternalCommandSpec {
    std::string classPattern;
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout{60000};
    std::string workingDir;
};

struct ExternalCommandResult {
    int exitCode = -1;   // -1 when it did not exit normally
    int signal = 0;      // the signal that ended it, if any
    bool timedOut = false;
    bool interrupted = false; // stopped through the stop token
    std::string stderrTail;   // last kTailBytes of stderr
    std::string stdoutTail;
    std::chrono::milliseconds elapsed{0};

    bool ok() const { return exitCode == 0 && !timedOut && !interrupted; }
};

inline constexpr std::size_t kTailBytes = 10000;

// Runs argv[0] (a path, or a name looked up on PATH) with `input` on stdin. Throws
// std::runtime_error if it cannot be started.
ExternalCommandResult runExternalCommand(const ExternalCommandSpec& spec, std::string_view input,
                                         const std::vector<std::string>& extraEnv, std::stop_token stop);

// The handler for one spec: throws JobError("ExternalCommandFailed" / "ExternalCommandTimeout") on
// failure and JobInterrupted at shutdown.
JobHandler makeExternalHandler(ExternalCommandSpec spec);

class ConfigError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads [[handler]] tables; throws ConfigError naming the source, line and problem.
std::vector<ExternalCommandSpec> parseHandlerConfig(std::string_view tomlText, std::string_view sourceName);
std::vector<ExternalCommandSpec> loadHandlerConfigFile(const std::string& path);

} // namespace kiq::worker
