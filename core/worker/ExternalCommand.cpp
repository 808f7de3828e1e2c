#include "worker/ExternalCommand.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <spawn.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kiq::worker {

namespace {
using Clock = std::chrono::steady_clock;

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
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

std::string describeCommand(const std::vector<std::string>& argv)
{
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
    return out;
}
} // namespace

ExternalCommandResult runExternalCommand(const ExternalCommandSpec& spec, std::string_view input,
                                         const std::vector<std::string>& extraEnv, std::stop_token stop)
{
    if (spec.argv.empty()) throw std::runtime_error("external handler for " + spec.classPattern + " has an empty command");

    // stdin is a socket pair so that writing to a child that does not read gives EPIPE through
    // MSG_NOSIGNAL instead of a process-wide SIGPIPE.
    int inPair[2], outPipe[2], errPipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, inPair) != 0)
        throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
    Fd inParent(inPair[0]), inChild(inPair[1]);
    if (::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    Fd outParent(outPipe[0]), outChild(outPipe[1]);
    if (::pipe2(errPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    Fd errParent(errPipe[0]), errChild(errPipe[1]);
    ::shutdown(inChild.fd, SHUT_WR);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, inChild.fd, 0);
    posix_spawn_file_actions_adddup2(&actions, outChild.fd, 1);
    posix_spawn_file_actions_adddup2(&actions, errChild.fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (!spec.workingDir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.workingDir.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0); // its own process group, so a timeout kills its children too
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> args = spec.argv;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> envStrings = extraEnv;
    std::vector<char*> envp;
    for (char** e = environ; e && *e; ++e) envp.push_back(*e);
    for (auto& e : envStrings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + spec.argv[0] + ": " + std::strerror(rc));
    inChild.reset();
    outChild.reset();
    errChild.reset();
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
            const pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid) {
                exited = true;
                exitedAt = Clock::now();
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
        if (inParent.fd >= 0) { inIdx = n; fds[n++] = {inParent.fd, POLLOUT, 0}; }
        if (outParent.fd >= 0) { outIdx = n; fds[n++] = {outParent.fd, POLLIN, 0}; }
        if (errParent.fd >= 0) { errIdx = n; fds[n++] = {errParent.fd, POLLIN, 0}; }
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
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) inParent.reset(); // EOF for the child
        }
        const auto drain = [&](int idx, Fd& fd, std::string& tail) {
            if (idx < 0 || !fds[idx].revents) return;
            const ssize_t r = ::read(fd.fd, buf, sizeof buf);
            if (r > 0) appendTail(tail, buf, std::size_t(r));
            else if (r == 0 || (errno != EAGAIN && errno != EINTR)) fd.reset();
        };
        drain(outIdx, outParent, result.stdoutTail);
        drain(errIdx, errParent, result.stderrTail);
    }
    if (!exited) {
        killGroup();
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
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
        const std::vector<std::string> env{"KIQ_JID=" + ctx.job.jid, "KIQ_CLASS=" + ctx.job.className,
                                           "KIQ_QUEUE=" + std::string(ctx.queue)};
        ExternalCommandResult r;
        try {
            r = runExternalCommand(spec, ctx.job.raw, env, ctx.hardStop);
        } catch (const std::exception& e) {
            throw JobError("ExternalCommandFailed", e.what(), {"command: " + describeCommand(spec.argv)});
        }
        if (r.interrupted) throw JobInterrupted();
        std::vector<std::string> backtrace{"command: " + describeCommand(spec.argv)};
        const std::string err = trimmed(r.stderrTail);
        if (r.timedOut) {
            backtrace.push_back("killed after " + std::to_string(spec.timeout.count()) + " ms");
            throw JobError("ExternalCommandTimeout",
                           "timed out after " + std::to_string(spec.timeout.count()) + " ms" + (err.empty() ? "" : ": " + err),
                           backtrace);
        }
        if (r.exitCode == 0) return;
        const std::string how = r.signal ? "killed by signal " + std::to_string(r.signal) : "exit status " + std::to_string(r.exitCode);
        backtrace.push_back(how);
        throw JobError("ExternalCommandFailed", err.empty() ? "command failed with " + how : err, backtrace);
    };
}

} // namespace kiq::worker
