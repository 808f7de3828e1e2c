#include "harness/Process.h"

#include <QStandardPaths>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kiq::test {
namespace {

// Everything the child needs, prepared before fork(): after fork() in a multi-threaded process only
// async-signal-safe calls are allowed, so no allocation happens in the child.
struct ExecSpec {
    std::string path;
    std::string workingDir; // empty: inherit
    std::vector<std::string> args; // args[0] is the program
    std::vector<char*> argv;
    int inFd = -1, outFd = -1, errFd = -1;
    int maxFd = 1024;

    ExecSpec(const QString& program, const QStringList& arguments)
    {
        path = findExecutable(program).toStdString();
        if (path.empty()) throw std::runtime_error("executable not found on PATH: " + program.toStdString());
        args.push_back(path);
        for (const QString& a : arguments) args.push_back(a.toStdString());
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        rlimit rl {};
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            maxFd = int(std::min<rlim_t>(rl.rlim_cur, 65536));
    }
};

int openDevNull()
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("open /dev/null: ") + std::strerror(errno));
    return fd;
}

// fork + execve. The child dies with SIGKILL when the forking thread exits (see Process.h), and
// closes every inherited descriptor above 2 so no test socket stays open inside a server.
// An exec failure is reported back through a close-on-exec pipe and thrown here.
pid_t forkExec(const ExecSpec& spec)
{
    int errPipe[2];
    if (::pipe2(errPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int e = errno;
        ::close(errPipe[0]);
        ::close(errPipe[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(e));
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the parent died before prctl took effect
            ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        if (!spec.workingDir.empty() && ::chdir(spec.workingDir.c_str()) != 0) {
            const int e = errno;
            [[maybe_unused]] auto n = ::write(errPipe[1], &e, sizeof e);
            ::_exit(127);
        }
        ::dup2(spec.inFd, 0);
        ::dup2(spec.outFd, 1);
        ::dup2(spec.errFd, 2);
        const int errWrite = ::dup2(errPipe[1], 3) == 3 ? 3 : errPipe[1];
        ::fcntl(errWrite, F_SETFD, FD_CLOEXEC);
        if (::syscall(SYS_close_range, 4U, ~0U, 0U) != 0) {
            for (int fd = 4; fd < spec.maxFd; ++fd) ::close(fd);
        }
        ::execve(spec.path.c_str(), spec.argv.data(), environ);
        const int e = errno;
        [[maybe_unused]] auto n = ::write(errWrite, &e, sizeof e);
        ::_exit(127);
    }
    ::close(errPipe[1]);
    int childErrno = 0;
    ssize_t n;
    do {
        n = ::read(errPipe[0], &childErrno, sizeof childErrno);
    } while (n < 0 && errno == EINTR);
    ::close(errPipe[0]);
    if (n > 0) {
        int st;
        ::waitpid(pid, &st, 0);
        throw std::runtime_error("exec " + spec.path + (spec.workingDir.empty() ? "" : " in " + spec.workingDir) + ": "
            + std::strerror(childErrno));
    }
    return pid;
}

// The one thread that forks long-lived servers. Leaked on purpose: it must outlive every static
// destructor so PDEATHSIG fires only when the whole test process goes away.
class SpawnerThread {
public:
    static SpawnerThread& instance()
    {
        static auto* s = new SpawnerThread;
        return *s;
    }

    pid_t spawn(const ExecSpec& spec)
    {
        std::packaged_task<pid_t()> task([&spec] { return forkExec(spec); });
        auto result = task.get_future();
        {
            std::lock_guard lock(m_mutex);
            m_jobs.emplace_back([&task] { task(); });
        }
        m_cv.notify_one();
        return result.get(); // rethrows forkExec's exception
    }

private:
    SpawnerThread()
    {
        std::thread([this] { loop(); }).detach();
    }

    [[noreturn]] void loop()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(m_mutex);
                m_cv.wait(lock, [this] { return !m_jobs.empty(); });
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            job();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_jobs;
};

pid_t waitpidNoIntr(pid_t pid, int* status, int flags)
{
    pid_t r;
    do {
        r = ::waitpid(pid, status, flags);
    } while (r < 0 && errno == EINTR);
    return r;
}

} // namespace

QString findExecutable(const QString& name)
{
    if (name.contains(QLatin1Char('/'))) return ::access(name.toLocal8Bit().constData(), X_OK) == 0 ? name : QString();
    return QStandardPaths::findExecutable(name);
}

ProcessResult runProcess(const QString& program, const QStringList& args, int timeoutMs, const QString& workingDir)
{
    ExecSpec spec(program, args);
    spec.workingDir = workingDir.toStdString();
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        ::close(outPipe[0]);
        ::close(outPipe[1]);
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    spec.inFd = openDevNull();
    spec.outFd = outPipe[1];
    spec.errFd = errPipe[1];
    pid_t pid = -1;
    try {
        pid = forkExec(spec); // from the calling thread: it stays alive (blocked here) until the child ends
    } catch (...) {
        for (int fd : {outPipe[0], outPipe[1], errPipe[0], errPipe[1], spec.inFd}) ::close(fd);
        throw;
    }
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    ::close(spec.inFd);

    ProcessResult result;
    QByteArray out, err;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    int open = 2;
    while (open > 0) {
        const auto left
            = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                  .count();
        if (left <= 0) {
            result.timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const int r = ::poll(fds, 2, int(left));
        if (r < 0 && errno != EINTR) break;
        for (pollfd& p : fds) {
            if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            const ssize_t n = ::read(p.fd, buf, sizeof buf);
            if (n > 0) {
                (p.fd == outPipe[0] ? out : err).append(buf, n);
            } else if (n == 0 || errno != EINTR) {
                ::close(p.fd);
                p.fd = -1;
                --open;
            }
        }
    }
    for (const pollfd& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    int status = 0;
    if (waitpidNoIntr(pid, &status, 0) == pid && WIFEXITED(status) && !result.timedOut)
        result.exitCode = WEXITSTATUS(status);
    result.out = QString::fromLocal8Bit(out);
    result.err = QString::fromLocal8Bit(err);
    return result;
}

pid_t spawnProcess(const QString& program, const QStringList& args, const QString& outputFile)
{
    ExecSpec spec(program, args);
    const int outFd = ::open(outputFile.toLocal8Bit().constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (outFd < 0) throw std::runtime_error("open " + outputFile.toStdString() + ": " + std::strerror(errno));
    spec.inFd = openDevNull();
    spec.outFd = outFd;
    spec.errFd = outFd;
    pid_t pid = -1;
    try {
        pid = SpawnerThread::instance().spawn(spec);
    } catch (...) {
        ::close(outFd);
        ::close(spec.inFd);
        throw;
    }
    ::close(outFd);
    ::close(spec.inFd);
    return pid;
}

bool processRunning(pid_t pid)
{
    if (pid <= 0) return false;
    int status;
    return waitpidNoIntr(pid, &status, WNOHANG) == 0;
}

void stopProcess(pid_t pid, int graceMs)
{
    if (!processRunning(pid)) return;
    int status;
    if (graceMs > 0) {
        ::kill(pid, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
        while (std::chrono::steady_clock::now() < deadline) {
            const pid_t r = waitpidNoIntr(pid, &status, WNOHANG);
            if (r == pid || r < 0) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ::kill(pid, SIGKILL);
    waitpidNoIntr(pid, &status, 0);
}

} // namespace kiq::test
