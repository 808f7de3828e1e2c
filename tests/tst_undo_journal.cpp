// The undo journal against a real redis-server: a bulk delete and a queue clear restored byte-exact
// (scores, list order), a clear racing a worker that pops loses nothing, a kill undone, jobs back
// already skipped, a second restore restoring nothing, restores gated like every write, and the
// journal file itself (0600, kept before the removal, pruned after the keep time, size-capped).
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/model/JobBuilder.h"
#include "write/UndoJournal.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <map>
#include <thread>

#include <sys/stat.h>

using namespace kiq;
using namespace kiq::sidekiq;

namespace {
// Several clear chunks (kClearChunk, 1,000) either way; fewer under sanitizers, where each journaled chunk is slow.
constexpr long long kQueueJobs = test::kSanitized ? 5000 : 20000;

std::string job(const std::string& cls, int i)
{
    JobBuilder b(cls, "[" + std::to_string(i) + ",\"user-" + std::to_string(i) + "\"]");
    return b.build().json;
}

// Forwards to the real journal, and checks at every keep that the jobs are still in Redis: kept
// strictly before they are removed. (A clear keeps the queue's tail: LPOS looks there first.)
class KeptBeforeRemoval : public write::RemovalJournal {
public:
    KeptBeforeRemoval(std::shared_ptr<write::UndoJournal> journal, const test::RedisServer& server)
        : m_journal(std::move(journal))
        , m_client(test::clientFor(server))
    {
    }
    std::vector<std::int64_t> keep(const write::AuditEntry& action, const std::string& server, const std::string& group,
        const std::vector<write::RemovedItem>& items) override
    {
        for (const auto& item : items) {
            const bool there = item.from == write::RemovedItem::From::SortedSet
                ? !m_client->command(redis::Command("ZSCORE").key(item.key).arg(item.payload)).isNil()
                : !m_client->command(redis::Command("LPOS").key(item.key).arg(item.payload).arg("RANK").arg(-1))
                       .isNil();
            if (!there) ++gone;
        }
        kept += static_cast<long long>(items.size());
        return m_journal->keep(action, server, group, items);
    }
    void settle(const std::vector<std::int64_t>& removed, const std::vector<std::int64_t>& notRemoved) override
    {
        m_journal->settle(removed, notRemoved);
    }
    long long kept = 0;
    long long gone = 0; // kept when no longer there: kept after the removal

private:
    std::shared_ptr<write::UndoJournal> m_journal;
    std::unique_ptr<redis::Client> m_client;
};
} // namespace

class TestUndoJournal : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<write::UndoJournal> m_journal;
    std::shared_ptr<KeptBeforeRemoval> m_checker;
    std::unique_ptr<write::WriteGate> m_gate;

    void seedSet(const std::string& key, const std::vector<std::pair<double, std::string>>& members)
    {
        std::vector<redis::Command> cmds;
        for (const auto& [score, m] : members) cmds.push_back(redis::Command("ZADD").key(key).arg(score).arg(m));
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
    }
    std::vector<std::string> pushQueue(const std::string& queue, int count)
    {
        std::vector<std::string> jobs;
        std::vector<redis::Command> cmds;
        for (int i = 0; i < count; ++i) {
            jobs.push_back(job("Queued", i));
            cmds.push_back(redis::Command("LPUSH").key("queue:" + queue).arg(jobs.back()));
        }
        cmds.push_back(redis::Command("SADD").key("queues").arg(queue));
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
        return jobs;
    }
    std::vector<std::string> withScores(const std::string& key)
    {
        return m_client->command(redis::Command("ZRANGE").key(key).arg(0).arg(-1).arg("WITHSCORES")).asStringList();
    }
    std::vector<std::string> list(const std::string& key)
    {
        return m_client->command(redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
    }
    std::int64_t onlyAction()
    {
        const auto actions = m_journal->actions();
        if (actions.size() != 1) return 0;
        return actions.front().id;
    }

private slots:
    void initTestCase() { startServer(); }
    void init()
    {
        flushAll();
        m_dir = std::make_unique<QTemporaryDir>();
        m_journal = std::make_shared<write::UndoJournal>(
            write::UndoJournal::Options {m_dir->filePath(QStringLiteral("undo.sqlite")), 7 * 86400.0, 512LL << 20, {}});
        QVERIFY2(m_journal->isOpen(), m_journal->error().c_str());
        m_checker = std::make_shared<KeptBeforeRemoval>(m_journal, *m_server);
        m_gate = std::make_unique<write::WriteGate>("Billing");
        m_gate->addRemovalJournal(m_checker);
    }
    void cleanup()
    {
        QCOMPARE(m_checker->gone, 0LL); // every job was kept while it was still there
        m_gate.reset();
        m_checker.reset();
        m_journal.reset();
        m_dir.reset();
    }

    void bulkDeleteRestoredByteExactWithScores()
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 5000; ++i)
            members.emplace_back(1700000000.123456 + i * 0.25 + (i % 7) * 1e-6, job("Dead", i));
        members.emplace_back(1700000001.5, std::string("{\"class\":\"Bytes\",\"args\":[\"\xff\xfe\x00\x01\"]}", 33));
        members.emplace_back(1700000002.5, "not json at all \"\\u00e9\" \xc3\xa9");
        seedSet("dead", members);
        const auto before = withScores("dead");
        QCOMPARE(before.size(), std::size_t(2 * 5002));

        BulkExecutor del(*m_client, *m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Dead, "", JobAction::Delete, {}, 0}), nullptr);
        QCOMPARE(del.run().progress.affected, 5002LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 0LL);
        QCOMPARE(m_checker->kept, 5002LL);

        // One record for the whole run (its pages were separate writes).
        const auto id = onlyAction();
        QVERIFY(id > 0);
        const auto action = *m_journal->action(id);
        QCOMPARE(action.count, 5002LL);
        QCOMPARE(action.restorable, 5002LL);
        QCOMPARE(QString::fromStdString(action.action), QStringLiteral("delete"));
        QCOMPARE(QString::fromStdString(action.target), QStringLiteral("dead"));
        QCOMPARE(QString::fromStdString(action.deployment), QStringLiteral("Billing"));
        QCOMPARE(action.server, write::serverOf(m_client->options()));
        QVERIFY(!action.osUser.empty());

        const auto restored = write::restoreAction(*m_client, *m_gate, *m_journal, id);
        QCOMPARE(restored.restored, 5002LL);
        QCOMPARE(restored.skipped, 0LL);
        QVERIFY(withScores("dead") == before);
        QCOMPARE(m_journal->action(id)->restorable, 0LL);
        QVERIFY(m_journal->action(id)->restoredAt);

        // Twice restores nothing, even after the jobs left again.
        m_client->command(redis::Command("DEL").key("dead")).throwIfError();
        const auto again = write::restoreAction(*m_client, *m_gate, *m_journal, id);
        QCOMPARE(again.restored, 0LL);
        QCOMPARE(again.skipped, 0LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 0LL);
    }

    void queueClearRestoredInOrder()
    {
        pushQueue("default", int(kQueueJobs));
        const auto before = list("queue:default");
        std::vector<write::AuditEntry> audit;
        m_gate->addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });
        QCOMPARE(clearQueue(*m_client, *m_gate, "default"), kQueueJobs);
        QCOMPARE(m_client->command(redis::Command("EXISTS").key("queue:default")).asInteger(), 0LL);
        QCOMPARE(m_client->command(redis::Command("SISMEMBER").key("queues").arg("default")).asInteger(), 0LL);
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].affected, kQueueJobs);
        QVERIFY(audit[0].removed.empty()); // the journal has them; the audit entry only counts them

        const auto id = onlyAction();
        QVERIFY(id > 0);
        QCOMPARE(m_journal->action(id)->count, kQueueJobs);
        // A job pushed since waits behind the restored ones, which were older.
        const std::string newer = job("Newer", 1);
        m_client->command(redis::Command("LPUSH").key("queue:default").arg(newer)).throwIfError();
        const auto restored = write::restoreAction(*m_client, *m_gate, *m_journal, id);
        QCOMPARE(restored.restored, kQueueJobs);
        auto after = list("queue:default");
        QCOMPARE(after.front(), newer);
        after.erase(after.begin());
        QVERIFY(after == before);
        QCOMPARE(m_client->command(redis::Command("SISMEMBER").key("queues").arg("default")).asInteger(), 1LL);
        QCOMPARE(audit.back().intent.action, std::string("restore"));
        QCOMPARE(audit.back().affected, kQueueJobs);
    }

    // Another client pops the tail while the queue is cleared: each job is either popped by it or kept in
    // the journal as cleared, never both, never neither.
    void clearWhilePoppingLosesNothing()
    {
        const auto jobs = pushQueue("busy", int(kQueueJobs));
        std::atomic<bool> stop {false};
        std::atomic<long long> poppedCount {0};
        std::vector<std::string> popped;
        std::thread worker([&] {
            auto client = test::clientFor(*m_server);
            while (!stop) {
                auto r = client->command(redis::Command("RPOP").key("queue:busy").arg(1));
                if (r.isNil()) {
                    if (poppedCount > 0) break; // the queue is empty, after the clear began
                    continue;
                }
                for (auto& j : r.asStringList()) popped.push_back(std::move(j));
                poppedCount = static_cast<long long>(popped.size());
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        while (poppedCount < 100) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const long long cleared = clearQueue(*m_client, *m_gate, "busy");
        stop = true;
        worker.join();
        m_checker->gone = 0; // the worker popped some of each chunk after it was read: the script's case

        std::map<std::string, int> seen;
        for (const auto& j : popped) ++seen[j];
        std::vector<std::string> kept;
        const auto id = onlyAction();
        QVERIFY(id > 0);
        for (const auto& u : m_journal->items(id, 0, 100000, false)) kept.push_back(u.item.payload);
        for (const auto& j : kept) ++seen[j];
        QCOMPARE(static_cast<long long>(kept.size()), cleared);
        QVERIFY2(cleared > 0 && !popped.empty(),
            qPrintable(QStringLiteral("%1 cleared, %2 popped").arg(cleared).arg(popped.size())));
        QCOMPARE(static_cast<long long>(popped.size()) + cleared
                + m_client->command(redis::Command("LLEN").key("queue:busy")).asInteger(),
            kQueueJobs);
        for (const auto& j : jobs) QVERIFY2(seen[j] <= 1, "a job was both popped and cleared");
        QCOMPARE(seen.size(), std::size_t(popped.size() + kept.size()));

        // The restore gives back exactly the cleared ones, oldest next to run.
        QCOMPARE(write::restoreAction(*m_client, *m_gate, *m_journal, id).restored, cleared);
        auto back = list("queue:busy");
        QCOMPARE(static_cast<long long>(back.size()), cleared);
        std::reverse(back.begin(), back.end());
        QVERIFY(back == kept);
    }

    void killUndoneAndJobsBackAreSkipped()
    {
        std::vector<std::pair<double, std::string>> members;
        std::vector<std::string> payloads;
        for (int i = 0; i < 10; ++i) {
            members.emplace_back(1800000000.5 + i, job("Retrying", i));
            payloads.push_back(members.back().second);
        }
        seedSet("retry", members);
        const auto before = withScores("retry");
        QCOMPARE(killJobs(*m_client, *m_gate, JobSetKind::Retry, payloads).affected, 10LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 10LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Retry), 0LL);

        // Someone put one back by hand meanwhile: skipped, and its dead copy goes too.
        m_client->command(redis::Command("ZADD").key("retry").arg(members[3].first).arg(payloads[3])).throwIfError();
        const auto id = onlyAction();
        QVERIFY(id > 0);
        QCOMPARE(QString::fromStdString(m_journal->action(id)->action), QStringLiteral("kill"));
        const auto r = write::restoreAction(*m_client, *m_gate, *m_journal, id);
        QCOMPARE(r.restored, 9LL);
        QCOMPARE(r.skipped, 1LL);
        QVERIFY(withScores("retry") == before);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 0LL);
        QCOMPARE(write::restoreAction(*m_client, *m_gate, *m_journal, id).restored, 0LL);
    }

    // Deletes of a few jobs (the UI's selection): only those removed are kept; one gone already is not
    // (it must never come back), and a queue delete puts its jobs back at the fetch end in order.
    void selectedDeletes()
    {
        const std::string later = job("Later", 1);
        seedSet("schedule", {{1900000000.0, later}, {1900000001.0, job("Later", 2)}});
        const auto r = deleteJobs(*m_client, *m_gate, JobSetKind::Scheduled, {later, job("Gone", 9)});
        QCOMPARE(r.affected, 1LL);
        QCOMPARE(r.missing, 1LL);
        auto actions = m_journal->actions();
        QCOMPARE(actions.size(), std::size_t(1));
        QCOMPARE(actions[0].count, 1LL);

        const auto jobs = pushQueue("low", 6); // newest at the left
        const std::vector<std::string> page {jobs[4], jobs[2], jobs[1]}; // newest first, as the page lists them
        QCOMPARE(deleteFromQueue(*m_client, *m_gate, "low", page), 3LL);
        actions = m_journal->actions();
        QCOMPARE(actions.size(), std::size_t(2));
        QCOMPARE(actions[0].count, 3LL); // newest first
        const auto restored = write::restoreAction(*m_client, *m_gate, *m_journal, actions[0].id);
        QCOMPARE(restored.restored, 3LL);
        const auto back = list("queue:low");
        QCOMPARE(back.size(), std::size_t(6));
        // The restored ones are next to run, the oldest first.
        QCOMPARE(back[5], jobs[1]);
        QCOMPARE(back[4], jobs[2]);
        QCOMPARE(back[3], jobs[4]);
        QCOMPARE(write::restoreAction(*m_client, *m_gate, *m_journal, actions[1].id).restored, 1LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Scheduled), 2LL);
    }

    void restoreIsAGatedWrite()
    {
        const std::vector<std::string> jobs {job("Dead", 1), job("Dead", 2)};
        seedSet("dead", {{1.0, jobs[0]}, {2.0, jobs[1]}});
        write::WriteGate production("Billing", true);
        production.addRemovalJournal(m_journal);
        std::vector<write::AuditEntry> audit;
        production.addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });
        production.arm("INC-9 cleanup");
        QCOMPARE(deleteJobs(*m_client, production, JobSetKind::Dead, jobs).affected, 2LL);
        QCOMPARE(QString::fromStdString(m_journal->actions().front().reason), QStringLiteral("INC-9 cleanup"));
        production.disarm();
        const auto id = onlyAction();
        QVERIFY(id > 0);
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, write::restoreAction(*m_client, production, *m_journal, id));
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 0LL);
        QCOMPARE(m_journal->action(id)->restorable, 2LL);
        QVERIFY(!audit.back().ok);
        production.arm("INC-9 undo");
        QCOMPARE(write::restoreAction(*m_client, production, *m_journal, id).restored, 2LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 2LL);
        QVERIFY(audit.back().ok);
        QCOMPARE(audit.back().intent.action, std::string("restore"));
        QCOMPARE(audit.back().reason, std::string("INC-9 undo"));

        // Another server's record is not restored here.
        auto elsewhere = m_client->options();
        elsewhere.db = 3;
        redis::Client other(elsewhere);
        QVERIFY_THROWS_EXCEPTION(redis::UsageError, write::restoreAction(other, production, *m_journal, id));
        QVERIFY_THROWS_EXCEPTION(redis::UsageError, write::restoreAction(*m_client, production, *m_journal, id + 100));
    }

    // A journal that cannot keep the jobs stops the removal: a job is never lost.
    void noJournalNoRemoval()
    {
        const std::string dead = job("Dead", 1);
        seedSet("dead", {{1.0, dead}});
        pushQueue("low", 3);
        auto broken = std::make_shared<write::UndoJournal>(
            write::UndoJournal::Options {QStringLiteral("/proc/no-such-dir/undo.sqlite"), 86400.0, 1 << 20, {}});
        QVERIFY(!broken->isOpen());
        write::WriteGate gate("Billing");
        gate.addRemovalJournal(broken);
        QVERIFY_THROWS_EXCEPTION(kiq::Error, deleteJobs(*m_client, gate, JobSetKind::Dead, {dead}));
        QVERIFY_THROWS_EXCEPTION(kiq::Error, clearQueue(*m_client, gate, "low"));
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 1LL);
        QCOMPARE(m_client->command(redis::Command("LLEN").key("queue:low")).asInteger(), 3LL);
    }

    void fileIsPrivateAndPrunedAndCapped()
    {
        const std::string dead = job("Dead", 1);
        seedSet("dead", {{1.0, dead}});
        QCOMPARE(deleteJobs(*m_client, *m_gate, JobSetKind::Dead, {dead}).affected, 1LL);
        for (const QString& suffix : {QString(), QStringLiteral("-wal")}) {
            struct stat st { };
            const QByteArray path = QFile::encodeName(m_journal->file() + suffix);
            QVERIFY2(::stat(path.constData(), &st) == 0, path.constData());
            QCOMPARE(st.st_mode & 0777, mode_t(0600));
        }

        // Old records go after the keep time, at the next keep and when the journal opens.
        double now = 1800000000;
        const QString file = m_dir->filePath(QStringLiteral("clocked.sqlite"));
        const write::UndoJournal::Options clockedOptions {file, 7 * 86400.0, 512LL << 20, [&] { return now; }};
        {
            auto clocked = std::make_shared<write::UndoJournal>(clockedOptions);
            write::WriteGate gate("Billing");
            gate.addRemovalJournal(clocked);
            const std::vector<std::string> jobs {job("Old", 1), job("New", 2), job("Newer", 3)};
            seedSet("dead", {{1.0, jobs[0]}, {2.0, jobs[1]}, {3.0, jobs[2]}});
            deleteJobs(*m_client, gate, JobSetKind::Dead, {jobs[0]});
            now += 6 * 86400;
            deleteJobs(*m_client, gate, JobSetKind::Dead, {jobs[1]});
            QCOMPARE(clocked->actions().size(), std::size_t(2));
            now += 2 * 86400; // the first is 8 days old
            deleteJobs(*m_client, gate, JobSetKind::Dead, {jobs[2]});
            QCOMPARE(clocked->actions().size(), std::size_t(2));
            QCOMPARE(clocked->actions().back().time, 1800000000.0 + 6 * 86400);
        }
        now += 6 * 86400;
        write::UndoJournal reopened(clockedOptions);
        QCOMPARE(reopened.actions().size(), std::size_t(1)); // pruned when opened
        QVERIFY(reopened.takeWarning().empty());

        // Past the size cap the oldest records go, never the one being written, and the journal says so.
        const std::string big(6000, 'x');
        auto capped = std::make_shared<write::UndoJournal>(
            write::UndoJournal::Options {m_dir->filePath(QStringLiteral("capped.sqlite")), 7 * 86400.0, 10000, {}});
        write::WriteGate cappedGate("Billing");
        cappedGate.addRemovalJournal(capped);
        seedSet("dead", {{1.0, "{\"a\":\"" + big + "\"}"}, {2.0, "{\"b\":\"" + big + "\"}"}});
        deleteJobs(*m_client, cappedGate, JobSetKind::Dead, {"{\"a\":\"" + big + "\"}"});
        QVERIFY(capped->takeWarning().empty());
        deleteJobs(*m_client, cappedGate, JobSetKind::Dead, {"{\"b\":\"" + big + "\"}"});
        const auto warning = capped->takeWarning();
        QVERIFY2(QString::fromStdString(warning).contains(QStringLiteral("1 older action can no longer be undone")),
            warning.c_str());
        QVERIFY(capped->takeWarning().empty()); // said once
        const auto left = capped->actions();
        QCOMPARE(left.size(), std::size_t(1));
        QCOMPARE(write::restoreAction(*m_client, cappedGate, *capped, left[0].id).restored, 1LL);
        QCOMPARE(m_client->command(redis::Command("ZSCORE").key("dead").arg("{\"b\":\"" + big + "\"}")).str,
            std::string("2"));
    }
};

QTEST_GUILESS_MAIN(TestUndoJournal)
#include "tst_undo_journal.moc"
