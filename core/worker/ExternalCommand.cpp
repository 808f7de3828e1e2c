#include "worker/ExternalCommand.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kiq::worker {

namespace {
using Clock = std::chrono::steady_clock;

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f)
        : fd(f)
    {
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

void appendTail(std::string& tail, const char* data, std::size_t n)
{
    tail.append(data, n);
    if (tail.size() > 2 * kTailBytes) tail.erase(0, tail.size() - kTailBytes);
}

void trimTail(std::string& tail)
{
    if (tail.size() > kTailBytes) tail.erase(0, tail.size() - kTailBytes);
}

std::string trimmed(std::string s)
{
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

bool allowedVariable(std::string_view name)
{
    static constexpr std::string_view kAllowed[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR"};
    return std::find(std::begin(kAllowed), std::end(kAllowed), name) != std::end(kAllowed) || name.rfind("LC_", 0) == 0;
}

// Adds NAME=value, replacing an earlier entry of the same name.
void setVariable(std::vector<std::string>& env, std::string entry)
{
    const std::string_view name = std::string_view(entry).substr(0, entry.find('=') + 1);
    const auto same = [&](const std::string& e) { return std::string_view(e).substr(0, name.size()) == name; };
    env.erase(std::remove_if(env.begin(), env.end(), same), env.end());
    env.push_back(std::move(entry));
}

// argv[0] as execve needs it: a path as given, or the first executable file of that name on PATH.
std::string resolveProgram(const std::string& name, const std::vector<std::string>& env)
{
    if (name.find('/') != std::string::npos) return name;
    std::string path = "/bin:/usr/bin"; // execvp's default
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    for (std::size_t start = 0;;) {
        const std::size_t end = path.find(':', start);
        std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        struct stat st { };
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    throw std::runtime_error("cannot start " + name + ": not found on PATH");
}

// Processes and threads of our real user: what RLIMIT_NPROC is compared with.
long long userTaskCount()
{
    const uid_t uid = ::getuid();
    long long count = 0;
    DIR* proc = ::opendir("/proc");
    if (!proc) return 0;
    while (const dirent* entry = ::readdir(proc)) {
        if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
        FILE* status = std::fopen((std::string("/proc/") + entry->d_name + "/status").c_str(), "re");
        if (!status) continue; // gone meanwhile
        char line[256];
        bool ours = false;
        while (std::fgets(line, sizeof line, status)) {
            unsigned long real = 0;
            long long threads = 0;
            if (std::sscanf(line, "Uid: %lu", &real) == 1)
                ours = real == uid;
            else if (ours && std::sscanf(line, "Threads: %lld", &threads) == 1)
                count += threads;
        }
        std::fclose(status);
    }
    ::closedir(proc);
    return count;
}

struct Limit {
    int resource;
    rlimit value;
};

// The setrlimit calls for the child, each capped at our own hard limit (which only root may raise).
std::vector<Limit> limitsFor(const ResourceLimits& l)
{
    std::vector<Limit> out;
    const auto add = [&](int resource, rlim_t soft, rlim_t hard) {
        rlimit current {};
        if (::getrlimit(resource, &current) != 0) return;
        hard = std::min(hard, current.rlim_max);
        out.push_back({resource, {std::min(soft, hard), hard}});
    };
    // The hard CPU limit a second later: SIGXCPU first (named in the job's error), SIGKILL if ignored.
    if (l.cpuSeconds > 0) add(RLIMIT_CPU, rlim_t(l.cpuSeconds), rlim_t(l.cpuSeconds + 1));
    if (l.addressSpaceMb > 0) add(RLIMIT_AS, rlim_t(l.addressSpaceMb) << 20, rlim_t(l.addressSpaceMb) << 20);
    if (l.openFiles > 0) add(RLIMIT_NOFILE, rlim_t(l.openFiles), rlim_t(l.openFiles));
    // Root is exempt from RLIMIT_NPROC; do not scan /proc for nothing.
    if (l.processes > 0 && ::geteuid() != 0) {
        const rlim_t n = rlim_t(userTaskCount() + l.processes);
        add(RLIMIT_NPROC, n, n);
    }
    return out;
}

// Closes every descriptor from 3 up except `keep`. Async-signal-safe (runs between fork and exec).
void closeDescriptorsExcept(int keep, int fallbackMax)
{
    const bool ranges = (keep <= 3 || ::syscall(SYS_close_range, 3u, unsigned(keep - 1), 0u) == 0)
        && ::syscall(SYS_close_range, unsigned(keep + 1), ~0u, 0u) == 0;
    if (ranges) return;
    for (int fd = 3; fd < fallbackMax; ++fd)
        if (fd != keep) ::close(fd);
}

std::string signalName(int signal)
{
    const char* abbrev = ::sigabbrev_np(signal);
    return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(signal);
}

std::string describeLimits(const ResourceLimits& l)
{
    const auto value
        = [](long long v, const char* unit) { return v > 0 ? std::to_string(v) + unit : std::string("none"); };
    return "limits: CPU " + value(l.cpuSeconds, " s") + ", address space " + value(l.addressSpaceMb, " MB")
        + ", open files " + value(l.openFiles, "") + ", processes "
        + (l.processes > 0 ? "+" + std::to_string(l.processes) : "none");
}

// The handler as a failed job's backtrace names it: its class pattern and program, not its arguments
// (they may hold tokens, and the backtrace is stored in Redis for anyone with read access).
std::string describeHandler(const ExternalCommandSpec& spec)
{
    const std::string& program = spec.argv.empty() ? std::string() : spec.argv.front();
    return "kiqdesk worker: external handler for " + spec.classPattern + " (" + program.substr(program.rfind('/') + 1)
        + ")";
}
} // namespace

std::vector<std::string> handlerEnvironment(const ExternalCommandSpec& spec)
{
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        const std::size_t eq = entry.find('=');
        if (eq != std::string_view::npos && allowedVariable(entry.substr(0, eq))) env.emplace_back(entry);
    }
    for (const auto& [name, value] : spec.env) setVariable(env, name + "=" + value);
    return env;
}

ExternalCommandResult runExternalCommand(const ExternalCommandSpec& spec, std::string_view input,
    const std::vector<std::string>& extraEnv, std::stop_token stop)
{
    if (spec.argv.empty())
        throw std::runtime_error("external handler for " + spec.classPattern + " has an empty command");

    std::vector<std::string> envStrings = handlerEnvironment(spec);
    for (const auto& e : extraEnv) setVariable(envStrings, e);
    const std::string program = resolveProgram(spec.argv.front(), envStrings);
    const std::vector<Limit> limits = limitsFor(spec.limits);

    // stdin is a socket pair so that writing to a child that does not read gives EPIPE through
    // MSG_NOSIGNAL instead of a process-wide SIGPIPE.
    int inPair[2], outPipe[2], errPipe[2], reportPipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, inPair) != 0)
        throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
    Fd inParent(inPair[0]), inChild(inPair[1]);
    if (::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    Fd outParent(outPipe[0]), outChild(outPipe[1]);
    if (::pipe2(errPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    Fd errParent(errPipe[0]), errChild(errPipe[1]);
    // The child writes its errno here if it cannot exec; a successful exec closes it (CLOEXEC).
    if (::pipe2(reportPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    Fd reportRead(reportPipe[0]), reportWrite(reportPipe[1]);
    ::shutdown(inChild.fd, SHUT_WR);

    std::vector<std::string> args = spec.argv;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : envStrings) envp.push_back(e.data());
    envp.push_back(nullptr);
    const char* workingDir = spec.workingDir.empty() ? nullptr : spec.workingDir.c_str();
    rlimit files {};
    const int fallbackMaxFd
        = ::getrlimit(RLIMIT_NOFILE, &files) == 0 ? int(std::min<rlim_t>(files.rlim_cur, 65536)) : 1024;
    sigset_t none;
    sigemptyset(&none);

    // fork + exec rather than posix_spawn: the limits must be set in the child before exec.
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        // The child of a threaded process: async-signal-safe calls only, no allocation.
        const int report = reportWrite.fd;
        const auto fail = [report](int error) {
            [[maybe_unused]] const ssize_t n = ::write(report, &error, sizeof error);
            ::_exit(127);
        };
        ::setpgid(0, 0); // its own process group, so a timeout kills its children too
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction defaultAction { };
        defaultAction.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &defaultAction, nullptr);
        if (::dup2(inChild.fd, 0) < 0 || ::dup2(outChild.fd, 1) < 0 || ::dup2(errChild.fd, 2) < 0) fail(errno);
        if (workingDir && ::chdir(workingDir) != 0) fail(errno);
        for (const Limit& l : limits)
            if (::setrlimit(l.resource, &l.value) != 0) fail(errno);
        closeDescriptorsExcept(report, fallbackMaxFd);
        ::execve(program.c_str(), argv.data(), envp.data());
        fail(errno);
    }
    ::setpgid(pid, pid); // also here, so the group exists before we might kill it
    reportWrite.reset();
    inChild.reset();
    outChild.reset();
    errChild.reset();
    int execError = 0;
    ssize_t got = 0;
    while ((got = ::read(reportRead.fd, &execError, sizeof execError)) < 0 && errno == EINTR) { }
    if (got == ssize_t(sizeof execError)) {
        int ignored = 0;
        while (::waitpid(pid, &ignored, 0) < 0 && errno == EINTR) { }
        throw std::runtime_error("cannot start " + spec.argv.front() + ": " + std::strerror(execError));
    }
    for (int fd : {inParent.fd, outParent.fd, errParent.fd}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

    ExternalCommandResult result;
    const auto start = Clock::now();
    const auto deadline = start + spec.timeout;
    std::size_t written = 0;
    if (input.empty()) inParent.reset();
    bool exited = false;
    int status = 0;
    std::optional<Clock::time_point> exitedAt;
    char buf[16384];

    const auto killGroup = [&] {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    };

    for (;;) {
        if (!exited) {
            // WNOWAIT: the zombie keeps its PID (and so its process group's id) until we reap it, so
            // the group kill below cannot hit a stranger that got the PID.
            siginfo_t info {};
            if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
                exited = true;
                exitedAt = Clock::now();
                ::kill(-pid, SIGKILL); // whatever it left running (a fork bomb's remains)
            }
        }
        const bool readersOpen = outParent.fd >= 0 || errParent.fd >= 0;
        if (exited && (!readersOpen || Clock::now() - *exitedAt > std::chrono::milliseconds(200))) break;
        if (!exited && !result.timedOut && !result.interrupted) {
            if (stop.stop_requested()) {
                result.interrupted = true;
                killGroup();
            } else if (Clock::now() >= deadline) {
                result.timedOut = true;
                killGroup();
            }
        }

        pollfd fds[3];
        int n = 0;
        int inIdx = -1, outIdx = -1, errIdx = -1;
        if (inParent.fd >= 0) {
            inIdx = n;
            fds[n++] = {inParent.fd, POLLOUT, 0};
        }
        if (outParent.fd >= 0) {
            outIdx = n;
            fds[n++] = {outParent.fd, POLLIN, 0};
        }
        if (errParent.fd >= 0) {
            errIdx = n;
            fds[n++] = {errParent.fd, POLLIN, 0};
        }
        const int waitMs = exited ? 20 : 50; // short: stop requests and the deadline are checked between polls
        if (n == 0) {
            ::usleep(waitMs * 1000);
            continue;
        }
        const int ready = ::poll(fds, nfds_t(n), waitMs);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;

        if (inIdx >= 0 && fds[inIdx].revents) {
            const ssize_t w = ::send(inParent.fd, input.data() + written, input.size() - written, MSG_NOSIGNAL);
            if (w > 0) written += std::size_t(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
                inParent.reset(); // EOF for the child
        }
        const auto drain = [&](int idx, Fd& fd, std::string& tail) {
            if (idx < 0 || !fds[idx].revents) return;
            const ssize_t r = ::read(fd.fd, buf, sizeof buf);
            if (r > 0)
                appendTail(tail, buf, std::size_t(r));
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                fd.reset();
        };
        drain(outIdx, outParent, result.stdoutTail);
        drain(errIdx, errParent, result.stderrTail);
    }
    if (!exited) killGroup();
    rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) { }
    result.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    trimTail(result.stdoutTail);
    trimTail(result.stderrTail);
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return result;
}

JobHandler makeExternalHandler(ExternalCommandSpec spec)
{
    return [spec = std::move(spec)](const JobContext& ctx) {
        const std::vector<std::string> env {
            "KIQ_JID=" + ctx.job.jid, "KIQ_CLASS=" + ctx.job.className, "KIQ_QUEUE=" + std::string(ctx.queue)};
        std::vector<std::string> backtrace {describeHandler(spec)};
        ExternalCommandResult r;
        try {
            r = runExternalCommand(spec, ctx.job.raw, env, ctx.hardStop);
        } catch (const std::exception& e) {
            throw JobError("ExternalCommandFailed", e.what(), backtrace);
        }
        if (r.interrupted) throw JobInterrupted();
        const std::string err = trimmed(r.stderrTail);
        if (r.timedOut) {
            backtrace.push_back("killed after " + std::to_string(spec.timeout.count()) + " ms");
            throw JobError("ExternalCommandTimeout",
                "timed out after " + std::to_string(spec.timeout.count()) + " ms" + (err.empty() ? "" : ": " + err),
                backtrace);
        }
        if (r.exitCode == 0) return;
        const ResourceLimits& limits = spec.limits;
        std::string how = r.signal ? "killed by " + signalName(r.signal) : "exit status " + std::to_string(r.exitCode);
        // SIGXCPU at the soft limit; SIGKILL at the hard one, a second later, if it ignored SIGXCPU.
        if (limits.cpuSeconds > 0
            && (r.signal == SIGXCPU || (r.signal == SIGKILL && r.cpuSeconds >= double(limits.cpuSeconds))))
            how += ": CPU limit " + std::to_string(limits.cpuSeconds) + " s";
        else if (limits.addressSpaceMb > 0 && (r.signal == SIGSEGV || r.signal == SIGABRT || r.signal == SIGBUS))
            how += " (address space limit " + std::to_string(limits.addressSpaceMb) + " MB)";
        backtrace.push_back(how);
        backtrace.push_back(describeLimits(limits));
        std::string message = r.signal ? how + (err.empty() ? "" : "\n" + err)
            : err.empty()              ? "command failed with " + how
                                       : err;
        throw JobError("ExternalCommandFailed", message, backtrace);
    };
}

} // namespace kiq::worker
