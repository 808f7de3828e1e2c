#pragma once
// Child processes for the harness, with plain fork/exec so that every server is owned strictly by PID
// and nothing depends on a Qt event loop or on the thread a test happens to run in.
//
// Orphan protection: every child gets PR_SET_PDEATHSIG(SIGKILL). That signal fires when the *thread*
// that forked the child exits, so long-lived servers are forked from one dedicated harness thread
// that lives until the test process exits (or crashes): a crashed or timed-out test leaves no servers.

#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace kiq::test {

struct ProcessResult {
    int exitCode = -1; // -1 if the process did not exit normally (signal, timeout, exec failure)
    bool timedOut = false; // killed by runProcess after timeoutMs
    QString out; // stdout
    QString err; // stderr
};

// Full path of an executable on PATH, or an empty string.
QString findExecutable(const QString& name);

// Runs a short-lived program to completion, capturing stdout and stderr; stdin is /dev/null.
// `program` may be a name on PATH or a path. Kills it (SIGKILL) after timeoutMs. A non-empty
// workingDir is the child's current directory (the harness never changes its own).
ProcessResult runProcess(
    const QString& program, const QStringList& args, int timeoutMs = 30000, const QString& workingDir = QString());

// Starts a long-lived program (a server) with stdin from /dev/null and stdout+stderr appended to
// outputFile. Returns its PID; throws std::runtime_error if it cannot be started.
pid_t spawnProcess(const QString& program, const QStringList& args, const QString& outputFile);

// True if `pid` (a child of this process) is still running; reaps it if it has exited.
bool processRunning(pid_t pid);

// SIGTERM, then SIGKILL after graceMs; waits until the process is gone. graceMs = 0 means SIGKILL now.
void stopProcess(pid_t pid, int graceMs);

} // namespace kiq::test
