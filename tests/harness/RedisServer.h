#pragma once
// One real redis-server (or sentinel) process on a free loopback port, in its own temporary directory,
// owned by PID. Nothing daemonizes; the destructor stops it, and a crashed test cannot leave it running
// (see Process.h). Tests never skip: a missing redis-server is a failure.
// Waits inside the harness (startup, restart, failover…) use waitUntil, so they process the calling
// thread's Qt events: a client under test keeps running while a server restarts.

#include "harness/Process.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

#include <sys/types.h>

namespace kiq::test {

struct TlsFiles;

class RedisServer {
public:
    struct Options {
        QStringList extraArgs; // appended last, e.g. {"--requirepass", "pw"}
        bool tls = false; // TLS only: --port 0 --tls-port P
        bool requireClientCert = false; // --tls-auth-clients yes (else no)
        const TlsFiles* tlsFiles = nullptr; // required with tls; must outlive the server
        QString tlsCertFile, tlsKeyFile; // server certificate to present; empty = tlsFiles->serverCert/Key
        bool cluster = false; // --cluster-enabled yes, nodes-P.conf in dir(), node timeout 2000 ms
        bool sentinel = false; // run as a sentinel; configText is its (rewritable) config file
        QString configText; // if non-empty: written to dir()/redis.conf (sentinel.conf) and passed first
        QString name; // shown in messages and in the temp dir name
    };

    RedisServer();
    // Starts the server and waits (<= 10 s) until it answers PING; throws std::runtime_error with the
    // tail of its log otherwise. If the chosen port was taken meanwhile (another test process), retries
    // on a new port.
    explicit RedisServer(Options options);
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return m_port; }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    QString address() const { return host() + u':' + QString::number(m_port); } // "127.0.0.1:P"
    pid_t pid() const { return isRunning() ? m_pid : 0; } // 0 when stopped or dead
    QString dir() const { return m_dir->path(); }
    QString logFile() const; // dir()/redis.log
    QString logTail(int lines = 40) const; // last lines of the log and of stdout/stderr
    bool isRunning() const;
    const Options& options() const { return m_options; }

    // redis-cli arguments that reach this server: -h -p, and for TLS --tls --cacert (and --cert/--key
    // when withClientCert). Use them to run redis-cli with other flags, e.g. without a client cert.
    QStringList cliArgs(bool withClientCert) const;
    QStringList cliArgs() const { return cliArgs(m_options.requireClientCert); }

    // Runs redis-cli against this server (an independent client, for test setup and for checking what
    // the code under test did) and returns its stdout, trimmed. Error replies come back as text
    // ("ERR …"); a connection failure gives "" (use cliResult for the exit code and stderr).
    QString cli(const QStringList& args, int timeoutMs = 10000) const;
    ProcessResult cliResult(const QStringList& args, int timeoutMs = 10000) const;
    // One field of INFO <section>, e.g. info("replication", "master_link_status") == "up".
    QString info(const QString& section, const QString& field) const;

    void kill9(); // SIGKILL and wait until it has exited
    void stop(); // SIGTERM, SIGKILL after 5 s; waits until it has exited
    void restart(); // stop() if running, then start on the same port and dir; waits until ready

private:
    void start(bool mayChangePort);
    QStringList serverArgs() const;
    bool waitReady(int timeoutMs, QString* why);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    int m_port = 0;
    mutable pid_t m_pid = 0; // cleared once the process is known (and reaped) to be gone
};

// redis-server's path, or throws std::runtime_error("redis-server not found: run scripts/setup-deps.sh").
QString redisServerExecutable();

} // namespace kiq::test
