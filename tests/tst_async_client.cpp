// The GUI face: results arrive on the caller's thread through the event loop, the caller never
// blocks, and a destroyed context never gets a late callback.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/SilentServer.h"
#include "redis/AsyncClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace kiq::redis;
using kiq::test::RedisServer;

class TestAsyncClient : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;

private slots:
    void initTestCase() { m_server = std::make_unique<RedisServer>(RedisServer::Options {}); }

    void resultsOnCallerThread()
    {
        AsyncClient async(kiq::test::optionsFor(*m_server));
        QThread* callbackThread = nullptr;
        std::optional<Result<std::vector<Reply>>> got;
        std::vector<Command> cmds {Command("SET").key("a").arg(1), Command("INCR").key("a")};
        async.pipeline(cmds, this, [&](Result<std::vector<Reply>> r) {
            callbackThread = QThread::currentThread();
            got = std::move(r);
        });
        QTRY_VERIFY(got.has_value());
        QVERIFY(got->ok());
        QCOMPARE(got->value->at(1).asInteger(), 2LL);
        QCOMPARE(callbackThread, QThread::currentThread());
    }

    void runComposesRoundTrips()
    {
        AsyncClient async(kiq::test::optionsFor(*m_server));
        std::optional<Result<long long>> got;
        async.run<long long>(
            [](Client& c) {
                c.command(Command("DEL").key("l"));
                c.command(Command("RPUSH").key("l").arg(1).arg(2).arg(3));
                return c.command(Command("LLEN").key("l")).asInteger();
            },
            this, [&](Result<long long> r) { got = r; });
        QTRY_VERIFY(got.has_value());
        QCOMPARE(*got->value, 3LL);
    }

    void errorsAreDelivered()
    {
        kiq::test::SilentServer silent;
        ConnectionOptions o = kiq::test::optionsFor(silent.port());
        o.commandTimeout = std::chrono::milliseconds(200);
        o.reconnectAttempts = 1;
        AsyncClient async(o);
        std::optional<Result<Reply>> got;
        QElapsedTimer t;
        t.start();
        async.command(Command("PING"), this, [&](Result<Reply> r) { got = r; });
        QVERIFY2(t.elapsed() < 50, "issuing a command must not block the caller");
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 5000);
        QVERIFY(!got->ok());
        QCOMPARE(got->error->kind, ErrorKind::Timeout);
    }

    void refusedPasswordIsNotTriedAgain()
    {
        RedisServer locked(RedisServer::Options {{QStringLiteral("--requirepass"), QStringLiteral("right")}});
        ConnectionOptions o = kiq::test::optionsFor(locked);
        o.password = "s3cret-typo";
        AsyncClient async(o);
        std::vector<Result<Reply>> got;
        for (int i = 0; i < 5; ++i) async.command(Command("PING"), this, [&](Result<Reply> r) { got.push_back(r); });
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), std::size_t(5), 5000);
        for (const auto& r : got) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error->kind, ErrorKind::WrongPass);
            QVERIFY(r.error->message.find("s3cret") == std::string::npos); // never the password itself
        }
        // One failed AUTH in the server's log, not five (ACL LOG folds repeats into one entry's count).
        const QString log = locked.cli({QStringLiteral("-a"), QStringLiteral("right"),
            QStringLiteral("--no-auth-warning"), QStringLiteral("ACL"), QStringLiteral("LOG")});
        const QStringList lines = log.split(QLatin1Char('\n'));
        const int at = int(lines.indexOf(QStringLiteral("count")));
        QVERIFY2(at >= 0 && at + 1 < lines.size(), qPrintable(log));
        QCOMPARE(lines[at + 1], QStringLiteral("1"));
        QCOMPARE(log.count(QStringLiteral("reason")), 1);
    }

    void destroyedContextGetsNoCallback()
    {
        AsyncClient async(kiq::test::optionsFor(*m_server));
        bool called = false;
        auto* context = new QObject;
        async.run<int>(
            [](Client& c) {
                QThread::msleep(100);
                c.command(Command("PING"));
                return 1;
            },
            context, [&](Result<int>) { called = true; });
        delete context;
        bool second = false;
        async.command(Command("PING"), this, [&](Result<Reply>) { second = true; });
        QTRY_VERIFY(second);
        QVERIFY(!called);
    }

    // Results race the deletion of their receivers: four worker threads deliver thousands of results
    // while this thread deletes the receivers they go to. A deleted receiver never gets its callback,
    // and (under ASan) nothing touches a receiver after it is freed.
    void receiversDeletedWhileResultsArrive()
    {
        constexpr int kClients = 4, kRounds = 40, kReceivers = 50, kCallsEach = 4;
        std::vector<std::unique_ptr<AsyncClient>> clients;
        for (int i = 0; i < kClients; ++i)
            clients.push_back(std::make_unique<AsyncClient>(kiq::test::optionsFor(*m_server)));
        std::atomic<int> ran {0};
        int late = 0, delivered = 0;
        for (int round = 0; round < kRounds; ++round) {
            std::vector<QObject*> receivers;
            auto alive = std::make_shared<std::vector<bool>>(kReceivers, true);
            for (int r = 0; r < kReceivers; ++r) {
                receivers.push_back(new QObject);
                for (int k = 0; k < kCallsEach; ++k)
                    clients[std::size_t((r + k) % kClients)]->run<int>(
                        [&ran](Client&) {
                            ++ran;
                            return 1;
                        },
                        receivers.back(),
                        [alive, r, &late, &delivered](Result<int>) {
                            ++delivered;
                            if (!(*alive)[std::size_t(r)]) ++late;
                        });
            }
            // Delete while the workers are delivering, letting some results in between.
            for (int r = 0; r < kReceivers; ++r) {
                (*alive)[std::size_t(r)] = false;
                delete receivers[std::size_t(r)];
                if (r % 8 == 0) QCoreApplication::processEvents();
            }
        }
        QTRY_COMPARE(ran.load(), kRounds * kReceivers * kCallsEach);
        QCoreApplication::processEvents();
        QCOMPARE(late, 0);
        QVERIFY(delivered < kRounds * kReceivers * kCallsEach);
        // The clients still deliver to a living receiver.
        bool last = false;
        clients[0]->run<int>([](Client&) { return 1; }, this, [&last](Result<int>) { last = true; });
        QTRY_VERIFY(last);
    }
};

QTEST_GUILESS_MAIN(TestAsyncClient)
#include "tst_async_client.moc"
