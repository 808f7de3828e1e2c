#include "harness/RealSidekiq.h"

#include "harness/Process.h"
#include "harness/TestEnv.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <stdexcept>

namespace kiq::test {

namespace {
QString preamble(int port)
{
    return QStringLiteral("require 'sidekiq'\nrequire 'sidekiq/api'\n"
                          "Redis.silence_deprecations = true if Redis.respond_to?(:silence_deprecations=)\n"
                          "Sidekiq.configure_client { |c| c.redis = { url: 'redis://127.0.0.1:%1/0' } }\n"
                          "Sidekiq.logger.level = Logger::WARN\n"
                          "require '%2'\n")
        .arg(port)
        .arg(sidekiqJobsFile());
}

QString redisUrl(int port)
{
    return QStringLiteral("redis://127.0.0.1:%1/0").arg(port);
}
} // namespace

QString sidekiqJobsFile()
{
    return QStringLiteral(KIQ_TESTS_SOURCE_DIR "/ruby/jobs.rb");
}

QString runSidekiqRuby(int redisPort, const QString& script, int timeoutMs)
{
    ProcessResult r = runProcess("ruby", {"-e", preamble(redisPort) + script}, timeoutMs);
    if (r.exitCode != 0)
        throw std::runtime_error(
            ("ruby failed (exit " + QString::number(r.exitCode) + "): " + r.err.right(2000)).toStdString());
    return r.out.trimmed();
}

SidekiqProcess::SidekiqProcess(int redisPort, const QStringList& queues, int concurrency, const QString& userInfo)
    : m_port(redisPort)
{
    if (findExecutable("sidekiq").isEmpty()) throw std::runtime_error("sidekiq not found: run scripts/setup-deps.sh");
    m_logFile = QDir(testOutputDir()).filePath(QStringLiteral("sidekiq-%1.log").arg(redisPort));
    QFile::remove(m_logFile);
    const QString url = userInfo.isEmpty() ? redisUrl(redisPort)
                                           : QStringLiteral("redis://%1@127.0.0.1:%2/0").arg(userInfo).arg(redisPort);
    QStringList args {
        "REDIS_URL=" + url, "sidekiq", "-r", sidekiqJobsFile(), "-c", QString::number(concurrency), "-t", "8"};
    for (const auto& q : queues) args << "-q" << q;
    m_pid = spawnProcess("env", args, m_logFile);
    const bool up = waitUntil(
        [&] {
            if (!processRunning(m_pid)) return true;
            const QString now = runSidekiqRuby(redisPort,
                QStringLiteral("puts Sidekiq::ProcessSet.new.select { |p| p['pid'] == %1 }.map(&:identity).first.to_s")
                    .arg(m_pid));
            if (!now.isEmpty()) m_identity = now;
            return !m_identity.isEmpty();
        },
        20000, 250);
    if (!up || m_identity.isEmpty()) {
        const QString log = logTail();
        stop();
        throw std::runtime_error(("sidekiq did not start its heartbeat: " + log).toStdString());
    }
}

SidekiqProcess::~SidekiqProcess()
{
    stop();
}

bool SidekiqProcess::isRunning() const
{
    return m_pid > 0 && processRunning(m_pid);
}

void SidekiqProcess::stop()
{
    if (m_pid > 0) stopProcess(m_pid, 10000);
    m_pid = 0;
}

QString SidekiqProcess::logTail(int lines) const
{
    QFile f(m_logFile);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QStringList all = QString::fromUtf8(f.readAll()).split('\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n');
}

} // namespace kiq::test
