// kiqdesk-cli exporter (issue 21, item 5): the endpoint is scraped for real, its text is checked by a
// strict parser of Prometheus' exposition format (promtool is not a Debian package), Redis is read at
// most once per interval however many scrapers call, and a non-loopback address needs --listen-any.
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "sandbox/DemoData.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace kiq;

namespace {
// GET `path` from the exporter on `port`: the status code and the body.
std::pair<int, QString> get(int port, const QByteArray& path)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    if (!socket.waitForConnected(3000)) return {0, socket.errorString()};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QByteArray reply;
    while (socket.waitForReadyRead(5000) || socket.bytesAvailable()) {
        reply += socket.readAll();
        if (socket.state() == QAbstractSocket::UnconnectedState) break;
    }
    reply += socket.readAll();
    const int split = reply.indexOf("\r\n\r\n");
    const QList<QByteArray> status = reply.left(reply.indexOf("\r\n")).split(' ');
    return {status.value(1).toInt(), QString::fromUtf8(split < 0 ? QByteArray() : reply.mid(split + 4))};
}

// The text exposition format, strictly: every family has HELP then TYPE before its samples and appears
// once; names and labels are well-formed; values parse; counters end in _total; no series twice.
// Returns the problems (empty when valid) and the samples by "name{labels}".
QStringList validate(const QString& text, QMap<QString, double>* samples)
{
    static const QRegularExpression help(QStringLiteral("^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \\S.*$"));
    static const QRegularExpression type(QStringLiteral("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$"));
    static const QRegularExpression sample(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
                       "(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*)?\\}) "
                       "(-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$"));
    QStringList problems;
    QSet<QString> families;
    QString helped, typed, kind;
    if (!text.endsWith(QLatin1Char('\n'))) problems << QStringLiteral("no final newline");
    for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (auto m = help.match(line); m.hasMatch()) {
            if (families.contains(m.captured(1))) problems << "family twice: " + m.captured(1);
            families.insert(helped = m.captured(1));
            typed.clear();
        } else if (auto t = type.match(line); t.hasMatch()) {
            if (t.captured(1) != helped) problems << "TYPE without HELP: " + line;
            typed = t.captured(1);
            kind = t.captured(2);
            if (kind == QLatin1String("counter") && !typed.endsWith(QLatin1String("_total")))
                problems << "counter without _total: " + typed;
            if (!typed.startsWith(QLatin1String("kiqdesk_"))) problems << "no kiqdesk_ prefix: " + typed;
        } else if (auto s = sample.match(line); s.hasMatch()) {
            if (s.captured(1) != typed) problems << "sample outside its family: " + line;
            const QString series = s.captured(1) + s.captured(2);
            if (samples->contains(series)) problems << "series twice: " + series;
            bool ok = false;
            (*samples)[series] = s.captured(3).toDouble(&ok);
        } else {
            problems << "not the exposition format: " + line;
        }
    }
    return problems;
}
} // namespace

class TestExporter : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    QTemporaryDir m_dir;

    // Starts the exporter on a free port; returns its pid and port once it answers.
    std::pair<pid_t, int> start(const QStringList& connection, const QString& interval)
    {
        const int port = test::freePort();
        const pid_t pid = test::spawnProcess(qEnvironmentVariable("KIQDESK_CLI"),
            connection
                + QStringList {"exporter", "--listen", "127.0.0.1:" + QString::number(port), "--interval", interval},
            m_dir.filePath("exporter-" + QString::number(port) + ".log"));
        test::waitUntil([&] { return get(port, "/").first == 200; }, 10000);
        return {pid, port};
    }
    long long infoCalls() const
    {
        const QString stats = m_server->cli({"INFO", "commandstats"});
        static const QRegularExpression calls(QStringLiteral("cmdstat_info:calls=(\\d+)"));
        return calls.match(stats).captured(1).toLongLong();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("KIQDESK_CLI")), "KIQDESK_CLI must point at the built kiqdesk-cli");
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        auto client = test::clientFor(*m_server);
        sandbox::seedDemoData(*client);
    }

    void metricsAreValidAndTrue()
    {
        const auto [pid, port] = start({"-p", QString::number(m_server->port())}, QStringLiteral("30"));
        const auto [code, body] = get(port, "/metrics");
        test::stopProcess(pid, 2000);
        QCOMPARE(code, 200);
        QMap<QString, double> samples;
        const QStringList problems = validate(body, &samples);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n') + "\n" + body));
        const QString d = QStringLiteral("{deployment=\"redis://127.0.0.1:%1\"").arg(m_server->port());
        QCOMPARE(samples.value("kiqdesk_up" + d + "}"), 1.0);
        QCOMPARE(samples.value("kiqdesk_set_jobs" + d + ",set=\"dead\"}"), m_server->cli({"ZCARD", "dead"}).toDouble());
        QCOMPARE(
            samples.value("kiqdesk_set_jobs" + d + ",set=\"retry\"}"), m_server->cli({"ZCARD", "retry"}).toDouble());
        const QString queue = m_server->cli({"SRANDMEMBER", "queues"});
        QCOMPARE(samples.value("kiqdesk_queue_jobs" + d + ",queue=\"" + queue + "\"}"),
            m_server->cli({"LLEN", "queue:" + queue}).toDouble());
        QVERIFY(samples.contains("kiqdesk_queue_latency_seconds" + d + ",queue=\"" + queue + "\"}"));
        QVERIFY(samples.value("kiqdesk_redis_memory_used_bytes" + d + "}") > 100000);
        QCOMPARE(samples.value("kiqdesk_check_state" + d + ",check=\"redis.reachable\",queue=\"\"}"), 0.0);
        QVERIFY(samples.contains("kiqdesk_jobs_processed_total" + d + "}"));
    }

    void redisIsReadOncePerInterval()
    {
        const auto [pid, port] = start({"-p", QString::number(m_server->port())}, QStringLiteral("1.5"));
        const long long before = infoCalls();
        for (int i = 0; i < 5; ++i) QCOMPARE(get(port, "/metrics").first, 200);
        const long long afterFive = infoCalls();
        QTest::qWait(1700); // past the interval: the next scrape reads again
        QCOMPARE(get(port, "/metrics").first, 200);
        const long long afterWait = infoCalls();
        QCOMPARE(get(port, "/nothing").first, 404);
        test::stopProcess(pid, 2000);
        // start() asked "/" only, which reads nothing; five scrapes in the interval are one reading (one
        // INFO), and each count includes the test's own previous INFO commandstats.
        QCOMPARE(afterFive - before, 1LL + 1);
        QCOMPARE(afterWait - afterFive, 1LL + 1);
    }

    // The drain forecast, from the exporter's own readings: a queue that grows by 20 jobs a second with
    // nobody working it shows that net rate, no drain time, and a latency that rises ahead.
    void forecastFollowsAGrowingQueue()
    {
        m_server->cli({"SADD", "queues", "growing"});
        const auto push = [&] {
            QStringList args {"LPUSH", "queue:growing"};
            const QString job
                = QStringLiteral("{\"class\":\"G\",\"queue\":\"growing\",\"jid\":\"g\",\"enqueued_at\":%1}")
                      .arg(QDateTime::currentMSecsSinceEpoch() / 1000.0, 0, 'f', 3);
            for (int i = 0; i < 20; ++i) args << job;
            m_server->cli(args);
        };
        push();
        const auto [pid, port] = start({"-p", QString::number(m_server->port())}, QStringLiteral("1"));
        QElapsedTimer clock;
        clock.start();
        QMap<QString, double> samples;
        QString body;
        while (clock.elapsed() < 18000) {
            QTest::qWait(1000);
            push();
            body = get(port, "/metrics").second;
        }
        test::stopProcess(pid, 2000);
        m_server->cli({"DEL", "queue:growing"});
        m_server->cli({"SREM", "queues", "growing"});
        const QStringList problems = validate(body, &samples);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        const QString q
            = QStringLiteral("{deployment=\"redis://127.0.0.1:%1\",queue=\"growing\"").arg(m_server->port());
        const double net = samples.value("kiqdesk_queue_net_jobs_per_second" + q + "}", -1);
        QVERIFY2(net > 12 && net < 28, qPrintable(QString::number(net) + "\n" + body));
        QVERIFY(!samples.contains("kiqdesk_queue_drain_seconds" + q + "}"));
        const double now = samples.value("kiqdesk_queue_latency_seconds" + q + "}");
        const double in5 = samples.value("kiqdesk_queue_latency_forecast_seconds" + q + ",horizon=\"5m\"}");
        const double in15 = samples.value("kiqdesk_queue_latency_forecast_seconds" + q + ",horizon=\"15m\"}");
        QVERIFY2(in5 > now && in15 > in5, qPrintable(QStringLiteral("%1 %2 %3").arg(now).arg(in5).arg(in15)));
    }

    // A request line that never ends is refused once it passes 8 KiB, and the exporter serves on.
    void endlessRequestLineIsRefused()
    {
        const auto [pid, port] = start({"-p", QString::number(m_server->port())}, QStringLiteral("30"));
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
        QVERIFY(socket.waitForConnected(3000));
        socket.write(QByteArray(9000, 'A'));
        QByteArray reply;
        while (!reply.contains("\r\n") && socket.waitForReadyRead(5000)) reply += socket.readAll();
        QVERIFY2(reply.startsWith("HTTP/1.1 431 "), reply.constData());
        QCOMPARE(get(port, "/metrics").first, 200);
        test::stopProcess(pid, 2000);
    }

    void unreachableDeploymentIsDown()
    {
        const auto [pid, port] = start({"-p", QString::number(test::freePort(7))}, QStringLiteral("30"));
        const auto [code, body] = get(port, "/metrics");
        test::stopProcess(pid, 2000);
        QCOMPARE(code, 200);
        QMap<QString, double> samples;
        QVERIFY2(validate(body, &samples).isEmpty(), qPrintable(body));
        QVERIFY2(body.contains(QRegularExpression(
                     QStringLiteral("^kiqdesk_up\\{[^}]*\\} 0$"), QRegularExpression::MultilineOption)),
            qPrintable(body));
        QVERIFY2(!body.contains(QStringLiteral("kiqdesk_jobs_enqueued{")), "no false zeros for what was not read");
    }

    void loopbackUnlessAskedOtherwise()
    {
        const auto refused = test::runProcess(qEnvironmentVariable("KIQDESK_CLI"),
            {"-p", QString::number(m_server->port()), "exporter", "--listen",
                "0.0.0.0:" + QString::number(test::freePort())});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("not a loopback address")), qPrintable(refused.err));
        const auto bad = test::runProcess(qEnvironmentVariable("KIQDESK_CLI"),
            {"-p", QString::number(m_server->port()), "exporter", "--listen", "9469"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("ADDRESS:PORT")), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
