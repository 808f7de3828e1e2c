// Replay (sidekiq/actions/Replay.h, issue 23) between two real servers: a job real Sidekiq 6.4.1 sent to
// the morgue on the source is copied, redacted, into a queue of the second server, where our pool runs it
// once as it is and once with edited arguments that fail again (its outcome lands in the target's Dead set,
// linked back); the source's dead set is byte-for-byte what it was. Then the refusals: production and
// untagged targets, the source's own server, unconfirmed counts, arguments that are not an array.
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/TestEnv.h"
#include "redaction/Redaction.h"
#include "sidekiq/actions/Replay.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/model/JobRecord.h"
#include "storage/ReplayJournal.h"
#include "worker/HandlerRegistry.h"
#include "worker/Launcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <mutex>

using namespace kiq;
using namespace kiq::sidekiq;
using deployment::Environment;
using kiq::test::waitUntil;

class TestReplay : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    std::unique_ptr<kiq::test::RedisServer> m_target;
    std::unique_ptr<redis::Client> m_targetClient;

    static QJsonObject object(const std::string& json)
    {
        return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    }
    std::string dump(redis::Client& client, const std::string& key)
    {
        return client.command(redis::Command("DUMP").key(key)).throwIfError().asString();
    }
    std::vector<std::string> lrange(const std::string& key)
    {
        return m_targetClient->command(redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
    }
    static bool refused(const ReplayPlan& plan)
    {
        try {
            checkReplay(plan);
            return false;
        } catch (const ReplayRefused&) {
            return true;
        }
    }

private slots:
    void initTestCase()
    {
        startServer();
        m_target = std::make_unique<kiq::test::RedisServer>(kiq::test::RedisServer::Options {});
        m_targetClient = kiq::test::clientFor(*m_target);
    }
    void cleanupTestCase()
    {
        m_targetClient.reset();
        m_target.reset();
    }
    void init()
    {
        flushAll();
        m_targetClient->command(redis::Command("FLUSHALL")).throwIfError();
    }

    void sidekiqDeadJobRunsRedactedOnTheTarget()
    {
        QString originalJid;
        {
            kiq::test::SidekiqProcess sidekiq(m_server->port());
            originalJid = kiq::test::runSidekiqRuby(m_server->port(),
                "puts HardJob.set(retry: 0).perform_async('t9', {'password' => 'hunter2', 'user' => 'ann'})");
            QVERIFY(waitUntil([&] { return setSize(*m_client, JobSetKind::Dead) == 1; }, 20000, 100));
        }
        const std::string before = dump(*m_client, "dead");
        const std::string raw
            = m_client->command(redis::Command("ZRANGE").key("dead").arg(0).arg(-1)).asStringList().at(0);
        QVERIFY(raw.find("hunter2") != std::string::npos);

        const redaction::Redactor redactor; // the default rules hide "password"
        const ReplaySource source {"Billing", "dead"};
        const double now = Timestamp::now().seconds();
        const ReplayCopy copy = replayCopy(raw, source, redactor, {"replays", {}}, Timestamp::now());
        QVERIFY2(copy.ok(), copy.error.c_str());
        QCOMPARE(QString::fromStdString(copy.originalJid), originalJid);
        QVERIFY(copy.jid != copy.originalJid && copy.jid.size() == 24);
        QVERIFY(copy.payload.find("hunter2") == std::string::npos);

        QVERIFY(!serverIdentity(*m_client).sameServerAs(serverIdentity(*m_targetClient)));
        ReplayPlan plan {Environment::Development, false, 1, std::nullopt};
        checkReplay(plan);

        write::WriteGate gate("Laptop");
        std::vector<write::AuditEntry> audit;
        gate.addAuditSink([&audit](const write::AuditEntry& e) { audit.push_back(e); });
        QCOMPARE(replayJobs(*m_targetClient, gate, source, {copy}).affected, 1LL);
        QTemporaryDir home;
        const storage::ReplayJournal journal(home.filePath(QStringLiteral("replays.jsonl")).toStdString());
        journal.recordReplays("Billing", "Laptop", {copy}, now);
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(audit[0].intent.action), QString("replay"));
        QCOMPARE(QString::fromStdString(audit[0].intent.target), QString("queue:replays"));
        QCOMPARE(QString::fromStdString(audit[0].intent.detail), QString("from Billing dead"));
        QCOMPARE(audit[0].intent.sampleJids, std::vector<std::string> {copy.jid});
        QVERIFY(m_targetClient->command(redis::Command("SISMEMBER").key("queues").arg("replays")).asInteger() == 1);

        const auto queued = lrange("queue:replays");
        QCOMPARE(queued.size(), std::size_t(1));
        QCOMPARE(queued[0], copy.payload);
        const QJsonObject job = object(queued[0]);
        QCOMPARE(job["class"].toString(), QString("HardJob"));
        QCOMPARE(job["queue"].toString(), QString("replays"));
        QCOMPARE(job["jid"].toString(), QString::fromStdString(copy.jid));
        QCOMPARE(job["retry"].toInt(-1), 0); // once: a failure goes to the target's Dead set
        QCOMPARE(job["args"].toArray()[0].toString(), QString("t9"));
        QCOMPARE(job["args"].toArray()[1].toObject()["password"].toString(), QString("[REDACTED]"));
        QCOMPARE(job["args"].toArray()[1].toObject()["user"].toString(), QString("ann"));
        for (const char* gone :
            {"retry_count", "failed_at", "retried_at", "error_class", "error_message", "error_backtrace"})
            QVERIFY2(!job.contains(gone), gone);
        QVERIFY(job["created_at"].isDouble() && job["created_at"].toDouble() >= now - 1);
        QCOMPARE(job["enqueued_at"].toDouble(), job["created_at"].toDouble());
        const QJsonObject from = job["replayed_from"].toObject();
        QCOMPARE(from["deployment"].toString(), QString("Billing"));
        QCOMPARE(from["set"].toString(), QString("dead"));
        QCOMPARE(from["jid"].toString(), originalJid);
        QCOMPARE(from["error_class"].toString(), QString("ArgumentError"));
        QCOMPARE(from["error_message"].toString(), QString("not allowed yet: t9"));

        // Our pool on the target runs it as written; edited arguments that fail again land in its Dead set.
        std::mutex mutex;
        std::vector<std::string> ran;
        worker::HandlerRegistry handlers;
        handlers.add("HardJob", [&](const worker::JobContext& ctx) {
            {
                std::lock_guard lock(mutex);
                ran.push_back(ctx.job.raw);
            }
            if (ctx.argsJson().find("fail-again") != std::string_view::npos)
                throw worker::JobError("ArgumentError", "still not allowed: fail-again");
        });
        worker::WorkerOptions options = kiq::test::quickWorkerOptions({"replays"});
        options.replayJournal = journal.path(); // the pool notes each replay's outcome there
        worker::Launcher pool(kiq::test::optionsFor(*m_target), options, std::move(handlers));
        pool.start();
        const auto ranCount = [&] {
            std::lock_guard lock(mutex);
            return ran.size();
        };
        QVERIFY(waitUntil([&] { return ranCount() == 1; }, 10000));
        QCOMPARE(ran[0], copy.payload);
        QVERIFY(waitUntil(
            [&] {
                const auto run = journal.copy(copy.jid);
                return run && run->outcome == storage::ReplayEntry::Outcome::Succeeded;
            },
            5000));

        // Edited arguments that fail again, through the target's whole step (refusals, copies, journal).
        const ReplayRun again = replayInto(*m_targetClient, gate,
            {Environment::Development, "Laptop", serverIdentity(*m_client), std::nullopt}, source, {raw}, redactor,
            {"replays", "[\"fail-again\",{\"user\":\"dev\"}]"}, &journal);
        QCOMPARE(again.result.affected, 1LL);
        QVERIFY(again.journalProblem.empty());
        const ReplayCopy& edited = again.copies.at(0);
        QVERIFY(waitUntil([&] { return setSize(*m_targetClient, JobSetKind::Dead) == 1; }, 10000));
        pool.stop();
        const auto runs = journal.replaysOf("Billing", originalJid.toStdString());
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(runs[0].jid, copy.jid);
        QVERIFY(runs[0].outcome == storage::ReplayEntry::Outcome::Succeeded);
        QCOMPARE(runs[1].jid, edited.jid);
        QVERIFY(runs[1].outcome == storage::ReplayEntry::Outcome::Failed);
        QCOMPARE(QString::fromStdString(runs[1].errorMessage), QString("still not allowed: fail-again"));
        QCOMPARE(QString::fromStdString(runs[1].target), QString("Laptop"));
        QVERIFY(replayedFrom(edited.payload) && replayedFrom(edited.payload)->jid == originalJid.toStdString());
        QVERIFY(!replayedFrom(raw));
        const auto dead = findByJid(*m_targetClient, JobSetKind::Dead, edited.jid);
        QVERIFY(dead.has_value());
        QCOMPARE(QString::fromStdString(*dead->job.errorClass), QString("ArgumentError"));
        QCOMPARE(QString::fromStdString(*dead->job.errorMessage), QString("still not allowed: fail-again"));
        const QJsonObject failed = object(dead->job.raw);
        QCOMPARE(failed["args"].toArray()[0].toString(), QString("fail-again"));
        QCOMPARE(failed["replayed_from"].toObject()["jid"].toString(), originalJid);
        QCOMPARE(failed["replayed_from"].toObject()["error_message"].toString(), QString("not allowed yet: t9"));
        QCOMPARE(setSize(*m_targetClient, JobSetKind::Retry), 0LL);

        // The source: only read, byte for byte.
        QCOMPARE(dump(*m_client, "dead"), before);
        QVERIFY(!m_client->command(redis::Command("EXISTS").key("queue:replays")).asInteger());
    }

    void refusesUnsafeReplays()
    {
        QVERIFY(refused({Environment::Production, false, 1, std::nullopt}));
        QVERIFY(refused({Environment::Other, false, 1, std::nullopt}));
        QVERIFY(!refused({Environment::Staging, false, 1, std::nullopt}));
        QVERIFY(refused({Environment::Development, true, 1, std::nullopt}));
        QVERIFY(refused({Environment::Development, false, 0, std::nullopt}));
        QVERIFY(!refused({Environment::Development, false, kReplayConfirmAbove, std::nullopt}));
        QVERIFY(refused({Environment::Development, false, kReplayConfirmAbove + 1, std::nullopt}));
        QVERIFY(refused({Environment::Development, false, kReplayConfirmAbove + 1, kReplayConfirmAbove}));
        QVERIFY(!refused({Environment::Development, false, kReplayConfirmAbove + 1, kReplayConfirmAbove + 1}));

        // Another database of the source's server is the source's server.
        redis::ConnectionOptions otherDb = kiq::test::optionsFor(*m_server);
        otherDb.db = 3;
        redis::Client sameServer(otherDb);
        QVERIFY(serverIdentity(*m_client).sameServerAs(serverIdentity(sameServer)));
        QVERIFY(!serverIdentity(sameServer).sameServerAs(serverIdentity(*m_targetClient)));

        const redaction::Redactor redactor;
        const std::string job = "{\"class\":\"X\",\"args\":[1],\"jid\":\"a1\",\"queue\":\"default\"}";
        QVERIFY(!replayCopy(job, {"B", "dead"}, redactor, {{}, "{\"a\":1}"}, Timestamp::now()).ok());
        QVERIFY(!replayCopy(job, {"B", "dead"}, redactor, {{}, "[1,"}, Timestamp::now()).ok());
        QVERIFY(!replayCopy("not json", {"B", "dead"}, redactor, {}, Timestamp::now()).ok());

        // A copy that could not be made is skipped and said; a read-only target refuses the rest.
        const ReplayCopy good = replayCopy(job, {"B", "dead"}, redactor, {}, Timestamp::now());
        QCOMPARE(QString::fromStdString(good.queue), QString("default")); // its own queue
        const ReplayCopy bad = replayCopy("{\"class\":", {"B", "dead"}, redactor, {}, Timestamp::now());
        write::WriteGate gate("Laptop");
        const ActionResult r = replayJobs(*m_targetClient, gate, {"B", "dead"}, {bad, good});
        QCOMPARE(r.affected, 1LL);
        QCOMPARE(r.skipped.size(), std::size_t(1));
        write::WriteGate readOnly("Shared staging", true);
        QVERIFY_THROWS_EXCEPTION(
            write::WriteRefused, replayJobs(*m_targetClient, readOnly, {"B", "dead"}, {good, good}));
        QCOMPARE(m_targetClient->command(redis::Command("LLEN").key("queue:default")).asInteger(), 1LL);
    }

    void keepsTheUnitOfSidekiq8Timestamps()
    {
        const std::string job
            = "{\"retry\":true,\"queue\":\"q\",\"class\":\"X\",\"args\":[],\"jid\":\"b2\","
              "\"created_at\":1796385600123,\"enqueued_at\":1796385600125,\"failed_at\":1796385601000,"
              "\"retry_count\":3,\"error_class\":\"E\",\"error_message\":\"m\",\"bid\":\"batch1\"}";
        const Timestamp now = Timestamp::fromSeconds(1800000000.5);
        const ReplayCopy copy = replayCopy(job, {"B", "retry"}, redaction::Redactor(), {}, now);
        QVERIFY2(copy.ok(), copy.error.c_str());
        QVERIFY(copy.payload.find("\"created_at\":1800000000500") != std::string::npos);
        QVERIFY(copy.payload.find("\"enqueued_at\":1800000000500") != std::string::npos);
        const QJsonObject o = object(copy.payload);
        QVERIFY(!o.contains("bid") && !o.contains("failed_at") && !o.contains("retry_count"));
        QCOMPARE(o["replayed_from"].toObject()["set"].toString(), QString("retry"));
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
