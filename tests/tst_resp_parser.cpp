// The RESP path without a socket: every reply type, split feeds, protocol errors and big replies;
// and a hostile server announcing absurd array sizes.
#include "harness/Fixture.h"
#include "harness/SilentServer.h"
#include "redis/Client.h"
#include "redis/Errors.h"
#include "redis/RespParser.h"

#include <QTest>

#include <cstdio>

#include <sys/resource.h>
#include <unistd.h>

using namespace kiq::redis;

class TestRespParser : public QObject {
    Q_OBJECT
private:
    static std::vector<Reply> parseAll(const std::string& bytes, std::size_t chunk)
    {
        RespParser p;
        std::vector<Reply> out;
        for (std::size_t i = 0; i < bytes.size(); i += chunk) {
            p.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
            while (auto r = p.next()) out.push_back(std::move(*r));
        }
        return out;
    }

    static long peakRssKb()
    {
        rusage u {};
        getrusage(RUSAGE_SELF, &u);
        return u.ru_maxrss;
    }

    static long currentRssKb()
    {
        long pages = 0, resident = 0;
        if (FILE* f = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
            std::fclose(f);
        }
        return resident * (sysconf(_SC_PAGESIZE) / 1024);
    }

    // A client of the hostile server: one attempt, a short timeout, no handshake to confuse things.
    static ConnectionOptions hostileOptions(int port)
    {
        ConnectionOptions o = kiq::test::optionsFor(port);
        o.clientName.clear();
        o.commandTimeout = std::chrono::milliseconds(500);
        o.reconnectAttempts = 1;
        return o;
    }

private slots:
    void hostileServerUnderTheCapCostsOnlyWhatItSends()
    {
        // Announces 16 M elements, sends two, then stalls: the call times out, memory stays flat. First
        // of all tests, so the peak it measures is not an earlier one.
        kiq::test::SilentServer hostile(kiq::test::SilentServer::Mode::AnswerOnce, "*16000000\r\n:1\r\n:2\r\n");
        const long before = peakRssKb();
        Client client(hostileOptions(hostile.port()));
        try {
            client.command(Command("PING"));
            QFAIL("expected a timeout");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), ErrorKind::Timeout);
        }
        QVERIFY2(peakRssKb() - before < 64 * 1024, "the client allocated for an announced size");
    }

    void allTypes_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::newRow("byte by byte") << 1;
        QTest::newRow("7 bytes") << 7;
        QTest::newRow("whole buffer") << 4096;
    }
    void allTypes()
    {
        QFETCH(int, chunk);
        const std::string bytes = "+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n$0\r\n\r\n"
                                  "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n+x\r\n$4\r\na\r\nb\r\n";
        auto r = parseAll(bytes, std::size_t(chunk));
        QCOMPARE(r.size(), std::size_t(10));
        QVERIFY(r[0].isOk());
        QVERIFY(r[1].isError());
        QCOMPARE(QString::fromStdString(r[1].str), QString("ERR bad thing"));
        QCOMPARE(r[2].asInteger(), 42LL);
        QCOMPARE(r[3].asInteger(), -7LL);
        QCOMPARE(QString::fromStdString(r[4].asString()), QString("hello"));
        QVERIFY(r[5].isNil());
        QVERIFY(r[6].isNil());
        QVERIFY(!r[6].asOptionalString().has_value());
        QCOMPARE(r[7].asString().size(), std::size_t(0));
        QVERIFY(r[8].isArray());
        QCOMPARE(r[8].elements.size(), std::size_t(3));
        QCOMPARE(r[8].elements[1].elements[0].asInteger(), 1LL);
        QVERIFY(r[8].elements[1].elements[1].isNil());
        QCOMPARE(QString::fromStdString(r[9].asString()), QString("a\r\nb")); // binary-safe bulk
    }

    void binaryAndInvalidUtf8AreKept()
    {
        const std::string payload("\x00\xff\xfe{\"a\":1}", 10);
        const std::string bytes = "$10\r\n" + payload + "\r\n";
        auto r = parseAll(bytes, 3);
        QCOMPARE(r.size(), std::size_t(1));
        QVERIFY(r[0].asString() == payload);
    }

    void largeBulkInSmallPieces()
    {
        const std::string big(5 * 1024 * 1024, 'x');
        const std::string bytes = "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n";
        auto r = parseAll(bytes, 16 * 1024);
        QCOMPARE(r.size(), std::size_t(1));
        QCOMPARE(r[0].asString().size(), big.size());
    }

    void protocolErrorThrows()
    {
        RespParser p;
        p.feed("?what\r\n", 7);
        QVERIFY_THROWS_EXCEPTION(ProtocolError, p.next());
    }

    // 64 Mi elements once cost ~4.8 GB before the first element arrived.
    void absurdArrayHeaderIsAClearError_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("64 Mi") << "*67108864\r\n"
                               << "67108864 elements, over the limit of 16777216";
        QTest::newRow("just over") << "*16777217\r\n"
                                   << "16777217 elements, over the limit";
        QTest::newRow("over int") << "*3000000000\r\n"
                                  << "out of range";
        QTest::newRow("nested") << "*2\r\n:1\r\n*100000000\r\n"
                                << "100000000 elements, over the limit";
    }
    void absurdArrayHeaderIsAClearError()
    {
        QFETCH(QString, header);
        QFETCH(QString, mentions);
        const long before = peakRssKb();
        RespParser p;
        const std::string bytes = header.toStdString();
        p.feed(bytes.data(), bytes.size());
        try {
            p.next();
            QFAIL("expected a ProtocolError");
        } catch (const ProtocolError& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
        QVERIFY2(peakRssKb() - before < 64 * 1024, "refusing a header must not allocate for it");
    }

    // Under the cap, the header alone allocates nothing: room is made as elements arrive.
    void announcedSizeIsNotAllocatedUpFront()
    {
        const long before = currentRssKb();
        RespParser p;
        const std::string head = "*16000000\r\n:1\r\n:2\r\n";
        p.feed(head.data(), head.size());
        QVERIFY(!p.next());
        // Measured while the parser holds the reply it is building.
        QVERIFY2(currentRssKb() - before < 64 * 1024, "an announced array must grow with its elements, not its header");
        // A small array arriving in pieces still comes out whole.
        auto r = parseAll("*3\r\n*2\r\n$1\r\na\r\n:7\r\n$-1\r\n*0\r\n", 3);
        QCOMPARE(r.size(), std::size_t(1));
        QCOMPARE(r[0].elements.size(), std::size_t(3));
        QCOMPARE(r[0].elements[0].elements[0].asString(), std::string("a"));
        QCOMPARE(r[0].elements[0].elements[1].asInteger(), 7LL);
        QVERIFY(r[0].elements[1].isNil());
        QVERIFY(r[0].elements[2].isArray() && r[0].elements[2].elements.empty());
    }

    void hostileServerGetsAClearErrorNotAHugeAllocation()
    {
        kiq::test::SilentServer hostile(kiq::test::SilentServer::Mode::AnswerOnce, "*67108864\r\n");
        const long before = peakRssKb();
        Client client(hostileOptions(hostile.port()));
        try {
            client.command(Command("PING"));
            QFAIL("expected a ProtocolError");
        } catch (const ProtocolError& e) {
            QVERIFY2(QString(e.what()).contains("67108864 elements") && QString(e.what()).contains("limit"), e.what());
        }
        QVERIFY2(peakRssKb() - before < 64 * 1024, "the client allocated for an announced size");
    }

    void typeMismatchIsClear()
    {
        Reply r = Reply::string("abc");
        try {
            r.asArray();
            QFAIL("expected an exception");
        } catch (const ProtocolError& e) {
            QVERIFY(QString(e.what()).contains("expected a array reply, got string")
                || QString(e.what()).contains("array"));
        }
        Reply err = Reply::error("NOPERM this user has no permissions to run the 'flushall' command");
        try {
            err.asInteger();
            QFAIL("expected an exception");
        } catch (const ReplyError& e) {
            QCOMPARE(e.kind(), ErrorKind::NoPerm);
            QVERIFY(QString(e.what()).contains("flushall"));
        }
    }

    void errorClassification_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::newRow("wrongpass") << "WRONGPASS invalid username-password pair or user is disabled."
                                   << int(ErrorKind::WrongPass);
        QTest::newRow("noauth") << "NOAUTH Authentication required." << int(ErrorKind::NoAuth);
        QTest::newRow("noperm") << "NOPERM this user has no permissions to run the 'set' command"
                                << int(ErrorKind::NoPerm);
        QTest::newRow("crossslot") << "CROSSSLOT Keys in request don't hash to the same slot"
                                   << int(ErrorKind::CrossSlot);
        QTest::newRow("loading") << "LOADING Redis is loading the dataset in memory" << int(ErrorKind::Loading);
        QTest::newRow("readonly") << "READONLY You can't write against a read only replica."
                                  << int(ErrorKind::ReadOnly);
        QTest::newRow("moved") << "MOVED 3999 127.0.0.1:6381" << int(ErrorKind::Moved);
        QTest::newRow("ask") << "ASK 3999 127.0.0.1:6381" << int(ErrorKind::Ask);
        QTest::newRow("oom") << "OOM command not allowed when used memory > 'maxmemory'." << int(ErrorKind::Oom);
        QTest::newRow("other") << "ERR unknown command 'FOO'" << int(ErrorKind::OtherReply);
    }
    void errorClassification()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QCOMPARE(int(classifyReplyError(text.toStdString())), kind);
        ReplyError e(text.toStdString(), "ctx");
        QCOMPARE(int(e.kind()), kind);
        QVERIFY(QString(e.what()).startsWith("ctx: "));
    }
};

QTEST_APPLESS_MAIN(TestRespParser)
#include "tst_resp_parser.moc"
