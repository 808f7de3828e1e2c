// LocalSandbox: a private redis-server that answers PING, stops by PID (and with the application),
// leaves nothing behind, refuses clients without its password, and says clearly when redis-server is
// missing.
#include "redis/Client.h"
#include "redis/Errors.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoTraffic.h"
#include "sandbox/LocalSandbox.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Timestamp.h"
#include "worker/Launcher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <optional>

#include <csignal>
#include <sys/stat.h>

using kiq::sandbox::LocalSandbox;
using kiq::sandbox::SandboxError;

namespace {
bool pidAlive(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
}

QString ping(const kiq::redis::ConnectionOptions& options)
{
    kiq::redis::Client client(options);
    return QString::fromStdString(client.command(kiq::redis::Command("PING")).asString());
}
} // namespace

class TestLocalSandbox : public QObject {
    Q_OBJECT
private slots:
    void startsAnswersAndStops()
    {
        LocalSandbox sandbox;
        sandbox.start();
        QVERIFY(sandbox.isRunning());
        const qint64 pid = sandbox.pid();
        QVERIFY(pid > 0);
        QVERIFY(pidAlive(pid));
        QVERIFY(sandbox.port() > 0);
        QCOMPARE(QString::fromStdString(sandbox.options().endpoint.host), QStringLiteral("127.0.0.1"));
        QCOMPARE(ping(sandbox.options()), QStringLiteral("PONG"));

        // Persistence is off: a throwaway server must not write dump files next to the user's data.
        kiq::redis::Client client(sandbox.options());
        const auto save = client.command(kiq::redis::Command("CONFIG").arg("GET").arg("save")).asStringList();
        QCOMPARE(save.size(), std::size_t(2));
        QCOMPARE(save[1], std::string());
        const auto bind = client.command(kiq::redis::Command("CONFIG").arg("GET").arg("bind")).asStringList();
        QCOMPARE(bind.at(1), std::string("127.0.0.1"));

        const QString dir = sandbox.directory();
        QVERIFY(QDir(dir).exists());
        sandbox.stop();
        QVERIFY(!sandbox.isRunning());
        QVERIFY2(!pidAlive(pid), "the redis-server PID must be gone after stop()");
        QVERIFY2(!QDir(dir).exists(), "the temporary directory must be removed");
    }

    // Any local user could reach the sandbox on its loopback port, FLUSHALL it or push jobs into the
    // user's own handlers; it now asks for a password that is not on its command line.
    void refusesClientsWithoutItsPassword()
    {
        LocalSandbox sandbox;
        sandbox.start();
        const std::string password = sandbox.options().password;
        QVERIFY(password.size() >= 32);

        kiq::redis::ConnectionOptions anonymous = sandbox.options();
        anonymous.password.clear();
        anonymous.reconnectAttempts = 1;
        std::optional<kiq::redis::ErrorKind> refused;
        try {
            kiq::redis::Client stranger(anonymous);
            stranger.command(kiq::redis::Command("FLUSHALL")).throwIfError();
        } catch (const kiq::redis::Error& e) {
            refused = e.kind();
        }
        QVERIFY(refused.has_value());
        QCOMPARE(int(*refused), int(kiq::redis::ErrorKind::NoAuth));
        QCOMPARE(ping(sandbox.options()), QStringLiteral("PONG"));

        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(sandbox.pid()));
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        const QByteArray args = cmdline.readAll();
        QVERIFY(args.contains("redis-server") || args.contains(QFile::encodeName(sandbox.configFile())));
        QVERIFY2(!args.contains(QByteArray::fromStdString(password)), args.constData());
        QVERIFY(!args.contains("requirepass"));

        struct stat config {
        }, dir {};
        QCOMPARE(::stat(QFile::encodeName(sandbox.configFile()).constData(), &config), 0);
        QCOMPARE(config.st_mode & 07777, mode_t(0600));
        QCOMPARE(::stat(QFile::encodeName(sandbox.directory()).constData(), &dir), 0);
        QCOMPARE(dir.st_mode & 07777, mode_t(0700));

        // A new start, a new password.
        sandbox.stop();
        sandbox.start();
        QVERIFY(sandbox.options().password != password);
        QCOMPARE(ping(sandbox.options()), QStringLiteral("PONG"));
    }

    void destructorStopsTheServer()
    {
        qint64 pid = 0;
        {
            LocalSandbox sandbox;
            sandbox.start();
            pid = sandbox.pid();
            QVERIFY(pidAlive(pid));
        }
        QVERIFY(!pidAlive(pid));
    }

    void twoSandboxesGetDifferentPorts()
    {
        LocalSandbox a, b;
        a.start();
        b.start();
        QVERIFY(a.port() != b.port());
        QCOMPARE(ping(a.options()), QStringLiteral("PONG"));
        QCOMPARE(ping(b.options()), QStringLiteral("PONG"));
    }

    void missingRedisServerIsExplained()
    {
        const QByteArray savedPath = qgetenv("PATH");
        QTemporaryDir emptyDir;
        qputenv("PATH", emptyDir.path().toLocal8Bit());
        LocalSandbox sandbox;
        QString message;
        try {
            sandbox.start();
        } catch (const SandboxError& e) {
            message = QString::fromStdString(e.what());
        }
        qputenv("PATH", savedPath);
        QCOMPARE(message, QStringLiteral("redis-server not found: run scripts/setup-deps.sh"));
        QVERIFY(!sandbox.isRunning());
    }

    void failingServerReportsItsComplaint()
    {
        // /bin/false "starts" and exits at once: the error must say so instead of waiting 10 s.
        LocalSandbox::Settings settings;
        settings.redisServer = QStringLiteral("/bin/false");
        LocalSandbox sandbox(settings);
        QElapsedTimer timer;
        timer.start();
        QVERIFY_THROWS_EXCEPTION(SandboxError, sandbox.start());
        QVERIFY(timer.elapsed() < 5000);
        QVERIFY(!sandbox.isRunning());
    }

    // The demo traffic put a growing counter into Kiqdesk::Sleep's duration: within a minute the five
    // threads slept for minutes and thousands of jobs waited ~1,000 s. Minutes of demo, accelerated,
    // must stay a steady, healthy deployment.
    void demoTrafficStaysInASteadyState()
    {
        constexpr double kScale = 10; // 36 s of test = 6 minutes of demo
        LocalSandbox sandbox;
        sandbox.start();
        kiq::redis::Client client(sandbox.options());
        kiq::sandbox::seedDemoData(client);
        auto setup = kiq::sandbox::demoPoolSetup(kScale);
        kiq::worker::Launcher pool(sandbox.options(), std::move(setup.options), std::move(setup.handlers));
        pool.start();
        kiq::sandbox::DemoTraffic traffic(sandbox.options(), {8, kScale});
        traffic.start();

        // Latency as Sidekiq computes it: the age of the oldest job in the queue, here in demo seconds.
        const auto latency = [&](const std::string& queue) {
            const auto oldest
                = client.command(kiq::redis::Command("LINDEX").key("queue:" + queue).arg(-1)).asOptionalString();
            if (!oldest) return 0.0;
            const auto job = kiq::sidekiq::JobRecord::parse(*oldest);
            return job.enqueuedAt ? (kiq::sidekiq::Timestamp::now().seconds() - job.enqueuedAt->seconds()) * kScale
                                  : 0.0;
        };
        QElapsedTimer clock;
        clock.start();
        double worst = 0;
        long long longest = 0;
        while (clock.elapsed() < 36000) {
            QTest::qWait(250);
            // The seeded backlog (600 jobs, up to 5 minutes old) drains in the first demo minute.
            if (clock.elapsed() < 6000) continue;
            worst = std::max(worst, latency("default"));
            longest = std::max(longest, client.command(kiq::redis::Command("LLEN").key("queue:default")).asInteger());
        }
        traffic.stop();
        const long long processed = pool.snapshot().processed;
        pool.stop();
        qInfo("6 demo minutes: %lld jobs run, default queue: worst latency %.1f demo s, longest %lld jobs", processed,
            worst, longest);
        // ~8 jobs/s for 360 demo seconds, plus the seeded backlog.
        QVERIFY2(processed > 2000, qPrintable(QString::number(processed)));
        QVERIFY2(worst < 30, qPrintable(QString::number(worst)));
        QVERIFY2(longest < 500, qPrintable(QString::number(longest)));
    }

    // Last: it runs the application's event loop once and quits it.
    void stopsWhenTheApplicationQuits()
    {
        LocalSandbox sandbox;
        sandbox.start();
        const qint64 pid = sandbox.pid();
        QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        QCoreApplication::exec(); // emits aboutToQuit on the way out
        QVERIFY(!sandbox.isRunning());
        QVERIFY(!pidAlive(pid));
    }
};

QTEST_GUILESS_MAIN(TestLocalSandbox)
#include "tst_localsandbox.moc"
