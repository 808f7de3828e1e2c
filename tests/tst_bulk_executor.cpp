// Bulk actions on real Redis: cancel halfway, resume from the saved cursor as after a restart, and
// every job ends up exactly once in its queue; malformed entries are reported and never lost.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/search/JobIndex.h"
#include "storage/BulkCursorStore.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace kiq;
using namespace kiq::sidekiq;
using kiq::test::RedisServer;

namespace {
std::string deadJob(const std::string& cls, int i, const std::string& queue = "default")
{
    JobBuilder b(cls, "[" + std::to_string(i) + ",\"user-" + std::to_string(i) + "\"]");
    b.setQueue(queue);
    std::string json = b.build().json;
    PayloadEditor e(json);
    e.setString("error_class", i % 3 ? "Net::ReadTimeout" : "ActiveRecord::RecordNotFound");
    e.setString("error_message", "failed for record " + std::to_string(i));
    e.setInt("retry_count", 25);
    e.setSeconds("failed_at", 1700000000.0 + i);
    return e.result();
}
} // namespace

class TestBulkExecutor : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};

    void seed(JobSetKind set, const std::vector<std::pair<double, std::string>>& members)
    {
        std::vector<redis::Command> cmds;
        for (const auto& [score, m] : members)
            cmds.push_back(redis::Command("ZADD").key(setKey(set)).arg(score).arg(m));
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
    }

    // How often the server ran `command` since the last CONFIG RESETSTAT (INFO commandstats).
    long long calls(const QString& command)
    {
        const QString stats = m_server->cli({"INFO", "commandstats"});
        const auto at = stats.indexOf("cmdstat_" + command + ":calls=");
        if (at < 0) return 0;
        const auto from = at + command.size() + 15;
        return stats.mid(from, stats.indexOf(',', from) - from).toLongLong();
    }

    std::vector<std::pair<double, std::string>> seedTargets(int n, const std::string& queue = "default")
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < n; ++i) members.emplace_back(1700000000.0 + i / 7, deadJob("Target", i, queue));
        seed(JobSetKind::Dead, members);
        return members;
    }

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }

    void cancelHalfwayThenResume()
    {
        std::vector<std::pair<double, std::string>> members;
        QSet<QString> targetJids;
        for (int i = 0; i < 10000; ++i) {
            const std::string job = deadJob("Target", i);
            targetJids.insert(QString::fromStdString(JobRecord::parse(job).jid));
            members.emplace_back(1700000000.0 + i / 100, job); // 100 jobs share each score, as a bulk kill leaves them
        }
        for (int i = 0; i < 2000; ++i) members.emplace_back(1700000000.0 + i / 10, deadJob("Other", i));
        seed(JobSetKind::Dead, members);

        QTemporaryDir dir;
        kiq::storage::BulkCursorStore store(dir.path().toStdString());
        const BulkSpec spec {JobSetKind::Dead, "class=Target", JobAction::Retry};

        // Preview first: what would be touched.
        const BulkPreview preview = previewBulk(*m_client, JobSetKind::Dead, JobFilter::parse(spec.filter), 5);
        QCOMPARE(preview.matched, 10000LL);
        QCOMPARE(preview.scanned, 12000LL);
        QCOMPARE(preview.byClass.at("Target"), 10000LL);
        QCOMPARE(preview.sample.size(), std::size_t(5));

        BulkOperation op = BulkExecutor::create(m_client->options(), spec);
        const std::string id = op.id;
        {
            BulkExecutor executor(*m_client, m_gate, op, &store);
            const auto& result = executor.run([](const BulkProgress& p) { return p.affected < 5000; });
            QVERIFY(result.progress.cancelled);
            QVERIFY(result.progress.affected >= 5000 && result.progress.affected < 10000);
        }
        // "Restart": a new executor from what the store saved.
        const auto pending = store.unfinished(BulkExecutor::deploymentOf(m_client->options()));
        QCOMPARE(pending.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(pending[0].id), QString::fromStdString(id));
        BulkExecutor resumed(*m_client, m_gate, pending[0], &store);
        const auto& done = resumed.run();
        QVERIFY(done.progress.finished);
        QCOMPARE(done.progress.affected, 10000LL);
        QCOMPARE(done.progress.missing, 0LL);
        QVERIFY(store.unfinished().empty()); // a finished operation leaves no cursor behind

        // Every Target job exactly once in its queue; the others untouched.
        QCOMPARE(queueSize(*m_client, "default"), 10000LL);
        QSet<QString> queued;
        for (const auto& e : pageQueue(*m_client, "default", 0, 20000)) {
            QVERIFY(!queued.contains(QString::fromStdString(e.job.jid)));
            queued.insert(QString::fromStdString(e.job.jid));
            QCOMPARE(*e.job.retryCount, std::int64_t(24)); // decremented as Sidekiq's retry does
        }
        QCOMPARE(queued, targetJids);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 2000LL);
        QCOMPARE(m_server->cli({"SISMEMBER", "queues", "default"}), QString("1"));
    }

    // Scans (preview / dry run, and the executor's pages) never decode a backtrace: none is needed to
    // match a filter, and one can inflate to millions of lines. Each job here carries a zip bomb.
    void scansDoNotDecodeBacktraces()
    {
        std::string bomb = "[";
        bomb.reserve(4'000'002);
        for (int i = 0; i < 2'000'000; ++i) bomb += i ? ",1" : "1";
        bomb += "]";
        const std::string encoded = BacktraceCodec::base64EncodeStrict(*BacktraceCodec::zlibDeflate(bomb));
        bomb = {};
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 30; ++i) {
            PayloadEditor e(deadJob("Bombed", i));
            e.setString("error_backtrace", encoded);
            members.emplace_back(1700000000.0 + i, e.result());
        }
        seed(JobSetKind::Dead, members);
        const BulkPreview preview = previewBulk(*m_client, JobSetKind::Dead, JobFilter::parse("error=Net::*"), 30);
        QCOMPARE(preview.matched, 20LL);
        QVERIFY(!preview.sample.empty());
        for (const auto& e : preview.sample) {
            QVERIFY(e.job.errorBacktraceEncoded);
            QVERIFY(!e.job.errorBacktrace);
            QVERIFY(e.job.backtraceError.empty());
        }
        // Decoded on demand (the inspector, `jobs show`), capped and marked.
        const auto decoded = preview.sample.front().job.decodeBacktrace();
        QVERIFY(decoded.ok());
        QVERIFY(decoded.truncated);
        QVERIFY(decoded.lines.size() <= 10001);
    }

    void malformedEntriesAreListedAndKept()
    {
        const std::string bad1 = "{\"class\":\"Broken\",\"args\":[1,"; // truncated JSON
        const std::string bad2 = std::string("{\"class\":\"X\",\"jid\":\"\xff\xfe\"}"); // invalid UTF-8
        const std::string bad3 = "[1,2,3]"; // not an object
        for (JobSetKind set : {JobSetKind::Retry, JobSetKind::Dead, JobSetKind::Scheduled})
            seed(set, {{1.0, bad1}, {2.0, bad2}, {3.0, bad3}, {4.0, deadJob("Fine", 1)}});
        m_server->cli({"LPUSH", "queue:default", QString::fromStdString(bad1)});

        const auto page = pageByRank(*m_client, JobSetKind::Retry, 0, 10, false);
        QCOMPARE(page.size(), std::size_t(4));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!page[std::size_t(i)].job.ok());
            QVERIFY(!page[std::size_t(i)].job.parseError.empty());
        }
        QVERIFY(page[1].job.parseError.find("UTF-8") != std::string::npos);
        QVERIFY(page[1].job.raw == bad2); // bytes kept exactly
        QVERIFY(!pageQueue(*m_client, "default", 0, 10)[0].job.ok());

        // Retrying everything: the malformed ones are skipped and stay where they were.
        for (JobSetKind set : {JobSetKind::Retry, JobSetKind::Dead}) {
            BulkExecutor ex(*m_client, m_gate,
                BulkExecutor::create(m_client->options(), {set, "", JobAction::Retry, {}, 0}), nullptr);
            const auto& r = ex.run();
            QCOMPARE(r.progress.affected, 1LL);
            QCOMPARE(r.progress.skipped, 3LL);
            QCOMPARE(setSize(*m_client, set), 3LL);
        }
        // The malformed filter finds them; an explicit delete removes them (and hands them to the audit).
        const BulkPreview broken = previewBulk(*m_client, JobSetKind::Scheduled, JobFilter::parse("malformed"));
        QCOMPARE(broken.matched, 3LL);
        std::vector<std::string> removed;
        write::WriteGate audited("test");
        audited.addAuditSink([&](const write::AuditEntry& e) {
            for (const auto& item : e.removed) removed.push_back(item.payload);
        });
        BulkExecutor del(*m_client, audited,
            BulkExecutor::create(m_client->options(), {JobSetKind::Scheduled, "malformed", JobAction::Delete, {}, 0}),
            nullptr);
        QCOMPARE(del.run().progress.affected, 3LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Scheduled), 1LL);
        QCOMPARE(removed.size(), std::size_t(3));
    }

    void wrongKeyTypeIsAClearError()
    {
        m_server->cli({"SET", "dead", "not a sorted set"});
        try {
            pageByRank(*m_client, JobSetKind::Dead, 0, 10, false);
            QFAIL("expected an error");
        } catch (const redis::Error& e) {
            QCOMPARE(e.kind(), redis::ErrorKind::WrongType);
        }
        QCOMPARE(m_server->cli({"GET", "dead"}), QString("not a sorted set"));
    }

    // Under a budget a move runs as one MULTI/EXEC per page read under WATCH. A writer that keeps
    // changing the set makes EXEC refuse; the page then goes through the script, which checks each
    // member: every job moves exactly once, whatever the mix, and nothing else is touched.
    void watchedMovesFallBackWhenTheSetChanges()
    {
        seedTargets(3000);
        m_server->cli({"CONFIG", "RESETSTAT"});
        std::atomic<bool> stop {false};
        std::thread writer([&] {
            auto other = kiq::test::clientFor(*m_server);
            for (int i = 0; !stop; ++i) {
                // Behind the cursor (score 1) and not matched: shifts every rank.
                other->command(redis::Command("ZADD").key("dead").arg(1.0).arg(deadJob("Late", i))).throwIfError();
                std::this_thread::sleep_for(std::chrono::microseconds(300));
            }
        });
        BulkExecutor ex(*m_client, m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Dead, "class=Target", JobAction::Retry, {}, 0}),
            nullptr);
        ex.setBudget(redis::LoadBudget::ofShare(0.5));
        const auto& r = ex.run();
        stop = true;
        writer.join();
        QCOMPARE(r.progress.affected, 3000LL);
        QCOMPARE(r.progress.missing, 0LL);
        QVERIFY2(calls("exec") > 0 && calls("evalsha") > 0,
            qPrintable(QString("exec %1, evalsha %2").arg(calls("exec")).arg(calls("evalsha"))));
        QSet<QString> queued;
        for (const auto& e : pageQueue(*m_client, "default", 0, 10000))
            queued.insert(QString::fromStdString(e.job.jid));
        QCOMPARE(queued.size(), 3000);
        QCOMPARE(queueSize(*m_client, "default"), 3000LL);
        for (const auto& e : pageByRank(*m_client, JobSetKind::Dead, 0, 100000, false))
            QCOMPARE(QString::fromStdString(e.job.className), QString("Late"));
    }

    // A destination that stops being a list during the run: the transaction's push is refused after
    // its ZREMRANGEBYRANK ran (a transaction does not roll back), so the jobs of that push are put back
    // with their scores, and the error says what was wrong. No job is lost.
    void aRefusedPushPutsItsJobsBack()
    {
        const auto seeded = seedTargets(400, "mail");
        long long movedFirst = -1;
        BulkExecutor ex(*m_client, m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Dead, "", JobAction::Retry, {}, 0}), nullptr);
        try {
            ex.run([&](const BulkProgress& p) {
                if (movedFirst < 0) {
                    movedFirst = p.affected;
                    m_server->cli({"RENAME", "queue:mail", "parked"});
                    m_server->cli({"SET", "queue:mail", "not a list"});
                }
                return true;
            });
            QFAIL("expected WRONGTYPE");
        } catch (const redis::Error& e) {
            QCOMPARE(e.kind(), redis::ErrorKind::WrongType);
        }
        QVERIFY(movedFirst > 0 && movedFirst < 400);
        QCOMPARE(m_server->cli({"LLEN", "parked"}).toLongLong(), movedFirst);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 400 - movedFirst);
        // Those left are the seeded ones after the first page in the set's order, with their scores.
        auto targets = seeded;
        std::sort(targets.begin(), targets.end());
        const auto left = pageByRank(*m_client, JobSetKind::Dead, 0, 100000, false);
        for (std::size_t i = 0; i < left.size(); ++i) {
            const auto& want = targets[std::size_t(movedFirst) + i];
            QCOMPARE(left[i].score, want.first);
            QVERIFY(left[i].job.raw == want.second);
        }
    }

    // An ACL user made before operators were allowed WATCH still retries: through the script.
    void withoutWatchTheScriptMoves()
    {
        seedTargets(300);
        m_server->cli({"ACL", "SETUSER", "oldop", "on", ">oldop-Pw-1", "~*", "+@all", "-watch", "-unwatch"});
        redis::Client restricted(kiq::test::optionsFor(m_server->port(), "oldop", "oldop-Pw-1"));
        m_server->cli({"CONFIG", "RESETSTAT"});
        BulkExecutor ex(restricted, m_gate,
            BulkExecutor::create(restricted.options(), {JobSetKind::Dead, "", JobAction::Retry, {}, 0}), nullptr);
        QCOMPARE(ex.run().progress.affected, 300LL);
        QCOMPARE(queueSize(*m_client, "default"), 300LL);
        QCOMPARE(calls("exec"), 0LL);
        QVERIFY(calls("evalsha") > 0);
        m_server->cli({"ACL", "DELUSER", "oldop"});
    }

    void rateCapIsHonoured()
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 600; ++i) members.emplace_back(double(i), deadJob("Paced", i));
        seed(JobSetKind::Dead, members);
        QElapsedTimer t;
        t.start();
        BulkExecutor ex(*m_client, m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Dead, "", JobAction::Delete, {}, 1000}), nullptr);
        int callbacks = 0;
        QCOMPARE(ex.run([&](const BulkProgress&) {
                       ++callbacks;
                       return true;
                   }).progress.affected,
            600LL);
        QVERIFY2(t.elapsed() >= 450, qPrintable(QString::number(t.elapsed())));
        QVERIFY(callbacks >= 1);
    }

    void killTrimsLikeSidekiq()
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 300; ++i) members.emplace_back(2000000000.0 + i, deadJob("Retrying", i));
        seed(JobSetKind::Retry, members);
        seed(JobSetKind::Dead, {{1.0, deadJob("Ancient", 0)}}); // older than 180 days: trimmed
        BulkExecutor ex(*m_client, m_gate,
            BulkExecutor::create(m_client->options(), {JobSetKind::Retry, "error=Net::*", JobAction::Kill, {}, 0}),
            nullptr);
        const auto& r = ex.run();
        QCOMPARE(r.progress.affected, 200LL); // i % 3 != 0
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 200LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Retry), 100LL);
    }

    // Redis before 6.2 has no ZMSCORE: the move script falls back to one ZSCORE per member. Gone
    // members and a member listed twice are moved at most once either way.
    void moveWorksWithAndWithoutZmscore_data()
    {
        QTest::addColumn<bool>("zmscore");
        QTest::newRow("ZMSCORE") << true;
        QTest::newRow("no ZMSCORE") << false;
    }
    void moveWorksWithAndWithoutZmscore()
    {
        QFETCH(bool, zmscore);
        RedisServer::Options options;
        if (!zmscore) options.extraArgs = {"--rename-command", "ZMSCORE", ""};
        RedisServer server(options);
        redis::Client client(kiq::test::optionsFor(server));
        QCOMPARE(QString::fromStdString(client.command(redis::Command::raw({"ZMSCORE", "x", "y"})).str)
                     .contains("unknown command"),
            !zmscore);
        std::vector<std::string> payloads;
        std::vector<redis::Command> cmds;
        for (int i = 0; i < 450; ++i) {
            payloads.push_back(deadJob("Mover", i, i % 2 ? "odd" : "even"));
            if (i % 10) cmds.push_back(redis::Command("ZADD").key("dead").arg(1700000000.0 + i).arg(payloads.back()));
        }
        for (const auto& r : client.pipeline(cmds)) r.throwIfError();
        payloads.push_back(payloads[1]); // twice in one request
        const ActionResult r = applyJobAction(client, m_gate, JobAction::Retry, JobSetKind::Dead, payloads, {}, {});
        QCOMPARE(r.affected, 405LL);
        QCOMPARE(r.missing, 46LL); // 45 never there, 1 the repeat
        QCOMPARE(client.command(redis::Command("LLEN").key("queue:odd")).asInteger()
                + client.command(redis::Command("LLEN").key("queue:even")).asInteger(),
            405LL);
        QCOMPARE(setSize(client, JobSetKind::Dead), 0LL);
        QCOMPARE(client.command(redis::Command("SCARD").key("queues")).asInteger(), 2LL);
    }

    // The page's selection names jobs by index key: each is read now and acted on, and a key whose
    // member has left the set (deleted, or replaced by another job at the same score) is missing.
    void indexedKeysActOnWhatIsStillThere()
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 6; ++i) members.emplace_back(1700000000.0 + i / 2, deadJob("Picked", i));
        seed(JobSetKind::Dead, members);
        JobIndex index(JobSetKind::Dead);
        QVERIFY(index.refresh(*m_client).complete);
        const auto snap = index.snapshot();
        QCOMPARE(snap->size(), members.size());
        std::vector<IndexedJobKey> keys;
        for (std::uint32_t r = 0; r < snap->size(); ++r)
            keys.push_back({snap->entry(r).score, snap->entry(r).payloadHash});

        m_client->command(redis::Command("ZREM").key("dead").arg(members[1].second).arg(members[4].second));
        seed(JobSetKind::Dead, {{members[4].first, deadJob("Replacement", 4)}}); // the score of the one gone
        const ActionResult r
            = applyJobActionToIndexed(*m_client, m_gate, JobAction::Retry, JobSetKind::Dead, keys, {}, "selection");
        QCOMPARE(r.affected, 4LL);
        QCOMPARE(r.missing, 2LL);
        QVERIFY(r.skipped.empty());
        QCOMPARE(m_client->command(redis::Command("LLEN").key("queue:default")).asInteger(), 4LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 1LL); // the replacement, never named
    }

    // Sidekiq never writes infinite scores, but another tool may: -inf and +inf entries are read with
    // their scores, acted on once, and a cursor that stops at +inf (saved and resumed) stays there.
    void infiniteScores()
    {
        const double inf = std::numeric_limits<double>::infinity();
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 30; ++i)
            members.emplace_back(i % 3 == 0 ? -inf
                    : i % 3 == 1            ? 1700000000.0 + i
                                            : inf,
                deadJob(i % 2 ? "Edge" : "Keep", i));
        seed(JobSetKind::Dead, members);
        const auto all = pageByRank(*m_client, JobSetKind::Dead, 0, 100, false);
        QCOMPARE(all.front().score, -inf);
        QCOMPARE(all.back().score, inf);

        QTemporaryDir dir;
        kiq::storage::BulkCursorStore store(dir.path().toStdString());
        BulkSpec spec;
        spec.filter = "class=Keep"; // sorts after Edge: the first page ends on +inf entries it keeps
        BulkOperation op = BulkExecutor::create(m_client->options(), spec);
        // Pages of 25 (a rate cap of 25/s, no load budget sizing them by time): the first page ends
        // inside the +inf run, where the first run stops; the resumed one finishes.
        op.spec.ratePerSecond = 25;
        BulkExecutor first(*m_client, m_gate, op, &store);
        first.setBudget(kiq::redis::LoadBudget::none());
        int pages = 0;
        const auto& stopped = first.run([&](const BulkProgress&) { return ++pages < 1; });
        QVERIFY(stopped.progress.cancelled);
        QCOMPARE(stopped.progress.cursorScore, inf);
        QVERIFY(stopped.progress.affected < 15);
        const auto saved = store.unfinished(BulkExecutor::deploymentOf(m_client->options()));
        QCOMPARE(saved.size(), std::size_t(1));
        QCOMPARE(saved[0].progress.cursorScore, stopped.progress.cursorScore);
        BulkExecutor resumed(*m_client, m_gate, saved[0], &store);
        const auto& done = resumed.run();
        QVERIFY(done.progress.finished);
        QCOMPARE(done.progress.affected, 15LL);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 15LL);
        QCOMPARE(m_client->command(redis::Command("LLEN").key("queue:default")).asInteger(), 15LL);
    }

    void infiniteCursorIsSavedAsSuch()
    {
        QTemporaryDir dir;
        kiq::storage::BulkCursorStore store(dir.path().toStdString());
        BulkOperation op = BulkExecutor::create(m_client->options(), BulkSpec {});
        op.progress.cursorScore = std::numeric_limits<double>::infinity();
        op.progress.keptAtCursor = 4;
        store.save(op);
        const auto back = store.unfinished(BulkExecutor::deploymentOf(m_client->options()));
        QCOMPARE(back.size(), std::size_t(1));
        QCOMPARE(back[0].progress.cursorScore, std::numeric_limits<double>::infinity());
        QCOMPARE(back[0].progress.keptAtCursor, 4LL);
    }

    void requiredTextIsANecessaryCondition()
    {
        QCOMPARE(JobFilter::parse("class=Billing::*").requiredText(), std::string("Billing::"));
        QCOMPARE(JobFilter::parse("error~Time age>2h").requiredText(), std::string("time"));
        QCOMPARE(JobFilter::parse("class=a/b/Charge queue=x").requiredText(), std::string("Charge"));
        QCOMPARE(JobFilter::parse("age>2h malformed").requiredText(), std::string());
        QCOMPARE(JobFilter::parse("class=Ab*").requiredText(), std::string()); // too short to help
        QVERIFY(JobFilter::parse("error~TIMEOUT").mayMatchRaw(R"({"error_message":"Read timeout"})"));
        QVERIFY(!JobFilter::parse("class=Billing::*").mayMatchRaw(R"({"class":"Mailer"})"));

        // Candidates are still checked: the text also appears in other jobs' args, and a class
        // written with JSON escapes by another writer is still found.
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 300; ++i)
            members.emplace_back(1700000000.0 + i, deadJob(i % 3 ? "Billing::Charge" : "Mailer", i));
        members.emplace_back(1700000400.0,
            deadJob("Mailer", 1000).replace(deadJob("Mailer", 1000).find("user-1000"), 9, "Billing::Charge"));
        members.emplace_back(1700000401.0,
            R"({"class":"Caf\u00e9::Charge","args":[],"jid":"aaaaaaaaaaaaaaaaaaaaaaaa","queue":"default","error_class":"Net::ReadTimeout","error_message":"x"})");
        members.emplace_back(1700000402.0, "{not json Billing::Charge");
        seed(JobSetKind::Dead, members);
        const auto all = pageByRank(*m_client, JobSetKind::Dead, 0, 1000, false);
        QCOMPARE(all.size(), std::size_t(303));
        for (const char* expression : {"class=Billing::Charge", "class=Café::Charge", "args~user-12",
                 "error~readtimeout", "text~charge", "class=*::Charge error=Net::*", "malformed"}) {
            const JobFilter filter = JobFilter::parse(expression);
            long long expected = 0;
            for (const auto& e : all) expected += filter.matches(e.job, 1800000000.0) ? 1 : 0;
            const BulkPreview preview = previewBulk(*m_client, JobSetKind::Dead, filter, 3);
            QVERIFY2(preview.matched == expected, expression);
            QCOMPARE(preview.scanned, 303LL);
            QVERIFY(preview.sample.size() == std::min<std::size_t>(3, std::size_t(expected)));
            QVERIFY(std::is_sorted(preview.sample.begin(), preview.sample.end(),
                [](const SortedEntry& a, const SortedEntry& b) { return a.score < b.score; }));
        }
        QCOMPARE(previewBulk(*m_client, JobSetKind::Dead, JobFilter::parse("class=Billing::Charge"), 1).matched, 200LL);
        QCOMPARE(previewBulk(*m_client, JobSetKind::Dead, JobFilter::parse("class=Café::Charge"), 1).matched, 1LL);
    }
};

QTEST_GUILESS_MAIN(TestBulkExecutor)
#include "tst_bulk_executor.moc"
