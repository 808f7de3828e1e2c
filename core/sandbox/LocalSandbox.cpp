#include "sandbox/LocalSandbox.h"

#include "redis/Client.h"
#include "redis/Errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <chrono>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiq::sandbox {

namespace {
constexpr int kPortAttempts = 5;
const char* const kNotFound = "redis-server not found: run scripts/setup-deps.sh";

// Asks the kernel for a free loopback port by binding port 0. Another process may take it before
// redis-server binds it; start() then retries on a new port (see tryStart's "Address already in use").
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw SandboxError("cannot create a socket to find a free port");
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ::close(fd);
    if (!ok) throw SandboxError("cannot find a free port on 127.0.0.1");
    return ntohs(addr.sin_port);
}
// 256 bits from the system's CSPRNG, as hex (no quoting needed in redis.conf).
std::string randomPassword()
{
    std::string out;
    for (int i = 0; i < 8; ++i) {
        char word[9];
        std::snprintf(word, sizeof word, "%08x", QRandomGenerator::system()->generate());
        out += word;
    }
    return out;
}

// Creates `path` readable by its owner only, from the first byte on (no window with wider rights).
bool writePrivateFile(const QString& path, const std::string& text, QString* why)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *why = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += std::size_t(n);
    }
    ::close(fd);
    if (done != text.size()) *why = QStringLiteral("cannot write %1").arg(path);
    return done == text.size();
}
} // namespace

LocalSandbox::LocalSandbox(QObject* parent)
    : LocalSandbox(Settings {}, parent)
{
}

LocalSandbox::LocalSandbox(Settings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    // Quitting the app must not leave the server running until the destructor happens to run
    // (objects created in main() may outlive the event loop by a while, or never be destroyed).
    if (auto* app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &LocalSandbox::stop);
}

LocalSandbox::~LocalSandbox()
{
    stop();
}

QString LocalSandbox::findRedisServer()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
}

void LocalSandbox::start()
{
    if (isRunning()) return;
    QString executable = m_settings.redisServer.isEmpty() ? findRedisServer() : m_settings.redisServer;
    if (executable.isEmpty() || !QFileInfo(executable).isExecutable()) throw SandboxError(kNotFound);

    QString why;
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        if (tryStart(executable, freeLoopbackPort(), &why)) return;
        // Only a lost race for the port is worth another try; anything else would fail again.
        if (!why.contains(QLatin1String("Address already in use"))) break;
    }
    stop();
    throw SandboxError(QStringLiteral("the local sandbox did not start: %1").arg(why).toStdString());
}

bool LocalSandbox::tryStart(const QString& executable, int port, QString* why)
{
    stop();
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/kiqdesk-sandbox-XXXXXX"));
    if (!m_dir->isValid()) {
        *why = QStringLiteral("cannot create a temporary directory: %1").arg(m_dir->errorString());
        return false;
    }
    m_port = port;
    // Without a password any local user could FLUSHALL the sandbox or push jobs into the user's own
    // handlers. The password goes through a config file in the 0700 directory, never on the command
    // line, where `ps` would show it.
    m_password = randomPassword();
    if (!writePrivateFile(configFile(), "requirepass " + m_password + "\n", why)) return false;

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(executable);
    m_process->setArguments({
        configFile(), // first: redis-server reads a config file only as its first argument
        QStringLiteral("--save"), QString(), // no RDB snapshots: the sandbox is throwaway
        QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
        QStringLiteral("--port"), QString::number(port), QStringLiteral("--dir"), m_dir->path(),
        QStringLiteral("--logfile"), logFile(), QStringLiteral("--daemonize"), QStringLiteral("no"), // we own it by PID
    });
    m_process->setWorkingDirectory(m_dir->path());
    m_process->setProcessChannelMode(QProcess::MergedChannels); // early errors go to stdout, not the log
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([parent] {
        // Runs in the child between fork and exec: only async-signal-safe calls here.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1); // the parent died before prctl took effect
    });
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        *why = QStringLiteral("cannot run %1: %2").arg(executable, m_process->errorString());
        return false;
    }
    return waitUntilReady(why);
}

bool LocalSandbox::waitUntilReady(QString* why)
{
    kiq::redis::ConnectionOptions probeOptions = options();
    probeOptions.connectTimeout = std::chrono::milliseconds(500);
    probeOptions.commandTimeout = std::chrono::milliseconds(1000);
    probeOptions.reconnectAttempts = 1; // we poll ourselves; the client's backoff would only add delay

    const auto deadline = std::chrono::steady_clock::now() + m_settings.startTimeout;
    QString lastError;
    while (std::chrono::steady_clock::now() < deadline) {
        // waitForFinished doubles as the poll interval and notices a server that exits at once
        // (port taken, bad option) without needing an event loop.
        if (m_process->state() == QProcess::NotRunning || m_process->waitForFinished(50)) {
            const QString output = QString::fromLocal8Bit(m_process->readAll()).trimmed();
            *why = QStringLiteral("redis-server exited (code %1)\n%2\n%3")
                       .arg(m_process->exitCode())
                       .arg(output, logTail(10))
                       .trimmed();
            return false;
        }
        try {
            kiq::redis::Client client(probeOptions);
            if (client.command(kiq::redis::Command("PING")).asString() == "PONG") return true;
        } catch (const kiq::redis::Error& e) {
            lastError = QString::fromStdString(e.what());
        }
    }
    *why = QStringLiteral("redis-server did not answer PING within %1 ms (%2)\n%3")
               .arg(m_settings.startTimeout.count())
               .arg(lastError, logTail(10))
               .trimmed();
    return false;
}

void LocalSandbox::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        const auto pid = static_cast<pid_t>(m_process->processId());
        ::kill(pid, SIGTERM);
        if (!m_process->waitForFinished(static_cast<int>(m_settings.stopGrace.count()))) {
            ::kill(pid, SIGKILL);
            m_process->waitForFinished(-1); // reaps it, so the PID is really gone when we return
        }
    }
    m_process.reset();
    m_dir.reset(); // removes the directory with the log
}

bool LocalSandbox::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 LocalSandbox::pid() const
{
    return isRunning() ? m_process->processId() : 0;
}

int LocalSandbox::port() const
{
    return m_port;
}

QString LocalSandbox::directory() const
{
    return m_dir ? m_dir->path() : QString();
}

QString LocalSandbox::logFile() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("redis.log")) : QString();
}

QString LocalSandbox::configFile() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("redis.conf")) : QString();
}

kiq::redis::ConnectionOptions LocalSandbox::options() const
{
    kiq::redis::ConnectionOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = m_port;
    o.password = m_password;
    return o;
}

QString LocalSandbox::logTail(int lines) const
{
    QFile file(logFile());
    if (!file.open(QIODevice::ReadOnly)) return {};
    QStringList all = QString::fromLocal8Bit(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    if (all.size() > lines) all = all.mid(all.size() - lines);
    return all.join(u'\n');
}

} // namespace kiq::sandbox
