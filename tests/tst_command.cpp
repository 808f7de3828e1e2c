// Command building: RESP encoding, namespacing of keys only, doubles, and Cluster key slots.
#include "redis/Command.h"
#include "redis/KeySlot.h"

#include <QTest>

using namespace kiq::redis;

class TestCommand : public QObject {
    Q_OBJECT
private slots:
    void respEncoding()
    {
        Command c("LPUSH");
        c.key("queue:default").arg(std::string_view("a b\r\nc"));
        QCOMPARE(QByteArray::fromStdString(c.toResp()), QByteArray("*3\r\n$5\r\nLPUSH\r\n$13\r\nqueue:default\r\n$6\r\na b\r\nc\r\n"));
    }

    void prefixAppliesToKeysOnly()
    {
        Command c("EVALSHA");
        c.arg(std::string_view("abc")).arg(2).key("schedule").key("retry").arg(std::string_view("schedule"));
        Command p = c.withKeyPrefix("myapp:");
        QCOMPARE(p.argv().size(), std::size_t(6));
        QCOMPARE(QString::fromStdString(p.argv()[3]), QString("myapp:schedule"));
        QCOMPARE(QString::fromStdString(p.argv()[4]), QString("myapp:retry"));
        QCOMPARE(QString::fromStdString(p.argv()[5]), QString("schedule")); // a value, untouched
        QCOMPARE(QString::fromStdString(std::string(p.firstKey())), QString("myapp:schedule"));
        QVERIFY(c.withKeyPrefix("").argv() == c.argv());
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
