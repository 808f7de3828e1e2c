// Network faults between our client and a real redis-server, injected by a TCP proxy (harness
// TcpProxy): a stalled link times out with the named Timeout error, a reply cut in the middle gives
// a connection error, the client reconnects afterwards, and a command that may have reached the
// server is never sent twice. Through AsyncClient the caller's event loop keeps running while a
// request hangs: the worst gap between timer ticks stays small.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TcpProxy.h"
#include "harness/TestEnv.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

using namespace kiq::redis;
using kiq::test::RedisServer;
using kiq::test::TcpProxy;
using kiq::test::waitUntil;

class TestFaultProxy : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;

    ConnectionOptions throughProxy(const TcpProxy& proxy, int commandTimeoutMs)
    {
        ConnectionOptions o = kiq::test::optionsFor(proxy.port());
        o.commandTimeout = std::chrono::milliseconds(commandTimeoutMs);
        o.reconnectBaseDelay = std::chrono::milliseconds(20);
        return o;
    }

    // Runs `fn`, which must throw a kiq::redis::Error; returns it.
    template <typename Fn> static std::optional<Error> failureOf(Fn fn)
    {
        try {
            fn();
        } catch (const Error& e) {
            return e;
        }
        return std::nullopt;
    }

private slots:
    void initTestCase() { m_server = std::make_unique<RedisServer>(RedisServer::Options {}); }
    void init() { m_server->cli({"FLUSHALL"}); }

    void stallTimesOutThenReconnects()
    {
        TcpProxy proxy(m_server->port());
        Client client(throughProxy(proxy, 400));
        QVERIFY(client.command(Command("SET").key("k").arg("v")).isOk());
        QCOMPARE(proxy.acceptedCount(), 1);

        proxy.stall();
        QElapsedTimer t;
        t.start();
        const auto error = failureOf([&] { client.command(Command("GET").key("k")); });
        const qint64 waited = t.elapsed();
        QVERIFY(error.has_value());
        QCOMPARE(errorKindName(error->kind()), "timeout");
        QVERIFY2(QString(error->what()).contains("timed out"), error->what());
        QVERIFY(error->isTransient());
        QVERIFY2(waited >= 390 && waited < 3000, qPrintable(QString::number(waited)));

        proxy.passThrough();
        QCOMPARE(client.command(Command("GET").key("k")).asString(), std::string("v"));
        QCOMPARE(proxy.acceptedCount(), 2); // the timed-out connection was dropped, a new one made
    }

    void cutMidReplyGivesConnectionErrorThenReconnects()
    {
        const std::string big(300 * 1024, 'x');
        Client(kiq::test::optionsFor(*m_server)).command(Command("SET").key("big").arg(big)).throwIfError();

        TcpProxy proxy(m_server->port());
        Client client(throughProxy(proxy, 2000));
        QCOMPARE(client.command(Command("STRLEN").key("big")).asInteger(), static_cast<long long>(big.size()));

        proxy.cutReplyAfter(1000); // the bulk header and the first kilobyte, then the link dies
        const auto error = failureOf([&] { client.command(Command("GET").key("big")); });
        QVERIFY(error.has_value());
        QCOMPARE(errorKindName(error->kind()), "connection-lost");
        QVERIFY2(QString(error->what()).contains("closed by server"), error->what());
        QCOMPARE(proxy.cutCount(), 1);

        // The next call reconnects and reads the whole value.
        QCOMPARE(client.command(Command("GET").key("big")).asString(), big);
        QCOMPARE(proxy.acceptedCount(), 2);

        // A cut in the middle of a pipeline's replies: the whole call fails, the next one works.
        std::vector<Command> cmds;
        for (int i = 0; i < 5; ++i) cmds.push_back(Command("GET").key("big"));
        proxy.cutReplyAfter(big.size() * 2 + 100);
        QVERIFY(failureOf([&] { client.pipeline(cmds); }).has_value());
        const auto replies = client.pipeline(cmds);
        QCOMPARE(replies.size(), cmds.size());
        for (const auto& r : replies) QCOMPARE(r.asString().size(), big.size());
    }

    void timedOutCommandIsNeverSentTwice()
    {
        TcpProxy proxy(m_server->port());
        Client client(throughProxy(proxy, 300));
        QCOMPARE(client.command(Command("INCR").key("counter")).asInteger(), 1LL);

        proxy.stall();
        QVERIFY(failureOf([&] { client.command(Command("INCR").key("counter")); }).has_value());
        proxy.passThrough();
        QTest::qWait(300);
        // The stalled INCR sat in the network and may still reach the server (counter 2), but only
        // once: had the client re-sent it on its new connection, the counter would be 3.
        const long long counter = std::stoll(client.command(Command("GET").key("counter")).asString());
        QVERIFY2(counter == 1 || counter == 2, qPrintable(QString::number(counter)));
        QCOMPARE(proxy.acceptedCount(), 2);
    }

    void asyncCallerKeepsTickingWhileStalled()
    {
        TcpProxy proxy(m_server->port());
        AsyncClient async(throughProxy(proxy, 1500));

        std::optional<Result<Reply>> first;
        async.command(Command("SET").key("k").arg("v"), this, [&](Result<Reply> r) { first = std::move(r); });
        QVERIFY(waitUntil([&] { return first.has_value(); }, 5000));
        QVERIFY(first->ok());

        QTimer ticker;
        ticker.setInterval(10);
        QElapsedTimer sinceTick;
        qint64 worstGap = 0;
        int ticks = 0;
        connect(&ticker, &QTimer::timeout, this, [&] {
            if (ticks++ > 0) worstGap = std::max(worstGap, sinceTick.elapsed());
            sinceTick.restart();
        });
        ticker.start();
        sinceTick.start();

        proxy.stall();
        std::optional<Result<Reply>> stalled;
        QElapsedTimer t;
        t.start();
        async.command(Command("GET").key("k"), this, [&](Result<Reply> r) { stalled = std::move(r); });
        QVERIFY(waitUntil([&] { return stalled.has_value(); }, 10000, 5));
        const qint64 waited = t.elapsed();
        ticker.stop();

        QVERIFY(!stalled->ok());
        QCOMPARE(errorKindName(stalled->error->kind), "timeout");
        QVERIFY(waited >= 1400);
        qInfo("request stalled %lld ms; %d ticks of 10 ms meanwhile, worst gap %lld ms", waited, ticks, worstGap);
        QVERIFY2(ticks >= waited / 10 / 3, qPrintable(QString::number(ticks)));
        QVERIFY2(worstGap < 250, qPrintable(QString::number(worstGap)));

        proxy.passThrough();
        std::optional<Result<Reply>> after;
        async.command(Command("GET").key("k"), this, [&](Result<Reply> r) { after = std::move(r); });
        QVERIFY(waitUntil([&] { return after.has_value(); }, 5000));
        QVERIFY(after->ok());
        QCOMPARE(after->value->asString(), std::string("v"));
    }
};

QTEST_GUILESS_MAIN(TestFaultProxy)
#include "tst_fault_proxy.moc"
