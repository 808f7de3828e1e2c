// Real Sidekiq 6.4.1 and our data model on one Redis: jobs Sidekiq fails are read and retried by us
// and run again by Sidekiq; jobs we kill are read back; Sidekiq::Stats agrees with ours; a running
// sidekiq obeys our quiet and stop.
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace kiq;
using namespace kiq::sidekiq;
using kiq::test::runSidekiqRuby;
using kiq::test::SidekiqProcess;
using kiq::test::waitUntil;

class TestSidekiqInterop : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};
    int port() const { return m_server->port(); }

    bool waitForSize(JobSetKind kind, long long size, int ms = 20000)
    {
        return waitUntil([&] { return setSize(*m_client, kind) == size; }, ms, 100);
    }

private slots:
    void initTestCase() { startServer(); }

    void failedJobIsReadRetriedAndRunBySidekiq()
    {
        SidekiqProcess sidekiq(port());
        const QString jid = runSidekiqRuby(port(), "puts HardJob.perform_async('t1', {'nested' => [1, 2.5]})");
        QVERIFY(waitForSize(JobSetKind::Retry, 1));

        auto entries = pageByRank(*m_client, JobSetKind::Retry, 0, 10, false);
        QCOMPARE(entries.size(), std::size_t(1));
        JobRecord job = JobRecord::parse(entries[0].job.raw);
        QVERIFY2(job.ok(), job.parseError.c_str());
        QCOMPARE(QString::fromStdString(job.jid), jid);
        QCOMPARE(QString::fromStdString(job.className), QString("HardJob"));
        QCOMPARE(QString::fromStdString(job.queue), QString("default"));
        QCOMPARE(QString::fromStdString(*job.errorClass), QString("ArgumentError"));
        QCOMPARE(QString::fromStdString(*job.errorMessage), QString("not allowed yet: t1"));
        QCOMPARE(*job.retryCount, std::int64_t(0));
        QVERIFY(job.failedAt.has_value());
        QVERIFY(job.errorBacktrace.has_value() && !job.errorBacktrace->empty()); // backtrace: 5
        QVERIFY(entries[0].score > Timestamp::now().seconds() + 3000); // sidekiq_retry_in 3600
        QVERIFY(findByJid(*m_client, JobSetKind::Retry, jid.toStdString()).has_value());

        // Our retry: back to its queue, Sidekiq runs it.
        m_server->cli({"SET", "allow:t1", "1"});
        ActionResult r = retryNow(*m_client, m_gate, JobSetKind::Retry, {entries[0].job.raw});
        QCOMPARE(r.affected, 1LL);
        QVERIFY(waitUntil([&] { return m_server->cli({"GET", "done:t1"}) == jid; }, 20000, 100));
        QCOMPARE(setSize(*m_client, JobSetKind::Retry), 0LL);
        // Retrying the same (now gone) payload again does nothing: no double run.
        ActionResult again = retryNow(*m_client, m_gate, JobSetKind::Retry, {entries[0].job.raw});
        QCOMPARE(again.affected, 0LL);
        QCOMPARE(again.missing, 1LL);
    }

    void killedJobIsReadAndRetriedFromDead()
    {
        SidekiqProcess sidekiq(port());
        const QString jid = runSidekiqRuby(port(), "puts HardJob.perform_async('t2')");
        QVERIFY(waitForSize(JobSetKind::Retry, 1));
        const auto entries = pageByRank(*m_client, JobSetKind::Retry, 0, 1, false);
        ActionResult killed = killJobs(*m_client, m_gate, JobSetKind::Retry, {entries[0].job.raw});
        QCOMPARE(killed.affected, 1LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 1LL);
        // Sidekiq's own API sees it in the morgue.
        QCOMPARE(runSidekiqRuby(port(), "puts Sidekiq::DeadSet.new.map(&:jid).join(',')"), jid);

        const auto dead = pageByRank(*m_client, JobSetKind::Dead, 0, 1, true);
        QCOMPARE(QString::fromStdString(dead[0].job.jid), jid);
        m_server->cli({"SET", "allow:t2", "1"});
        QCOMPARE(retryNow(*m_client, m_gate, JobSetKind::Dead, {dead[0].job.raw}).affected, 1LL);
        QVERIFY(waitUntil([&] { return m_server->cli({"GET", "done:t2"}) == jid; }, 20000, 100));
    }

    void jobsSidekiqKillsAreRetriedByUs()
    {
        // retry: 0 sends the job straight to the morgue on its first failure
        // (docs/sidekiq-data-model.md §4).
        SidekiqProcess sidekiq(port());
        m_server->cli({"DEL", "dead"});
        const QString jid = runSidekiqRuby(port(), "puts HardJob.set(retry: 0).perform_async('t3')");
        QVERIFY(waitForSize(JobSetKind::Dead, 1));
        const auto dead = pageByRank(*m_client, JobSetKind::Dead, 0, 1, true);
        QCOMPARE(QString::fromStdString(dead[0].job.jid), jid);
        QCOMPARE(QString::fromStdString(*dead[0].job.errorClass), QString("ArgumentError"));
        m_server->cli({"SET", "allow:t3", "1"});
        QCOMPARE(retryNow(*m_client, m_gate, JobSetKind::Dead, {dead[0].job.raw}).affected, 1LL);
        QVERIFY(waitUntil([&] { return m_server->cli({"GET", "done:t3"}) == jid; }, 20000, 100));
    }

    void statsAgreeWithSidekiq()
    {
        runSidekiqRuby(port(),
            "5.times { |i| EchoJob.perform_async(i) }; 3.times { |i| EchoJob.set(queue: 'low').perform_async(i) };"
            "EchoJob.perform_in(3600, 'later'); Sidekiq.redis { |r| r.incrby('stat:processed', 7); "
            "r.incrby('stat:failed', 2) }");
        StatsReader reader;
        const StatsSnapshot ours = reader.read(*m_client);
        QCOMPARE(ours.roundTrips, 2); // first read learns the queue names
        const QString theirs = runSidekiqRuby(port(),
            "s = Sidekiq::Stats.new; puts JSON.generate({processed: s.processed, failed: s.failed, enqueued: "
            "s.enqueued,"
            " scheduled: s.scheduled_size, retry: s.retry_size, dead: s.dead_size, processes: s.processes_size,"
            " queues: s.queues, latency: Sidekiq::Queue.new('default').latency})");
        const QJsonObject t = QJsonDocument::fromJson(theirs.toUtf8()).object();
        QCOMPARE(ours.processed, t["processed"].toInteger());
        QCOMPARE(ours.failed, t["failed"].toInteger());
        QCOMPARE(ours.enqueued, t["enqueued"].toInteger());
        QCOMPARE(ours.scheduledSize, t["scheduled"].toInteger());
        QCOMPARE(ours.retrySize, t["retry"].toInteger());
        QCOMPARE(ours.deadSize, t["dead"].toInteger());
        QCOMPARE(ours.enqueued, 8LL);
        const QJsonObject queues = t["queues"].toObject();
        for (const auto& q : ours.queues) QCOMPARE(q.size, queues[QString::fromStdString(q.name)].toInteger());
        QVERIFY(std::abs(ours.defaultQueueLatency - t["latency"].toDouble()) < 2.0);
        // The second read needs one round trip.
        QCOMPARE(reader.read(*m_client).roundTrips, 1);
        m_server->cli({"DEL", "queue:default", "queue:low", "schedule"});
    }

    void quietAndStopAreObeyedBySidekiq()
    {
        SidekiqProcess sidekiq(port());
        const std::string identity = sidekiq.identity().toStdString();
        ProcessList list = listProcesses(*m_client);
        auto it = std::find_if(
            list.live.begin(), list.live.end(), [&](const ProcessRecord& p) { return p.identity == identity; });
        QVERIFY(it != list.live.end());
        QCOMPARE(it->pid, std::int64_t(sidekiq.pid()));
        QVERIFY(!it->quiet);
        QVERIFY(it->versionLabel().find('6') != std::string::npos || it->version.empty());

        signalProcess(*m_client, m_gate, identity, ProcessSignal::Quiet);
        QVERIFY2(waitUntil(
                     [&] {
                         auto l = listProcesses(*m_client);
                         return std::any_of(l.live.begin(), l.live.end(),
                             [&](const ProcessRecord& p) { return p.identity == identity && p.quiet; });
                     },
                     20000, 250),
            qPrintable(sidekiq.logTail()));

        signalProcess(*m_client, m_gate, identity, ProcessSignal::Stop);
        QVERIFY2(waitUntil([&] { return !sidekiq.isRunning(); }, 25000, 250), qPrintable(sidekiq.logTail()));
    }

    void busyJobsAreListed()
    {
        SidekiqProcess sidekiq(port());
        runSidekiqRuby(port(), "SlowJob.perform_async(8)");
        // 6.4.1 writes the in-progress hash only at a heartbeat (every 5 s).
        std::vector<BusyJob> busy;
        QVERIFY(waitUntil(
            [&] {
                busy = listBusyJobs(*m_client, {sidekiq.identity().toStdString()});
                return !busy.empty();
            },
            15000, 250));
        QCOMPARE(QString::fromStdString(busy[0].work.payload.className), QString("SlowJob"));
        QCOMPARE(QString::fromStdString(busy[0].work.queue), QString("default"));
    }

    void readOnlyGateRefusesWrites()
    {
        write::WriteGate readOnly("prod", true);
        std::vector<write::AuditEntry> audit;
        readOnly.addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });
        m_server->cli({"ZADD", "dead", "1", "{\"class\":\"X\",\"jid\":\"abc\",\"args\":[],\"queue\":\"default\"}"});
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused,
            deleteJobs(*m_client, readOnly, JobSetKind::Dead,
                {"{\"class\":\"X\",\"jid\":\"abc\",\"args\":[],\"queue\":\"default\"}"}));
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 1LL); // nothing deleted
        QCOMPARE(audit.size(), std::size_t(1));
        QVERIFY(!audit[0].ok);
        readOnly.arm("INC-42 cleanup");
        const auto r = deleteJobs(*m_client, readOnly, JobSetKind::Dead,
            {"{\"class\":\"X\",\"jid\":\"abc\",\"args\":[],\"queue\":\"default\"}"});
        QCOMPARE(r.affected, 1LL);
        QCOMPARE(audit.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(audit[1].reason), QString("INC-42 cleanup"));
        QCOMPARE(audit[1].removed.size(), std::size_t(1)); // with where it was, as the undo journal keeps it
        QCOMPARE(QString::fromStdString(audit[1].removed[0].key), QString("dead"));
        QCOMPARE(audit[1].removed[0].score, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestSidekiqInterop)
#include "tst_sidekiq_interop.moc"
