// Writes on queues against a real redis-server: moving selected jobs to another queue (atomic per
// chunk, `queue` field rewritten, jobs already taken counted as missing, unparsable ones skipped and
// left in place, a wrong-typed destination refused before anything moves), pausing and resuming a
// queue as Stats and our pool's fetch see it, and clearing a queue.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/JobBuilder.h"

#include <QTest>

using namespace kiq;
using namespace kiq::sidekiq;

class TestQueueActions : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};

    std::vector<std::string> push(const std::string& queue, int count)
    {
        std::vector<std::string> jobs;
        for (int i = 0; i < count; ++i) {
            JobBuilder b("MoveMe", "[" + std::to_string(i) + "]");
            b.setQueue(queue);
            jobs.push_back(b.build().json);
            m_client->command(redis::Command("LPUSH").key("queue:" + queue).arg(jobs.back())).throwIfError();
        }
        m_client->command(redis::Command("SADD").key("queues").arg(queue)).throwIfError();
        return jobs;
    }
    long long llen(const std::string& queue)
    {
        return m_client->command(redis::Command("LLEN").key("queue:" + queue)).asInteger();
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void moveSelectedJobs()
    {
        auto jobs = push("low", 450); // three script calls of at most 200
        std::vector<std::string> selected(jobs.begin(), jobs.begin() + 420);
        m_client->command(redis::Command("LREM").key("queue:low").arg(1).arg(selected[5]))
            .throwIfError(); // a worker took it
        selected.push_back("{broken json");
        const ActionResult r = moveQueueJobs(*m_client, m_gate, "low", selected, "high");
        QCOMPARE(r.affected, 419LL);
        QCOMPARE(r.missing, 1LL);
        QCOMPARE(r.skipped.size(), std::size_t(1));
        QCOMPARE(llen("low"), 30LL);
        QCOMPARE(llen("high"), 419LL);
        for (const auto& raw :
            m_client->command(redis::Command("LRANGE").key("queue:high").arg(0).arg(-1)).asStringList())
            QCOMPARE(QString::fromStdString(JobRecord::parse(raw).queue), QString("high"));
        QVERIFY(m_client->command(redis::Command("SISMEMBER").key("queues").arg("high")).asInteger() == 1);
        // Order is kept: the oldest of the moved jobs is still the next to run.
        const auto next = m_client->command(redis::Command("LINDEX").key("queue:high").arg(-1)).str;
        QCOMPARE(JobRecord::parse(next).jid, JobRecord::parse(jobs[0]).jid);
    }

    void refusedDestinationMovesNothing()
    {
        auto jobs = push("low", 5);
        m_client->command(redis::Command("SET").key("queue:oops").arg("a string")).throwIfError();
        try {
            moveQueueJobs(*m_client, m_gate, "low", jobs, "oops");
            QFAIL("a string destination was accepted");
        } catch (const redis::Error& e) {
            QVERIFY2(QString(e.what()).contains("WRONGTYPE"), e.what());
        }
        QCOMPARE(llen("low"), 5LL);
        try {
            moveQueueJobs(*m_client, m_gate, "low", jobs, "low");
            QFAIL("moving to the same queue was accepted");
        } catch (const redis::UsageError&) {
        }
    }

    void pauseResumeAndClear()
    {
        push("mail", 3);
        setQueuePaused(*m_client, m_gate, "mail", true);
        StatsReader reader;
        auto stats = reader.read(*m_client);
        QCOMPARE(stats.queues.size(), std::size_t(1));
        QVERIFY(stats.queues[0].paused);
        setQueuePaused(*m_client, m_gate, "mail", false);
        QVERIFY(!reader.read(*m_client).queues[0].paused);

        std::vector<write::AuditEntry> audit;
        m_gate.addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });
        clearQueue(*m_client, m_gate, "mail");
        QCOMPARE(llen("mail"), 0LL);
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].affected, 3LL);
        QVERIFY(reader.read(*m_client).queues.empty());
    }
};

QTEST_GUILESS_MAIN(TestQueueActions)
#include "tst_queue_actions.moc"
