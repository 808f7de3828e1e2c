#include "harness/RedisServer.h"

#include "harness/Ports.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"

#include <QDir>
#include <QFile>

#include <stdexcept>

namespace kiq::test {
namespace {

constexpr int kReadyTimeoutMs = 10000;
constexpr int kStopGraceMs = 5000;

QString requireTool(const QString& name)
{
    const QString path = findExecutable(name);
    if (path.isEmpty()) throw std::runtime_error(name.toStdString() + " not found: run scripts/setup-deps.sh");
    return path;
}

QString lastLines(const QString& file, int lines)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const qint64 size = f.size();
    if (size > 64 * 1024) f.seek(size - 64 * 1024);
    QStringList all = QString::fromLocal8Bit(f.readAll()).split(u'\n');
    while (!all.isEmpty() && all.last().isEmpty()) all.removeLast();
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

} // namespace

QString redisServerExecutable()
{
    return requireTool(QStringLiteral("redis-server"));
}

RedisServer::RedisServer()
    : RedisServer(Options {})
{
}

RedisServer::RedisServer(Options options)
    : m_options(std::move(options))
{
    if (m_options.tls && !m_options.tlsFiles)
        throw std::runtime_error("RedisServer: Options::tls needs Options::tlsFiles");
    redisServerExecutable();
    requireTool(QStringLiteral("redis-cli"));
    const QString label = m_options.name.isEmpty() ? QStringLiteral("redis") : m_options.name;
    m_dir = std::make_unique<QTemporaryDir>(QDir::temp().filePath("kiq-" + label + "-XXXXXX"));
    if (!m_dir->isValid())
        throw std::runtime_error(
            "RedisServer: cannot create a temporary directory: " + m_dir->errorString().toStdString());
    // KIQ_KEEP_SERVER_DIRS=1 keeps logs and configs for a post-mortem.
    if (qEnvironmentVariableIntValue("KIQ_KEEP_SERVER_DIRS")) m_dir->setAutoRemove(false);
    m_port = freePort(m_options.cluster ? 10000 : 0);
    start(/*mayChangePort=*/true);
}

RedisServer::~RedisServer()
{
    stop();
}

QString RedisServer::logFile() const
{
    return m_dir->filePath(QStringLiteral("redis.log"));
}

QString RedisServer::logTail(int lines) const
{
    QString tail = lastLines(logFile(), lines);
    const QString out = lastLines(m_dir->filePath(QStringLiteral("stdout.log")), lines);
    if (!out.trimmed().isEmpty()) tail += QStringLiteral("\n--- stdout/stderr ---\n") + out;
    return tail;
}

bool RedisServer::isRunning() const
{
    if (m_pid > 0 && !processRunning(m_pid)) m_pid = 0; // reaped: never signal that PID again, it may be reused
    return m_pid > 0;
}

QStringList RedisServer::serverArgs() const
{
    QStringList args;
    if (!m_options.configText.isEmpty() || m_options.sentinel) {
        // The config file comes first. Sentinel rewrites it (and keeps its state there across restart),
        // so it is written only once.
        const QString conf = m_dir->filePath(m_options.sentinel ? "sentinel.conf" : "redis.conf");
        if (!QFile::exists(conf)) {
            QFile f(conf);
            if (!f.open(QIODevice::WriteOnly))
                throw std::runtime_error("RedisServer: cannot write " + conf.toStdString());
            f.write(m_options.configText.toUtf8());
        }
        args << conf;
        if (m_options.sentinel) args << "--sentinel";
    }
    const QString port = QString::number(m_port);
    if (m_options.tls) {
        const TlsFiles& t = *m_options.tlsFiles;
        args << "--port"
             << "0"
             << "--tls-port" << port << "--tls-cert-file"
             << (m_options.tlsCertFile.isEmpty() ? t.serverCert : m_options.tlsCertFile) << "--tls-key-file"
             << (m_options.tlsKeyFile.isEmpty() ? t.serverKey : m_options.tlsKeyFile) << "--tls-ca-cert-file"
             << t.caCert << "--tls-auth-clients"
             << (m_options.requireClientCert ? "yes" : "no")
             // The only port is TLS, so replicas and cluster buses must speak TLS too.
             << "--tls-replication"
             << "yes";
        if (m_options.cluster)
            args << "--tls-cluster"
                 << "yes";
    } else {
        args << "--port" << port;
    }
    args << "--bind"
         << "127.0.0.1"
         << "--save"
         << ""
         << "--appendonly"
         << "no"
         << "--dir" << m_dir->path() << "--logfile" << logFile() << "--daemonize"
         << "no";
    if (m_options.cluster)
        args << "--cluster-enabled"
             << "yes"
             << "--cluster-config-file" << ("nodes-" + port + ".conf") << "--cluster-node-timeout"
             << "2000";
    return args + m_options.extraArgs;
}

void RedisServer::start(bool mayChangePort)
{
    for (int attempt = 1;; ++attempt) {
        m_pid = spawnProcess(redisServerExecutable(), serverArgs(), m_dir->filePath(QStringLiteral("stdout.log")));
        QString why;
        if (waitReady(kReadyTimeoutMs, &why)) return;
        stopProcess(m_pid, 0);
        m_pid = 0;
        const bool portTaken = logTail(5).contains(QLatin1String("Address already in use"));
        if (mayChangePort && portTaken && attempt < 3) {
            m_port = freePort(m_options.cluster ? 10000 : 0); // another process took it: pick again
            continue;
        }
        throw std::runtime_error(QStringLiteral("redis-server %1 (port %2, dir %3) %4. Log tail:\n%5")
                                     .arg(m_options.name, QString::number(m_port), dir(), why, logTail())
                                     .toStdString());
    }
}

bool RedisServer::waitReady(int timeoutMs, QString* why)
{
    QString last;
    const bool ok = waitUntil(
        [&] {
            if (!isRunning()) {
                *why = QStringLiteral("exited during startup");
                return true;
            }
            last = cli({"PING"}, 2000);
            // A server started with requirepass answers NOAUTH: it is up, just locked.
            return last == QLatin1String("PONG") || last.startsWith(QLatin1String("NOAUTH"));
        },
        timeoutMs, 20);
    if (ok && why->isEmpty()) return true;
    if (why->isEmpty())
        *why = QStringLiteral("did not answer PING within %1 ms (last answer: \"%2\")").arg(timeoutMs).arg(last);
    return false;
}

QStringList RedisServer::cliArgs(bool withClientCert) const
{
    QStringList args {"-h", host(), "-p", QString::number(m_port)};
    if (m_options.tls) {
        const TlsFiles& t = *m_options.tlsFiles;
        args << "--tls"
             << "--cacert" << t.caCert;
        // A deliberately bad server cert (expired, wrong host) must not stop setup commands.
        if (!m_options.tlsCertFile.isEmpty()) args << "--insecure";
        if (withClientCert) args << "--cert" << t.clientCert << "--key" << t.clientKey;
    }
    return args;
}

ProcessResult RedisServer::cliResult(const QStringList& args, int timeoutMs) const
{
    return runProcess(QStringLiteral("redis-cli"), cliArgs() + args, timeoutMs);
}

QString RedisServer::cli(const QStringList& args, int timeoutMs) const
{
    return cliResult(args, timeoutMs).out.trimmed();
}

QString RedisServer::info(const QString& section, const QString& field) const
{
    const QString prefix = field + u':';
    for (const QString& line : cli({"INFO", section}).split(u'\n')) {
        if (line.startsWith(prefix)) return line.mid(prefix.size()).trimmed();
    }
    return {};
}

void RedisServer::kill9()
{
    stopProcess(m_pid, 0);
    m_pid = 0;
}

void RedisServer::stop()
{
    stopProcess(m_pid, kStopGraceMs);
    m_pid = 0;
}

void RedisServer::restart()
{
    stop();
    start(/*mayChangePort=*/false);
}

} // namespace kiq::test
