// Checks the real-server test harness itself: every kind of server starts, answers, stops, and cannot
// outlive the test process.

#include "harness/ClusterGroup.h"
#include "harness/Ports.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/SentinelGroup.h"
#include "harness/SilentServer.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kiq::test;

namespace {

// Crash-child mode (see orphanedServerDies): when this executable is started with
// KIQ_HARNESS_CRASH_CHILD=<file>, it starts a server, writes "<pid> <port>" to <file> and dies from
// SIGKILL, like a test killed by a CTest timeout, before QTest even starts.
// "<pid> <port> <dir>" goes to <file>.
[[maybe_unused]] const bool crashChildRan = [] {
    const QString file = qEnvironmentVariable("KIQ_HARNESS_CRASH_CHILD");
    if (file.isEmpty()) return false;
    auto* server = new RedisServer; // never destroyed: the process dies with it still running
    QFile f(file);
    if (f.open(QIODevice::WriteOnly))
        f.write(QByteArray::number(server->pid()) + ' ' + QByteArray::number(server->port()) + ' '
            + server->dir().toLocal8Bit());
    f.close();
    ::kill(::getpid(), SIGKILL);
    return true;
}();

// A process that is gone or a zombie (a reparented child may wait for its reaper).
bool processGone(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return true;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')');
    return close < 0 || s.mid(close + 2, 1) == "Z";
}

// Blocking connect to 127.0.0.1:port; returns the fd or -1.
int connectTo(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Waits up to timeoutMs for fd to become readable; returns recv()'s result (0 = EOF) or -2 on timeout.
ssize_t readWithTimeout(int fd, int timeoutMs)
{
    pollfd p {fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return -2;
    char buf[64];
    return ::recv(fd, buf, sizeof buf, 0);
}

QString firstLine(const QString& s)
{
    return s.section(u'\n', 0, 0);
}

} // namespace

class TstHarness : public QObject {
    Q_OBJECT

private slots:
    void freePortsAreFreeAndDistinct()
    {
        QSet<int> seen;
        for (int i = 0; i < 20; ++i) {
            const int p = freePort(10000);
            QVERIFY(p >= 1024 && p + 10000 <= 65535);
            QVERIFY(portIsFree(p));
            QVERIFY(portIsFree(p + 10000));
            QVERIFY2(!seen.contains(p), "freePort handed out a port twice");
            seen.insert(p);
        }
    }

    void testEnvHelpers()
    {
        const QString out = testOutputDir();
        QVERIFY(QDir(out).exists());
        int calls = 0;
        QElapsedTimer t;
        t.start();
        QVERIFY(waitUntil([&] { return ++calls == 3; }, 2000, 5));
        QCOMPARE(calls, 3);
        QVERIFY(!waitUntil([] { return false; }, 100, 10));
        QVERIFY(t.elapsed() >= 100);
    }

    void runProcessCapturesAndTimesOut()
    {
        const ProcessResult ok = runProcess("sh", {"-c", "echo out; echo err >&2; exit 7"});
        QCOMPARE(ok.exitCode, 7);
        QCOMPARE(ok.out, QStringLiteral("out\n"));
        QCOMPARE(ok.err, QStringLiteral("err\n"));
        QElapsedTimer t;
        t.start();
        const ProcessResult slow = runProcess("sleep", {"30"}, 200);
        QVERIFY(slow.timedOut);
        QVERIFY(t.elapsed() < 5000);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, runProcess("kiq-no-such-program", {}));
    }

    void plainServer()
    {
        pid_t pid = 0;
        int port = 0;
        {
            RedisServer server;
            pid = server.pid();
            port = server.port();
            QVERIFY(pid > 0);
            QVERIFY(server.isRunning());
            QCOMPARE(server.host(), QStringLiteral("127.0.0.1"));
            QVERIFY(!portIsFree(port));
            QVERIFY(QDir(server.dir()).exists());
            QCOMPARE(server.cli({"SET", "kiq:k", "v1"}), QStringLiteral("OK"));
            QCOMPARE(server.cli({"GET", "kiq:k"}), QStringLiteral("v1"));
            QCOMPARE(server.info("server", "tcp_port"), QString::number(port));
            QCOMPARE(server.cli({"CONFIG", "GET", "save"}), QStringLiteral("save"));
            QVERIFY(server.logTail().contains(QLatin1String("Ready to accept connections")));
        }
        // The destructor stopped it by PID and freed the port.
        QVERIFY(processGone(pid));
        QVERIFY(waitUntil([&] { return portIsFree(port); }, 2000));
    }

    void kill9AndRestart()
    {
        RedisServer server;
        const int port = server.port();
        const pid_t firstPid = server.pid();
        QCOMPARE(server.cli({"SET", "kiq:k", "v"}), QStringLiteral("OK"));
        server.kill9();
        QVERIFY(!server.isRunning());
        QCOMPARE(server.pid(), 0);
        QVERIFY(processGone(firstPid));
        const ProcessResult down = server.cliResult({"PING"}, 3000);
        QVERIFY(down.exitCode != 0);
        QVERIFY(down.err.contains(QLatin1String("Connection refused")));

        server.restart();
        QVERIFY(server.isRunning());
        QCOMPARE(server.port(), port);
        QVERIFY(server.pid() != firstPid);
        QCOMPARE(server.cli({"PING"}), QStringLiteral("PONG"));
        QCOMPARE(server.cli({"EXISTS", "kiq:k"}), QStringLiteral("0")); // no persistence: a fresh server

        server.stop();
        QVERIFY(!server.isRunning());
        server.restart(); // restart from stopped works too
        QCOMPARE(server.cli({"PING"}), QStringLiteral("PONG"));
    }

    void startupFailureIsReported()
    {
        RedisServer::Options o;
        o.extraArgs = {"--no-such-option", "1"};
        try {
            RedisServer bad(o);
            QFAIL("a server with a bad option started");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("no-such-option")), e.what());
        }
    }

    void tlsFiles()
    {
        QTemporaryDir dir;
        const TlsFiles t = TlsFiles::generate(dir.path());
        const auto verify = [&](const QString& ca, const QString& cert) {
            return runProcess("openssl", {"verify", "-CAfile", ca, cert});
        };
        QCOMPARE(verify(t.caCert, t.serverCert).exitCode, 0);
        QCOMPARE(verify(t.caCert, t.clientCert).exitCode, 0);
        QCOMPARE(verify(t.caCert, t.wrongHostServerCert).exitCode, 0);
        QCOMPARE(verify(t.otherCaCert, t.otherCaClientCert).exitCode, 0);
        QVERIFY(verify(t.otherCaCert, t.serverCert).exitCode != 0);
        const ProcessResult expired = verify(t.caCert, t.expiredServerCert);
        QVERIFY(expired.exitCode != 0);
        QVERIFY2(expired.out.contains(QLatin1String("expired")) || expired.err.contains(QLatin1String("expired")),
            qPrintable(expired.out + expired.err));
        const auto ext = [](const QString& cert) {
            return runProcess("openssl", {"x509", "-in", cert, "-noout", "-ext", "subjectAltName,extendedKeyUsage"})
                .out;
        };
        QVERIFY(ext(t.serverCert).contains(QLatin1String("DNS:localhost, IP Address:127.0.0.1")));
        QVERIFY(ext(t.wrongHostServerCert).contains(QLatin1String("DNS:other.example")));
        QVERIFY(!ext(t.wrongHostServerCert).contains(QLatin1String("localhost")));
        QVERIFY(ext(t.clientCert).contains(QLatin1String("TLS Web Client Authentication")));
        // The expired certificate's whole validity lies in the past.
        const QString dates = runProcess("openssl", {"x509", "-in", t.expiredServerCert, "-noout", "-enddate"}).out;
        QVERIFY2(dates.contains(QLatin1String("2020")), qPrintable(dates));
    }

    void tlsServerRequiresClientCert()
    {
        QTemporaryDir dir;
        const TlsFiles t = TlsFiles::generate(dir.path());
        RedisServer::Options o;
        o.tls = true;
        o.requireClientCert = true;
        o.tlsFiles = &t;
        RedisServer server(o);
        QCOMPARE(server.cli({"CONFIG", "GET", "port"}), QStringLiteral("port\n0")); // TLS only
        QCOMPARE(server.cli({"CONFIG", "GET", "tls-port"}), "tls-port\n" + QString::number(server.port()));
        QCOMPARE(server.cli({"PING"}), QStringLiteral("PONG"));

        const ProcessResult noCert = runProcess("redis-cli", server.cliArgs(false) << "PING", 5000);
        QVERIFY2(noCert.out.trimmed() != QLatin1String("PONG"), qPrintable(noCert.out));
        QVERIFY(noCert.exitCode != 0);

        const QStringList otherCaCert {"-h", server.host(), "-p", QString::number(server.port()), "--tls", "--cacert",
            t.caCert, "--cert", t.otherCaClientCert, "--key", t.otherCaClientKey, "PING"};
        QVERIFY(runProcess("redis-cli", otherCaCert, 5000).out.trimmed() != QLatin1String("PONG"));

        const QStringList wrongCa {"-h", server.host(), "-p", QString::number(server.port()), "--tls", "--cacert",
            t.otherCaCert, "--cert", t.clientCert, "--key", t.clientKey, "PING"};
        QVERIFY(runProcess("redis-cli", wrongCa, 5000).out.trimmed() != QLatin1String("PONG"));

        // Plain TCP to the TLS port gets nowhere either.
        const ProcessResult plain = runProcess("redis-cli", {"-p", QString::number(server.port()), "PING"}, 5000);
        QVERIFY(plain.out.trimmed() != QLatin1String("PONG"));
    }

    void tlsServerWithExpiredCert()
    {
        QTemporaryDir dir;
        const TlsFiles t = TlsFiles::generate(dir.path());
        RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &t;
        o.tlsCertFile = t.expiredServerCert;
        o.tlsKeyFile = t.expiredServerKey;
        RedisServer server(o); // setup commands use --insecure
        QCOMPARE(server.cli({"PING"}), QStringLiteral("PONG"));
        const QStringList verifying {
            "-h", server.host(), "-p", QString::number(server.port()), "--tls", "--cacert", t.caCert, "PING"};
        const ProcessResult r = runProcess("redis-cli", verifying, 5000);
        QVERIFY(r.out.trimmed() != QLatin1String("PONG"));
        QVERIFY2(r.err.contains(QLatin1String("certificate verify failed")), qPrintable(r.err));
        // redis-cli does not say why; openssl does: the server really presents the expired certificate.
        const ProcessResult s = runProcess(
            "openssl", {"s_client", "-connect", server.address(), "-CAfile", t.caCert, "-verify_return_error"}, 5000);
        QVERIFY2(s.out.contains(QLatin1String("certificate has expired"))
                || s.err.contains(QLatin1String("certificate has expired")),
            qPrintable(s.out + s.err));
    }

    void sentinelFailover()
    {
        SentinelGroup group;
        QCOMPARE(group.masterName(), QStringLiteral("mymaster"));
        QCOMPARE(group.reportedMasterPort(), group.primary().port());
        QCOMPARE(&group.currentMaster(), &group.primary());
        QCOMPARE(firstLine(group.replica().cli({"ROLE"})), QStringLiteral("slave"));
        QCOMPARE(group.sentinel().cli({"PING"}), QStringLiteral("PONG"));

        QCOMPARE(group.primary().cli({"SET", "kiq:s", "1"}), QStringLiteral("OK"));
        QVERIFY(waitUntil([&] { return group.replica().cli({"GET", "kiq:s"}) == QLatin1String("1"); }, 5000));

        group.failover();
        QCOMPARE(group.reportedMasterPort(), group.replica().port());
        QCOMPARE(&group.currentMaster(), &group.replica());
        QCOMPARE(firstLine(group.replica().cli({"ROLE"})), QStringLiteral("master"));
        QCOMPARE(group.replica().cli({"GET", "kiq:s"}), QStringLiteral("1"));
        // The old primary is now a linked replica of the new one.
        QCOMPARE(firstLine(group.primary().cli({"ROLE"})), QStringLiteral("slave"));
        QCOMPARE(group.primary().info("replication", "master_port"), QString::number(group.replica().port()));
        QCOMPARE(group.replica().cli({"SET", "kiq:s", "2"}), QStringLiteral("OK"));
        QVERIFY(waitUntil([&] { return group.primary().cli({"GET", "kiq:s"}) == QLatin1String("2"); }, 5000));

        // And back again.
        group.failover();
        QCOMPARE(&group.currentMaster(), &group.primary());
        QCOMPARE(firstLine(group.primary().cli({"ROLE"})), QStringLiteral("master"));
        QCOMPARE(firstLine(group.replica().cli({"ROLE"})), QStringLiteral("slave"));
    }

    void cluster()
    {
        ClusterGroup cluster;
        QCOMPARE(cluster.ports().size(), 3);
        QCOMPARE(cluster.seedPort(), cluster.ports().first());
        for (int i = 0; i < 3; ++i) {
            const QString info = cluster.node(i).cli({"CLUSTER", "INFO"});
            QVERIFY2(info.contains(QLatin1String("cluster_state:ok")), qPrintable(info));
            QVERIFY(info.contains(QLatin1String("cluster_known_nodes:3")));
            QVERIFY(info.contains(QLatin1String("cluster_slots_assigned:16384")));
            QCOMPARE(cluster.node(i).cli({"CLUSTER", "MYID"}), cluster.nodeId(i));
            QVERIFY(cluster.ports()[i] + 10000 <= 65535);
        }
        QCOMPARE(cluster.ownerIndex(0), 0);
        QCOMPARE(cluster.ownerIndex(16383), 2);

        // A key set through redis-cli -c lands on the node that owns its slot, and only there.
        const QString key = QStringLiteral("kiq:cluster:key");
        const int slot = cluster.keySlot(key);
        const int owner = cluster.ownerIndex(slot);
        QVERIFY(owner >= 0);
        QCOMPARE(runProcess("redis-cli", {"-c", "-p", QString::number(cluster.seedPort()), "SET", key, "hello"})
                     .out.trimmed(),
            QStringLiteral("OK"));
        QCOMPARE(cluster.node(owner).cli({"GET", key}), QStringLiteral("hello"));
        const int other = (owner + 1) % 3;
        QCOMPARE(cluster.node(other).cli({"GET", key}),
            QStringLiteral("MOVED %1 127.0.0.1:%2").arg(slot).arg(cluster.node(owner).port()));

        // Mid-migration, a migrated key asked of the source answers ASK; afterwards MOVED.
        cluster.migrateSlot(slot, owner, other, {key});
        QCOMPARE(cluster.node(owner).cli({"GET", key}),
            QStringLiteral("ASK %1 127.0.0.1:%2").arg(slot).arg(cluster.node(other).port()));
        cluster.finishMigration(slot, other);
        QCOMPARE(cluster.ownerIndex(slot), other);
        QCOMPARE(cluster.node(other).cli({"GET", key}), QStringLiteral("hello"));
        QCOMPARE(cluster.node(owner).cli({"GET", key}),
            QStringLiteral("MOVED %1 127.0.0.1:%2").arg(slot).arg(cluster.node(other).port()));
        QVERIFY(cluster.waitForOk(5000));
    }

    void silentServerNeverAnswers()
    {
        SilentServer silent;
        const int fd = connectTo(silent.port());
        QVERIFY(fd >= 0);
        QCOMPARE(::send(fd, "PING\r\n", 6, MSG_NOSIGNAL), ssize_t(6));
        QCOMPARE(readWithTimeout(fd, 300), ssize_t(-2)); // nothing, not even EOF
        QVERIFY(waitUntil([&] { return silent.acceptedCount() == 1 && silent.bytesReceived() == 6; }, 2000));
        ::close(fd);
    }

    void silentServerClosesImmediately()
    {
        SilentServer closing(SilentServer::Mode::CloseImmediately);
        const int fd = connectTo(closing.port());
        QVERIFY(fd >= 0);
        const ssize_t n = readWithTimeout(fd, 2000);
        QVERIFY2(n == 0 || n == -1, "expected EOF or reset"); // closed without a byte
        QCOMPARE(closing.acceptedCount(), 1);
        ::close(fd);
    }

    void orphanedServerDies()
    {
        // A test process killed by SIGKILL (a crash, a CTest timeout) takes its servers with it.
        // As a subreaper, this process inherits the orphaned server and can reap it and see what killed it.
        QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        const auto unsetSubreaper = qScopeGuard([] { ::prctl(PR_SET_CHILD_SUBREAPER, 0); });
        QTemporaryDir dir;
        const QString file = dir.filePath("child");
        const ProcessResult r
            = runProcess("env", {"KIQ_HARNESS_CRASH_CHILD=" + file, QCoreApplication::applicationFilePath()}, 20000);
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, -1); // killed by a signal
        QFile f(file);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(r.err));
        const QList<QByteArray> parts = f.readAll().split(' ');
        QCOMPARE(parts.size(), 3);
        // The dead child could not remove its server's temporary directory.
        const auto removeDir = qScopeGuard([&] { QDir(QString::fromLocal8Bit(parts[2])).removeRecursively(); });
        const pid_t pid = parts[0].toInt();
        const int port = parts[1].toInt();
        QVERIFY(pid > 0 && port > 0);
        int status = 0;
        QVERIFY2(waitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 5000),
            "redis-server outlived its test process");
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGKILL); // PR_SET_PDEATHSIG
        QVERIFY(processGone(pid));
        QVERIFY(waitUntil([&] { return portIsFree(port); }, 5000));
    }
};

QTEST_GUILESS_MAIN(TstHarness)
#include "tst_harness.moc"
