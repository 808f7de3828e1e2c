#pragma once
// Real Sidekiq 6.4.1 (Debian ruby-sidekiq) beside our code on the same test Redis: Ruby snippets that
// use Sidekiq's own client and API, and a running `sidekiq` process with the job classes of
// tests/ruby/jobs.rb.

#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace kiq::test {

// Path of tests/ruby/jobs.rb (set at build time).
QString sidekiqJobsFile();

// Runs `script` in Ruby with sidekiq, sidekiq/api and jobs.rb loaded and the client pointed at the
// server; returns stdout trimmed. Throws std::runtime_error with stderr if Ruby fails.
QString runSidekiqRuby(int redisPort, const QString& script, int timeoutMs = 60000);

class SidekiqProcess {
public:
    // Starts `sidekiq -r jobs.rb -c <concurrency> -q <queues…>` against the server. Waits until its
    // heartbeat is in `processes` (<= 20 s) and throws std::runtime_error with its log otherwise.
    // `userInfo` ("user:password") makes sidekiq authenticate as that ACL user.
    SidekiqProcess(
        int redisPort, const QStringList& queues = {"default"}, int concurrency = 2, const QString& userInfo = {});
    ~SidekiqProcess(); // TERM, then KILL after 10 s
    SidekiqProcess(const SidekiqProcess&) = delete;
    SidekiqProcess& operator=(const SidekiqProcess&) = delete;

    pid_t pid() const { return m_pid; }
    QString identity() const { return m_identity; } // as written in `processes`
    bool isRunning() const;
    QString logTail(int lines = 40) const;
    void stop();

private:
    int m_port;
    QString m_logFile;
    QString m_identity;
    pid_t m_pid = 0;
};

} // namespace kiq::test
