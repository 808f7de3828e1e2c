#pragma once
// A private redis-server for trying Kiqdesk without a deployment of one's own: loopback only, on a
// free port, in a temporary directory (0700), with persistence off so nothing outlives the session,
// and a random password (256 bits, new at every start) that only options() knows: other local users
// cannot read or write it. The password reaches the server through a 0600 config file in that
// directory, never through its command line.
//
// Lifecycle:
//   start()  finds redis-server, picks a free 127.0.0.1 port, starts the server (not daemonized, so
//            we own it by PID) and waits until it answers PING through kiq::redis::Client.
//   options() reaches it from then on. Demo data is seeded by the caller through options() (the
//            seedDemoData hook lives outside this class, so the sandbox stays free of job formats).
//   stop()   SIGTERM to the PID, SIGKILL after the grace period (3 s). The destructor and the
//            application's aboutToQuit both call it. A crashed Kiqdesk leaves no server behind either:
//            the child asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG).
//
// start() blocks for as long as the server takes to come up (typically ~50 ms, at most
// Settings::startTimeout): it is a local process, never the network.

#include "redis/ConnectionOptions.h"
#include "util/Error.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

class QProcess;
class QTemporaryDir;

namespace kiq::sandbox {

// Why the sandbox could not start; the message is meant for the user as it stands.
class SandboxError : public Error {
public:
    explicit SandboxError(const std::string& message)
        : Error(ErrorKind::Sandbox, message)
    {
    }
};

class LocalSandbox : public QObject {
    Q_OBJECT
public:
    struct Settings {
        QString redisServer; // path of the executable; empty: search PATH
        std::chrono::milliseconds startTimeout {10000};
        std::chrono::milliseconds stopGrace {3000};
    };

    explicit LocalSandbox(QObject* parent = nullptr);
    explicit LocalSandbox(Settings settings, QObject* parent = nullptr);
    ~LocalSandbox() override;

    // Throws SandboxError ("redis-server not found: run scripts/setup-deps.sh", or the server's own
    // complaint from its log). Calling it while running does nothing.
    void start();
    void stop();

    bool isRunning() const;
    qint64 pid() const; // 0 when not running
    int port() const; // 0 before the first start
    QString directory() const; // the server's --dir; empty when not running
    QString logFile() const; // directory()/redis.log
    QString configFile() const; // directory()/redis.conf (0600; holds the password)
    kiq::redis::ConnectionOptions options() const;

    // redis-server on PATH, or an empty string.
    static QString findRedisServer();

private:
    bool tryStart(const QString& executable, int port, QString* why);
    bool waitUntilReady(QString* why);
    QString logTail(int lines) const;

    Settings m_settings;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    int m_port = 0;
    std::string m_password;
};

} // namespace kiq::sandbox
