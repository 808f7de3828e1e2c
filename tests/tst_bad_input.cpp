// A corpus of bad input in every place jobs live (queue:default, schedule, retry, dead): payloads that
// are not JSON, not objects, invalid UTF-8 or binary, a wrong type for each field, and 10 MB args;
// and keys of the wrong Redis type where a list, set or sorted set is expected. Reads must give a
// row with a parse error, or a clear error, never a crash; the bytes of every bad entry are kept;
// operations on other rows and bulk actions over the whole set lose nothing, and a wrong-typed key
// never costs a job (the action fails before anything is moved).
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "redis/Errors.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"

#include <QTest>

#include <map>
#include <set>

using namespace kiq;
using namespace kiq::sidekiq;
using kiq::test::RedisServer;

namespace {
std::string goodJob(int i)
{
    return kiq::test::failedJob("GoodJob", i, "boom", 2);
}

// A valid job with one field replaced by raw JSON text of the wrong type.
std::string withField(const std::string& key, const std::string& rawValue)
{
    PayloadEditor e(goodJob(0));
    e.set(key, rawValue);
    return e.result();
}

struct BadPayload {
    std::string name;
    std::string bytes;
};

std::vector<BadPayload> corpus()
{
    std::vector<BadPayload> c {
        {"truncated JSON", R"({"class":"Broken","args":[1,)"},
        {"not JSON", "hello, world"},
        {"empty", ""},
        {"JSON array", "[1,2,3]"},
        {"JSON number", "42"},
        {"JSON null", "null"},
        {"invalid UTF-8 in a string",
            std::string("{\"class\":\"X\xff\xfe\",\"args\":[],\"jid\":\"a1\",\"queue\":\"default\"}")},
        {"binary with NUL bytes", std::string("\x00\x01\x02{\"class\":\x00\"X\"}\xc3\x28", 17)},
        {"lone surrogate escape", R"({"class":"X","args":["\ud800"],"jid":"a2","queue":"default"})"},
        {"trailing garbage", R"({"class":"X","args":[],"jid":"a3","queue":"default"} trailing)"},
        {"deep nesting", std::string(5000, '[') + std::string(5000, ']')},
    };
    // A wrong type for every field Sidekiq writes.
    const std::vector<std::pair<std::string, std::string>> wrongTypes {
        {"class", "1"},
        {"args", "\"x\""},
        {"jid", "5"},
        {"queue", "[]"},
        {"retry", "\"yes\""},
        {"created_at", "\"yesterday\""},
        {"enqueued_at", "{}"},
        {"retry_count", "\"three\""},
        {"failed_at", "[]"},
        {"retried_at", "true"},
        {"error_class", "5"},
        {"error_message", "{}"},
        {"error_backtrace", "7"},
        {"backtrace", "\"x\""},
        {"retry_queue", "1"},
        {"dead", "\"no\""},
        {"retry_for", "\"x\""},
        {"tags", "\"t\""},
        {"wrapped", "1"},
        {"bid", "[]"},
    };
    for (const auto& [key, value] : wrongTypes) c.push_back({"wrong type for " + key, withField(key, value)});
    // 10 MB of args: valid, and the same truncated.
    std::string big = JobBuilder("BigJob", "[\"" + std::string(10 * 1024 * 1024, 'a') + "\"]").build().json;
    c.push_back({"10 MB args", big});
    c.push_back({"10 MB truncated", big.substr(0, big.size() - 40)});
    return c;
}
} // namespace

class TestBadInput : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    write::WriteGate m_gate {"test"};
    std::vector<BadPayload> m_corpus = corpus();
    std::set<std::string> m_tolerated;

    redis::Reply run(const redis::Command& c) { return m_client->command(c); }
    std::vector<std::string> members(std::string_view key)
    {
        return run(redis::Command("ZRANGE").key(key).arg(0).arg(-1)).asStringList();
    }
    std::vector<std::string> list(std::string_view key)
    {
        return run(redis::Command("LRANGE").key(key).arg(0).arg(-1)).asStringList();
    }

    // Seeds `set` with every corpus entry and 5 good jobs; returns what is in it.
    std::multiset<std::string> seedSet(JobSetKind set)
    {
        const double now = Timestamp::now().seconds();
        std::vector<redis::Command> cmds;
        for (std::size_t i = 0; i < m_corpus.size(); ++i)
            cmds.push_back(redis::Command("ZADD").key(setKey(set)).arg(now - 1000 + double(i)).arg(m_corpus[i].bytes));
        for (int i = 0; i < 5; ++i)
            cmds.push_back(redis::Command("ZADD").key(setKey(set)).arg(now - 2000 + i).arg(goodJob(i)));
        for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
        const auto all = members(setKey(set));
        return {all.begin(), all.end()};
    }

    // Jobs in every queue:* list.
    std::multiset<std::string> queued()
    {
        std::multiset<std::string> out;
        for (const auto& key : run(redis::Command("KEYS").arg("queue:*")).asStringList())
            if (run(redis::Command("TYPE").key(key)).asString() == "list")
                for (auto& m : list(key)) out.insert(std::move(m));
        return out;
    }

    template <typename Fn> static std::optional<redis::Error> failureOf(Fn fn)
    {
        try {
            fn();
        } catch (const redis::Error& e) {
            return e;
        }
        return std::nullopt;
    }

private slots:
    void initTestCase()
    {
        RedisServer::Options o;
        o.extraArgs = {"--proto-max-bulk-len", "64mb"};
        startServer(o);
    }
    void init() { flushAll(); }

    void everyBadPayloadReadsAsAnErrorRow()
    {
        for (JobSetKind set : {JobSetKind::Scheduled, JobSetKind::Retry, JobSetKind::Dead}) {
            seedSet(set);
            const auto page = pageByRank(*m_client, set, 0, 100, false);
            QCOMPARE(page.size(), m_corpus.size() + 5);
            std::map<std::string, const SortedEntry*> byRaw;
            for (const auto& e : page) byRaw[e.job.raw] = &e;
            for (const auto& bad : m_corpus) {
                const auto it = byRaw.find(bad.bytes);
                QVERIFY2(it != byRaw.end(), ("not read back byte for byte: " + bad.name).c_str());
                const JobRecord& job = it->second->job;
                if (job.ok()) m_tolerated.insert(bad.name);
                if (bad.name == "10 MB args") {
                    QVERIFY(job.argsDisplay.size() < 1000); // the list shows a short form
                } else if (!job.ok()) {
                    QVERIFY2(job.parseError.size() > 5 && job.parseError.size() < 500,
                        (bad.name + ": " + job.parseError).c_str());
                }
            }
        }
        // Only these read as good jobs: the big one is valid, and a non-string `wrapped` is shown as
        // its JSON text by design (it only names the class to display).
        QCOMPARE(m_tolerated, (std::set<std::string> {"10 MB args", "wrong type for wrapped"}));
        // The same in a queue.
        std::vector<redis::Command> push;
        for (const auto& bad : m_corpus) push.push_back(redis::Command("LPUSH").key("queue:default").arg(bad.bytes));
        for (const auto& r : m_client->pipeline(push)) r.throwIfError();
        const auto rows = pageQueue(*m_client, "default", 0, 100);
        QCOMPARE(rows.size(), m_corpus.size());
        int malformed = 0;
        for (const auto& row : rows) malformed += row.job.ok() ? 0 : 1;
        QCOMPARE(malformed, int(m_corpus.size() - m_tolerated.size()));
        QVERIFY(!findInQueue(*m_client, "default", "no-such-jid").has_value());
        QVERIFY(!findByJid(*m_client, JobSetKind::Dead, "no-such-jid").has_value());
    }

    void actionsOnOtherRowsAndBulkRetryLoseNothing()
    {
        for (JobSetKind set : {JobSetKind::Retry, JobSetKind::Dead, JobSetKind::Scheduled}) {
            init();
            const auto before = seedSet(set);
            const auto good = pageByScore(*m_client, set, 0, Timestamp::now().seconds() - 1500, 0, 10, false);
            QCOMPARE(good.size(), std::size_t(5));

            // Retry (or enqueue) one good row and delete another, with the bad ones around them.
            const ActionResult moved = set == JobSetKind::Scheduled
                ? enqueueNow(*m_client, m_gate, {good[0].job.raw})
                : retryNow(*m_client, m_gate, set, {good[0].job.raw});
            QCOMPARE(moved.affected, 1LL);
            QCOMPARE(deleteJobs(*m_client, m_gate, set, {good[1].job.raw}).affected, 1LL);

            // Bulk retry over the whole set: what can be re-enqueued goes to a queue, the rest stays
            // byte for byte; nothing disappears.
            BulkSpec spec;
            spec.set = set;
            spec.action = set == JobSetKind::Scheduled ? JobAction::Enqueue : JobAction::Retry;
            const auto op
                = BulkExecutor(*m_client, m_gate, BulkExecutor::create(m_client->options(), spec), nullptr).run();
            QVERIFY(op.progress.finished);
            QVERIFY(op.progress.skipped > 0);

            const auto left = members(setKey(set));
            for (const auto& m : left) QVERIFY2(before.count(m) == 1, "a member changed its bytes");
            const long long inQueues = static_cast<long long>(queued().size());
            QCOMPARE(static_cast<long long>(left.size()) + inQueues + 1,
                static_cast<long long>(before.size())); // + the deleted one
            QCOMPARE(static_cast<long long>(left.size()), op.progress.skipped);
            // Every entry that is not even JSON is still in the set, exactly as it was.
            for (const auto& bad : m_corpus)
                if (!PayloadEditor(bad.bytes).ok())
                    QVERIFY2(
                        std::find(left.begin(), left.end(), bad.bytes) != left.end(), ("lost: " + bad.name).c_str());
            qInfo("%s: %zu entries, bulk %s moved %lld, skipped %lld", setName(set), before.size(),
                actionName(spec.action), op.progress.affected, op.progress.skipped);
        }
    }

    void wrongTypedQueueIsAnErrorRowInStats()
    {
        m_server->cli({"SET", "queue:x", "not a list"});
        m_server->cli({"SADD", "queues", "x", "default"});
        m_server->cli({"LPUSH", "queue:default", QString::fromStdString(goodJob(1))});
        StatsReader stats;
        const StatsSnapshot s = stats.read(*m_client);
        QCOMPARE(s.queues.size(), std::size_t(2));
        QCOMPARE(s.queues[0].name, std::string("default"));
        QCOMPARE(s.queues[0].size, 1LL);
        QVERIFY(s.queues[0].error.empty());
        QCOMPARE(s.queues[1].name, std::string("x"));
        QVERIFY2(s.queues[1].error.find("queue:x") != std::string::npos
                && s.queues[1].error.find("WRONGTYPE") != std::string::npos,
            s.queues[1].error.c_str());
        QCOMPARE(m_server->cli({"GET", "queue:x"}), QString("not a list"));
    }

    void wrongKeyTypesGiveClearErrorsAndLoseNothing()
    {
        // `dead` a hash, `schedule` a string, `queue:x` a string listed in `queues`; `retry` is fine.
        m_server->cli({"HSET", "dead", "field", "value"});
        m_server->cli({"SET", "schedule", "not a sorted set"});
        m_server->cli({"SET", "queue:x", "not a list"});
        m_server->cli({"SADD", "queues", "x", "default"});
        std::string toX = goodJob(1);
        {
            PayloadEditor e(toX);
            e.setString("queue", "x");
            toX = e.result();
        }
        const std::string toDefault = goodJob(2);
        run(redis::Command("ZADD").key("retry").arg(1).arg(toX)).throwIfError();
        run(redis::Command("ZADD").key("retry").arg(2).arg(toDefault)).throwIfError();

        // Reads: a WRONGTYPE error that names the problem, never a crash or an empty list.
        for (JobSetKind set : {JobSetKind::Dead, JobSetKind::Scheduled}) {
            const auto e = failureOf([&] { pageByRank(*m_client, set, 0, 10, false); });
            QVERIFY(e && e->kind() == redis::ErrorKind::WrongType);
            QVERIFY(failureOf([&] { setSize(*m_client, set); }).has_value());
        }
        const auto qe = failureOf([&] { pageQueue(*m_client, "x", 0, 10); });
        QVERIFY(qe && qe->kind() == redis::ErrorKind::WrongType);
        QVERIFY2(QString(qe->what()).contains("WRONGTYPE"), qe->what());

        // Stats: a wrong-typed set fails the whole read with the same named error.
        StatsReader stats;
        const auto se = failureOf([&] { stats.read(*m_client); });
        QVERIFY(se && se->kind() == redis::ErrorKind::WrongType);

        // A bulk action over a wrong-typed set stops before writing anything.
        BulkSpec spec;
        spec.set = JobSetKind::Dead;
        const auto be = failureOf(
            [&] { BulkExecutor(*m_client, m_gate, BulkExecutor::create(m_client->options(), spec), nullptr).run(); });
        QVERIFY(be && be->kind() == redis::ErrorKind::WrongType);
        QCOMPARE(m_server->cli({"HGET", "dead", "field"}), QString("value"));

        // Retrying a job whose queue key is not a list, and killing into a dead set that is not a
        // sorted set: refused, and the job stays in the retry set.
        const auto re = failureOf([&] { retryNow(*m_client, m_gate, JobSetKind::Retry, {toX}); });
        QVERIFY(re && re->kind() == redis::ErrorKind::WrongType);
        QVERIFY(!run(redis::Command("ZSCORE").key("retry").arg(toX)).isNil());
        QVERIFY2(QString(re->what()).contains("queue:x"), re->what());
        QVERIFY(!run(redis::Command("ZSCORE").key("retry").arg(toX)).isNil());
        const auto ke = failureOf([&] { killJobs(*m_client, m_gate, JobSetKind::Retry, {toDefault}); });
        QVERIFY(ke && ke->kind() == redis::ErrorKind::WrongType);
        QVERIFY(!run(redis::Command("ZSCORE").key("retry").arg(toDefault)).isNil());

        // The job bound for a healthy queue still goes; the other stays, byte for byte.
        QCOMPARE(retryNow(*m_client, m_gate, JobSetKind::Retry, {toDefault}).affected, 1LL);
        QCOMPARE(run(redis::Command("LLEN").key("queue:default")).asInteger(), 1LL);
        QCOMPARE(members("retry"), std::vector<std::string> {toX});
        QCOMPARE(m_server->cli({"GET", "queue:x"}), QString("not a list"));
        QCOMPARE(m_server->cli({"GET", "schedule"}), QString("not a sorted set"));
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
