// Sidekiq ≥ 7.3's iterable job state (sidekiq/api/IterableJobs.h, docs/sidekiq-data-model.md §16) on a real
// redis-server: `it-<jid>` written at test time as iterable.rb's flush_state writes it (HSET ex c rt,
// EXPIRE 2592000 NX; the key spelled out here), read for several JIDs at once, and cancelled as cancel!
// does, through the write gate: audited, refused while read-only, the first cancel time kept.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "sidekiq/api/IterableJobs.h"
#include "write/WriteGate.h"

#include <QTest>

using namespace kiq;
using redis::Command;

class TestIterableJobs : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }
    std::string field(const std::string& key, const std::string& name)
    {
        const auto r = m_client->command(Command::raw({"HGET", key, name}));
        return r.isNil() ? std::string("(nil)") : r.asString();
    }
    long long ttl(const std::string& key) { return m_client->command(Command::raw({"TTL", key})).integer; }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
    }
    void init() { run({"FLUSHALL"}); }

    void readsTheStateOfSeveralJobsInOnePipeline()
    {
        QCOMPARE(sidekiq::iterationKey("abc123"), std::string("it-abc123"));
        run({"HSET", "it-aaaaaaaaaaaaaaaaaaaaaaaa", "ex", "3", "c", "1200", "rt", "65.25"});
        run({"EXPIRE", "it-aaaaaaaaaaaaaaaaaaaaaaaa", "2592000", "NX"});
        run({"HSET", "it-cccccccccccccccccccccccc", "ex", "1", "c", "{\"id\":7,\"page\":\"b\"}", "rt", "0.5",
            "cancelled", "1764800000"});
        const auto states = sidekiq::readIterations(
            *m_client, {"aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccc"});
        QCOMPARE(states.size(), std::size_t(3));
        QVERIFY(states[0] && !states[1] && states[2]);
        QCOMPARE(states[0]->executions, 3LL);
        QCOMPARE(states[0]->cursor, std::string("1200"));
        QCOMPARE(states[0]->runtimeSeconds, 65.25);
        QVERIFY(!states[0]->cancelledAt);
        QCOMPARE(states[2]->cursor, std::string("{\"id\":7,\"page\":\"b\"}"));
        QCOMPARE(*states[2]->cancelledAt, 1764800000.0);
        // A field Sidekiq did not write as a number is left at its default, not an error.
        run({"HSET", "it-dddddddddddddddddddddddd", "ex", "many", "c", "null"});
        const auto odd = sidekiq::readIterations(*m_client, {"dddddddddddddddddddddddd"});
        QVERIFY(odd[0]);
        QCOMPARE(odd[0]->executions, 0LL);
        QCOMPARE(odd[0]->cursor, std::string("null"));
        QVERIFY(sidekiq::readIterations(*m_client, {}).empty());
    }

    void cancelIsCancelBangThroughTheGate()
    {
        const std::string jid = "aaaaaaaaaaaaaaaaaaaaaaaa";
        const std::string key = "it-" + jid;
        run({"HSET", key, "ex", "1", "c", "40", "rt", "12.0"});
        std::vector<write::AuditEntry> audit;
        write::WriteGate gate("billing", true);
        gate.addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });

        // Read-only: refused, nothing written.
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, sidekiq::cancelIteration(*m_client, gate, jid, 1764800000));
        QCOMPARE(field(key, "cancelled"), std::string("(nil)"));
        QCOMPARE(ttl(key), -1LL);

        gate.arm("INC-7 runaway backfill", std::chrono::minutes(5));
        QCOMPARE(sidekiq::cancelIteration(*m_client, gate, jid, 1764800000.4), 1764800000.0);
        QCOMPARE(field(key, "cancelled"), std::string("1764800000"));
        QCOMPARE(field(key, "c"), std::string("40")); // the state is kept for the job to read
        QVERIFY(ttl(key) > 2592000 - 60 && ttl(key) <= 2592000); // EXPIRE … NX: the state's 30 days
        QVERIFY(!audit.empty());
        const write::AuditEntry& done = audit.back();
        QCOMPARE(done.intent.action, std::string("cancel-iteration"));
        QCOMPARE(done.intent.target, key);
        QCOMPARE(done.intent.sampleJids, std::vector<std::string> {jid});
        QVERIFY(done.ok);
        QCOMPARE(done.affected, 1LL);

        // Again, later: the first time stands (HSETNX), reported as skipped; the TTL is not renewed (NX).
        run({"EXPIRE", key, "100"});
        QCOMPARE(sidekiq::cancelIteration(*m_client, gate, jid, 1764800900), 1764800000.0);
        QCOMPARE(field(key, "cancelled"), std::string("1764800000"));
        QVERIFY(ttl(key) <= 100);
        QCOMPARE(audit.back().affected, 0LL);
        QCOMPARE(audit.back().skipped, 1LL);

        // A job that has not saved state yet: cancelled before it starts iterating, as cancel! allows.
        QCOMPARE(sidekiq::cancelIteration(*m_client, gate, "bbbbbbbbbbbbbbbbbbbbbbbb", 1764801000), 1764801000.0);
        QCOMPARE(field("it-bbbbbbbbbbbbbbbbbbbbbbbb", "cancelled"), std::string("1764801000"));
        QVERIFY(ttl("it-bbbbbbbbbbbbbbbbbbbbbbbb") > 2592000 - 60);
    }
};

QTEST_MAIN(TestIterableJobs)
#include "tst_iterable_jobs.moc"
