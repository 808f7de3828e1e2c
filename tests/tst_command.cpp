// Command building: RESP encoding, namespacing of keys only, doubles, and Cluster key slots.
#include "redis/Command.h"
#include "redis/KeySlot.h"

#include <QTest>

#include <hiredis.h>

using namespace kiq::redis;

class TestCommand : public QObject {
    Q_OBJECT
private slots:
    void respEncoding()
    {
        Command c("LPUSH");
        c.key("queue:default").arg(std::string_view("a b\r\nc"));
        QCOMPARE(QByteArray::fromStdString(c.toResp()),
            QByteArray("*3\r\n$5\r\nLPUSH\r\n$13\r\nqueue:default\r\n$6\r\na b\r\nc\r\n"));
    }

    void sameBytesAsHiredis()
    {
        // Our formatter must produce exactly what hiredis' redisFormatCommandArgv does.
        std::vector<Command> samples;
        samples.push_back(Command("PING"));
        samples.push_back(Command("SET").key("k").arg(std::string_view("")));
        samples.push_back(Command("LPUSH").key("queue:x").arg(std::string(100000, 'j')).arg(-42LL));
        samples.push_back(Command("HSET").key("h").arg(std::string_view("f\r\n\0x", 6)).arg(1.25));
        for (const auto& c : samples) {
            std::vector<const char*> argv;
            std::vector<size_t> lens;
            for (const auto& a : c.argv()) {
                argv.push_back(a.data());
                lens.push_back(a.size());
            }
            char* ref = nullptr;
            int n = redisFormatCommandArgv(&ref, int(argv.size()), argv.data(), lens.data());
            QVERIFY(n > 0);
            const std::string expected(ref, std::size_t(n));
            redisFreeCommand(ref);
            QVERIFY(c.toResp() == expected);
        }
    }

    void prefixAppliesToKeysOnly()
    {
        Command c("EVALSHA");
        c.arg(std::string_view("abc")).arg(2).key("schedule").key("retry").arg(std::string_view("schedule"));
        std::string prefixed;
        c.appendResp(prefixed, "myapp:");
        QCOMPARE(QByteArray::fromStdString(prefixed),
            QByteArray("*6\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$1\r\n2\r\n$14\r\nmyapp:schedule\r\n"
                       "$11\r\nmyapp:retry\r\n$8\r\nschedule\r\n")); // the last one is a value: untouched
        QCOMPARE(QString::fromStdString(std::string(c.firstKey())), QString("schedule"));
        std::string plain;
        c.appendResp(plain);
        QVERIFY(plain == c.toResp());
    }

    void manyKeys()
    {
        Command del("DEL");
        for (int i = 0; i < 100; ++i) del.key("k" + std::to_string(i));
        QVERIFY(del.isKey(1) && del.isKey(63) && del.isKey(64) && del.isKey(100));
        QVERIFY(!del.isKey(0));
        std::string out;
        del.appendResp(out, "ns:");
        QVERIFY(out.find("$5\r\nns:k0\r\n") != std::string::npos);
        QVERIFY(out.find("$6\r\nns:k99\r\n") != std::string::npos);
        QCOMPARE(QString::fromStdString(std::string(del.firstKey())), QString("k0"));
    }

    void doublesKeepTheirPoint()
    {
        Command c("ZADD");
        c.key("retry").arg(1700000000.0).arg(1.5).arg(-0.25);
        QCOMPARE(QString::fromStdString(c.argv()[2]), QString("1700000000.0"));
        QCOMPARE(QString::fromStdString(c.argv()[3]), QString("1.5"));
        QCOMPARE(QString::fromStdString(c.argv()[4]), QString("-0.25"));
    }

    void debugStringHidesValues()
    {
        Command c("AUTH");
        c.arg(std::string_view("user")).arg(std::string_view("s3cret"));
        QVERIFY(!QString::fromStdString(c.debugString()).contains("s3cret"));
    }

    void keySlots()
    {
        // Reference values from the Redis Cluster specification and CLUSTER KEYSLOT.
        QCOMPARE(int(crc16("123456789")), 0x31C3);
        QCOMPARE(keySlot("foo"), 12182);
        QCOMPARE(keySlot("{user1000}.following"), keySlot("{user1000}.followers"));
        QCOMPARE(keySlot("{user1000}.following"), keySlot("user1000"));
        QCOMPARE(keySlot("foo{}{bar}"), keySlot("foo{}{bar}")); // empty tag: whole key hashed
        QVERIFY(keySlot("foo{}{bar}") != keySlot("bar"));
        QCOMPARE(keySlot("foo{{bar}}zap"), keySlot("{bar"));
    }
};

QTEST_APPLESS_MAIN(TestCommand)
#include "tst_command.moc"
