// The blocking client against a real redis-server: replies, pipelines, namespaces, ACL auth and
// its failures, restart and reconnect, and servers that refuse or never answer.
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/RedisServer.h"
#include "harness/SilentServer.h"
#include "redis/Client.h"
#include "redis/Errors.h"

#include <QElapsedTimer>
#include <QTest>

using namespace kiq::redis;
using kiq::test::RedisServer;
using kiq::test::SilentServer;

namespace {
// Timeouts short enough for the failure tests.
ConnectionOptions quickOptionsFor(int port)
{
    ConnectionOptions o = kiq::test::optionsFor(port);
    o.connectTimeout = std::chrono::milliseconds(2000);
    o.commandTimeout = std::chrono::milliseconds(2000);
    return o;
}

template <typename F> Error expectError(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("expected a kiq::redis::Error");
}
} // namespace

class TestClientStandalone : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;

private slots:
    void initTestCase()
    {
        RedisServer::Options o;
        o.name = "standalone";
        m_server = std::make_unique<RedisServer>(o);
    }
    void init() { QCOMPARE(m_server->cli({"FLUSHALL"}), QString("OK")); }

    void replyTypes()
    {
        Client c(quickOptionsFor(m_server->port()));
        QVERIFY(c.command(Command("PING")).str == "PONG");
        QVERIFY(c.command(Command("SET").key("k").arg(std::string_view("v"))).isOk());
        QCOMPARE(QString::fromStdString(c.command(Command("GET").key("k")).asString()), QString("v"));
        QVERIFY(c.command(Command("GET").key("missing")).isNil());
        QCOMPARE(c.command(Command("INCRBY").key("n").arg(41)).asInteger(), 41LL);
        c.command(Command("RPUSH").key("l").arg(std::string_view("a")).arg(std::string_view("b")));
        auto list = c.command(Command("LRANGE").key("l").arg(0).arg(-1)).asStringList();
        QCOMPARE(list.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(list[1]), QString("b"));
        Reply err = c.command(Command("LPUSH").key("k").arg(std::string_view("x")));
        QVERIFY(err.isError());
        QCOMPARE(classifyReplyError(err.str), ErrorKind::WrongType);
        QVERIFY_THROWS_EXCEPTION(ReplyError, err.asInteger());
        // Binary and invalid UTF-8 round-trip unchanged.
        const std::string binary("\x00\xff\xc3\x28 end", 8);
        c.command(Command("SET").key("bin").arg(binary));
        QVERIFY(c.command(Command("GET").key("bin")).asString() == binary);
    }

    void pipelineOfTenThousand()
    {
        Client c(quickOptionsFor(m_server->port()));
        std::vector<Command> cmds;
        for (int i = 0; i < 10000; ++i) cmds.push_back(Command("RPUSH").key("big").arg(i));
        QElapsedTimer t;
        t.start();
        auto replies = c.pipeline(cmds);
        QCOMPARE(replies.size(), std::size_t(10000));
        QCOMPARE(replies.back().asInteger(), 10000LL);
        QCOMPARE(m_server->cli({"LLEN", "big"}), QString("10000"));
        QCOMPARE(m_server->cli({"LINDEX", "big", "9999"}), QString("9999")); // order kept
        qInfo() << "10k pipelined RPUSH in" << t.elapsed() << "ms";
    }

    void transaction()
    {
        Client c(quickOptionsFor(m_server->port()));
        auto replies = c.transaction({Command("SET").key("a").arg(std::string_view("1")), Command("INCR").key("a")});
        QCOMPARE(replies.size(), std::size_t(2));
        QCOMPARE(replies[1].asInteger(), 2LL);
        QVERIFY_THROWS_EXCEPTION(ReplyError, c.transaction({Command("NOSUCHCOMMAND").key("a")}));
    }

    void transactionRaisesOnAnErrorInsideExec()
    {
        // WRONGTYPE is found only when EXEC runs the command, and Redis runs the others anyway: the
        // caller must hear of it, and see what did run.
        Client c(quickOptionsFor(m_server->port()));
        c.command(Command("SET").key("notazset").arg(std::string_view("x"))).throwIfError();
        try {
            c.transaction({Command("INCR").key("n"), Command("ZADD").key("notazset").arg(1).arg(std::string_view("m")),
                Command("INCR").key("n")});
            QFAIL("no exception");
        } catch (const ReplyError& e) {
            QVERIFY2(QString(e.what()).contains("command 2 (ZADD)") && e.code() == "WRONGTYPE", e.what());
            const auto* t = dynamic_cast<const TransactionError*>(&e);
            QVERIFY(t);
            QCOMPARE(t->replies().size(), std::size_t(3));
            QCOMPARE(t->replies()[2].integer, 2LL);
        }
        QCOMPARE(c.command(Command("GET").key("n")).asString(), std::string("2"));
    }

    void namespacePrefix()
    {
        auto o = quickOptionsFor(m_server->port());
        o.keyPrefix = "myapp:";
        Client c(o);
        c.command(Command("SADD").key("queues").arg(std::string_view("default")));
        c.pipeline({Command("LPUSH").key("queue:default").arg(std::string_view("{}"))});
        QCOMPARE(m_server->cli({"SMEMBERS", "myapp:queues"}), QString("default")); // values untouched
        QCOMPARE(m_server->cli({"LLEN", "myapp:queue:default"}), QString("1"));
        QCOMPARE(m_server->cli({"EXISTS", "queues"}), QString("0"));
        QCOMPARE(QString::fromStdString(
                     c.blockingCommand(Command("BRPOP").key("queue:default").arg(1), std::chrono::seconds(1))
                         .asStringList()[0]),
            QString("myapp:queue:default"));
    }

    void aclUserAuthAndFailures()
    {
        QCOMPARE(
            m_server->cli({"ACL", "SETUSER", "worker", "on", ">w0rker-pw", "~*", "+@all", "-flushall"}), QString("OK"));
        auto o = quickOptionsFor(m_server->port());
        o.user = "worker";
        o.password = "w0rker-pw";
        Client good(o);
        QVERIFY(good.command(Command("SET").key("x").arg(std::string_view("1"))).isOk());
        Reply denied = good.command(Command("FLUSHALL"));
        QVERIFY(denied.isError());
        Error noperm = expectError([&] { denied.throwIfError(); });
        QCOMPARE(noperm.kind(), ErrorKind::NoPerm);
        QVERIFY2(QString(noperm.what()).contains("flushall"), noperm.what());

        o.password = "wrong";
        Error wrong = expectError([&] { Client(o).connect(); });
        QCOMPARE(wrong.kind(), ErrorKind::WrongPass);
        QVERIFY2(QString(wrong.what()).contains("wrong username or password"), wrong.what());
        QVERIFY2(!QString(wrong.what()).contains("wrong\""), "password must not appear in errors");
        m_server->cli({"ACL", "DELUSER", "worker"});
    }

    void noAuth()
    {
        RedisServer::Options so;
        so.name = "auth";
        RedisServer secured(so);
        QCOMPARE(secured.cli({"CONFIG", "SET", "requirepass", "s3cret"}), QString("OK"));
        auto o = quickOptionsFor(secured.port());
        Error e = expectError([&] { Client(o).connect(); });
        QCOMPARE(e.kind(), ErrorKind::NoAuth);
        o.password = "s3cret";
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
    }

    void refused()
    {
        auto o = quickOptionsFor(kiq::test::freePort());
        o.reconnectAttempts = 2;
        Error e = expectError([&] { Client(o).connect(); });
        QCOMPARE(e.kind(), ErrorKind::Refused);
        QVERIFY2(QString(e.what()).contains("refused"), e.what());
    }

    void dnsFailure()
    {
        auto o = quickOptionsFor(6379);
        o.endpoint.host = "no-such-host.invalid";
        Error e = expectError([&] { Client(o).connect(); });
        QCOMPARE(e.kind(), ErrorKind::Dns);
    }

    // A host name is looked up within the connect timeout (getaddrinfo itself has none: a resolver
    // that does not answer held connect() for 5 s per attempt and server). A resolvable name connects
    // through the bounded lookup; an unknown one fails within the timeout, as Dns (or Timeout).
    void hostNameLookupIsBoundedByTheConnectTimeout()
    {
        auto o = quickOptionsFor(m_server->port());
        o.endpoint.host = "localhost";
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");

        o.endpoint.host = "kiqdesk-no-such-host.invalid";
        o.connectTimeout = std::chrono::milliseconds(1500);
        o.reconnectAttempts = 1;
        QElapsedTimer t;
        t.start();
        Error e = expectError([&] { Client(o).connect(); });
        QVERIFY2(e.kind() == ErrorKind::Dns || e.kind() == ErrorKind::Timeout, e.what());
        QVERIFY2(t.elapsed() < 2500, "the lookup must end within the connect timeout");
        QVERIFY2(QString(e.what()).contains("kiqdesk-no-such-host.invalid"), e.what());
    }

    void serverThatNeverAnswersTimesOut()
    {
        SilentServer silent(SilentServer::Mode::NeverAnswer);
        auto o = quickOptionsFor(silent.port());
        o.commandTimeout = std::chrono::milliseconds(300);
        o.reconnectAttempts = 1;
        QElapsedTimer t;
        t.start();
        Error e = expectError([&] { Client(o).connect(); });
        QCOMPARE(e.kind(), ErrorKind::Timeout);
        QVERIFY2(t.elapsed() < 3000, "a silent server must not hang the client");
        QVERIFY(silent.acceptedCount() >= 1);
    }

    void serverThatClosesAtOnce()
    {
        SilentServer closer(SilentServer::Mode::CloseImmediately);
        auto o = quickOptionsFor(closer.port());
        o.reconnectAttempts = 1;
        Error e = expectError([&] { Client(o).connect(); });
        QCOMPARE(e.kind(), ErrorKind::ConnectionLost);
    }

    void restartThenReconnect()
    {
        RedisServer::Options so;
        so.name = "restart";
        RedisServer server(so);
        auto o = quickOptionsFor(server.port());
        o.reconnectAttempts = 20;
        Client c(o);
        QVERIFY(c.command(Command("SET").key("before").arg(std::string_view("1"))).isOk());
        server.restart();
        // The idle connection was closed by the restart; the client notices before sending and
        // reconnects, so the command after the restart simply works.
        QVERIFY(c.command(Command("SET").key("after").arg(std::string_view("2"))).isOk());
        QCOMPARE(server.cli({"GET", "after"}), QString("2"));

        // While the server is down commands fail with a transport error, then work again.
        server.kill9();
        o.reconnectAttempts = 2;
        Client c2(o);
        Error down = expectError([&] { c2.command(Command("PING")); });
        QVERIFY(down.isTransient());
        server.restart();
        QVERIFY(c2.command(Command("PING")).str == "PONG");
    }

    void clientNameIsSet()
    {
        auto o = quickOptionsFor(m_server->port());
        o.clientName = "kiqdesk-test";
        Client c(o);
        QCOMPARE(QString::fromStdString(c.command(Command("CLIENT").arg(std::string_view("GETNAME"))).asString()),
            QString("kiqdesk-test"));
    }

    void selectDb()
    {
        auto o = quickOptionsFor(m_server->port());
        o.db = 3;
        Client c(o);
        c.command(Command("SET").key("indb3").arg(std::string_view("y")));
        QCOMPARE(m_server->cli({"-n", "3", "GET", "indb3"}), QString("y"));
        QCOMPARE(m_server->cli({"EXISTS", "indb3"}), QString("0"));
    }

    void fanOutOnStandalone()
    {
        Client c(quickOptionsFor(m_server->port()));
        auto replies = c.onAllPrimaries(Command("DBSIZE"));
        QCOMPARE(replies.size(), std::size_t(1));
        QVERIFY(replies[0].isPrimary);
        QCOMPARE(replies[0].node.port, m_server->port());
    }
};

QTEST_GUILESS_MAIN(TestClientStandalone)
#include "tst_client_standalone.moc"
