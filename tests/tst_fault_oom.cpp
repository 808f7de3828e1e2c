// Redis at maxmemory with noeviction. Every write of ours is refused with the Oom kind and a message a
// user understands, the WriteGate audits the failure, and nothing is written or deleted: plain
// writes (a process signal, an LPUSH) are refused by Redis directly; job actions run as Lua scripts
// whose first write grows memory (SADD `queues`, ZADD `dead`), which is the one write Redis refuses
// at maxmemory, so a chunk is refused whole before it removes anything. Deleting still works, which
// is how an operator frees memory.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/Errors.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/model/Timestamp.h"

#include <QTest>

#include <map>

using namespace kiq;
using namespace kiq::sidekiq;
using kiq::test::RedisServer;

namespace {
std::string failedJob(int i)
{
    return kiq::test::failedJob("OomJob", i, "boom " + std::to_string(i), 3);
}

std::vector<std::string> membersOf(redis::Client& c, std::string_view key)
{
    return c.command(redis::Command("ZRANGE").key(key).arg(0).arg(-1)).asStringList();
}
} // namespace

class TestFaultOom : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};
    std::vector<write::AuditEntry> m_audit;
    std::map<std::string, int> m_jidsBefore; // every jid seeded, with 1
    QStringList m_problems;

    // Where each jid is now, over the three sets and queue:default.
    std::map<std::string, int> jidsNow()
    {
        std::map<std::string, int> out;
        for (auto key : {"dead", "retry", "schedule"})
            for (const auto& m : membersOf(*m_client, key)) ++out[JobRecord::parse(m).jid];
        for (const auto& m :
            m_client->command(redis::Command("LRANGE").key("queue:default").arg(0).arg(-1)).asStringList())
            ++out[JobRecord::parse(m).jid];
        return out;
    }

    bool outOfMemory() { return m_server->cli({"LPUSH", "probe", "x"}).startsWith("OOM"); }

    // Runs one write of ours at maxmemory: it must be refused with the Oom kind, and its source set
    // must be byte for byte as it was.
    template <typename Fn> void refusedUnderOom(const char* what, std::string_view source, Fn fn)
    {
        const auto before = membersOf(*m_client, source);
        const auto auditedBefore = m_audit.size();
        try {
            fn();
            m_problems << QString("%1 was not refused").arg(what);
        } catch (const redis::Error& e) {
            qInfo("%s at maxmemory: %s", what, e.what());
            if (e.kind() != redis::ErrorKind::Oom)
                m_problems << QString("%1: error kind %2").arg(what, redis::errorKindName(e.kind()));
            if (!QString(e.what()).contains("out of memory (maxmemory reached)"))
                m_problems << QString("%1: %2").arg(what, e.what());
        }
        if (membersOf(*m_client, source) != before) m_problems << QString("%1 changed its set").arg(what);
        if (m_audit.size() != auditedBefore + 1 || m_audit.back().ok)
            m_problems << QString("%1 was not audited as failed").arg(what);
    }

private slots:
    void initTestCase()
    {
        RedisServer::Options o;
        o.extraArgs = {"--maxmemory-policy", "noeviction"};
        startServer(o);
        m_gate.addAuditSink([this](const write::AuditEntry& e) { m_audit.push_back(e); });

        std::vector<redis::Command> seed;
        // Recent scores: a kill trims dead jobs older than Sidekiq's 180 days, as Sidekiq does.
        const double now = Timestamp::now().seconds();
        for (int i = 0; i < 600; ++i) {
            const std::string job = failedJob(i);
            m_jidsBefore[JobRecord::parse(job).jid] = 1;
            const char* set = i < 300 ? "dead" : i < 450 ? "retry" : "schedule";
            seed.push_back(redis::Command("ZADD").key(set).arg(now - 3600 + i).arg(job));
        }
        const std::string filler(100 * 1024, 'x');
        for (int i = 0; i < 20; ++i)
            seed.push_back(redis::Command("SET").key("filler:" + std::to_string(i)).arg(filler));
        for (const auto& r : m_client->pipeline(seed)) r.throwIfError();

        // The data outgrew maxmemory (it was lowered, or memory grew): every memory-growing command
        // is refused from now on.
        const long long used = m_server->info("memory", "used_memory").toLongLong();
        QVERIFY(used > 2'000'000);
        QCOMPARE(m_server->cli({"CONFIG", "SET", "maxmemory", QString::number(used - 100 * 1024)}), QString("OK"));
        QVERIFY(outOfMemory());
    }

    void plainWriteIsRefusedWithAClearError()
    {
        m_audit.clear();
        try {
            signalProcess(*m_client, m_gate, "host:1:abc", ProcessSignal::Quiet);
            QFAIL("the quiet signal was written at maxmemory");
        } catch (const redis::Error& e) {
            QCOMPARE(redis::errorKindName(e.kind()), "oom");
            QVERIFY2(QString(e.what()).contains("out of memory (maxmemory reached); the write was refused"), e.what());
            QVERIFY(!e.isTransient()); // retrying at once would fail the same way
        }
        QCOMPARE(m_audit.size(), std::size_t(1));
        QVERIFY(!m_audit[0].ok);
        QVERIFY2(QString::fromStdString(m_audit[0].error).contains("out of memory"), m_audit[0].error.c_str());
        QCOMPARE(m_client->command(redis::Command("EXISTS").key("host:1:abc-signals")).asInteger(), 0LL);

        const redis::Reply r = m_client->command(redis::Command("LPUSH").key("queue:default").arg(failedJob(9999)));
        QVERIFY(r.isError());
        QCOMPARE(redis::ReplyError(r.str).kind(), redis::ErrorKind::Oom);
    }

    void jobActionsAreRefusedWhole()
    {
        QVERIFY(outOfMemory());
        const auto retry = membersOf(*m_client, "retry");
        const auto scheduled = membersOf(*m_client, "schedule");
        refusedUnderOom("retry of 20 retry-set jobs", "retry", [&] {
            retryNow(*m_client, m_gate, JobSetKind::Retry, {retry.begin(), retry.begin() + 20});
        });
        refusedUnderOom("enqueue-now of 20 scheduled jobs", "schedule", [&] {
            enqueueNow(*m_client, m_gate, {scheduled.begin(), scheduled.begin() + 20});
        });
        refusedUnderOom("kill of 20 retry-set jobs", "retry", [&] {
            killJobs(*m_client, m_gate, JobSetKind::Retry, {retry.begin() + 20, retry.begin() + 40});
        });
        refusedUnderOom("bulk retry of the dead set", "dead", [&] {
            BulkSpec spec;
            spec.set = JobSetKind::Dead;
            spec.action = JobAction::Retry;
            BulkExecutor(*m_client, m_gate, BulkExecutor::create(m_client->options(), spec), nullptr).run();
        });
        QVERIFY2(m_problems.isEmpty(), qPrintable(m_problems.join("; ")));
        QCOMPARE(m_client->command(redis::Command("EXISTS").key("queue:default")).asInteger(), 0LL);
        QCOMPARE(jidsNow(), m_jidsBefore); // every job where it was
    }

    void deleteFreesMemory()
    {
        QVERIFY(outOfMemory());
        const auto dead = membersOf(*m_client, "dead");
        const auto retry = membersOf(*m_client, "retry");
        const auto victims = dead.empty() ? retry : dead;
        const JobSetKind from = dead.empty() ? JobSetKind::Retry : JobSetKind::Dead;
        QVERIFY(victims.size() >= 5);
        const ActionResult r = deleteJobs(*m_client, m_gate, from, {victims.begin(), victims.begin() + 5});
        QCOMPARE(r.affected, 5LL);
        for (auto it = victims.begin(); it != victims.begin() + 5; ++it) m_jidsBefore.erase(JobRecord::parse(*it).jid);
        QCOMPARE(jidsNow(), m_jidsBefore);

        // Once memory is available again, writes work.
        QCOMPARE(m_server->cli({"CONFIG", "SET", "maxmemory", "0"}), QString("OK"));
        QVERIFY(!outOfMemory());
        signalProcess(*m_client, m_gate, "host:1:abc", ProcessSignal::Quiet);
        QCOMPARE(m_client->command(redis::Command("LLEN").key("host:1:abc-signals")).asInteger(), 1LL);
    }
};

QTEST_GUILESS_MAIN(TestFaultOom)
#include "tst_fault_oom.moc"
