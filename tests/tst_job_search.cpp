// The fleet search's per-deployment walk (sidekiq/search/JobSearch.h, issue 22 item 3): a planted JID
// found across three real servers, one of them a Cluster; text that matches as shown (redacted); a walk
// that neither skips nor repeats while workers and retries change the data under it; the load budget.
#include "harness/ClusterGroup.h"
#include "harness/Fixture.h"
#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "redaction/Redaction.h"
#include "redis/Client.h"
#include "sidekiq/search/JobSearch.h"

#include <QTest>

using namespace kiq::sidekiq;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::redis::LoadBudget;
using kiq::test::RedisServer;

namespace {

std::string jobJson(const std::string& cls, const std::string& jid, const std::string& args,
    const std::string& error = "Boom", const std::string& queue = "default")
{
    return "{\"retry\":true,\"queue\":\"" + queue + "\",\"class\":\"" + cls + "\",\"args\":" + args + ",\"jid\":\""
        + jid + "\",\"created_at\":1700000000.5,\"enqueued_at\":1700000000.5,\"error_class\":\"" + error
        + "\",\"error_message\":\"failed hard\",\"failed_at\":1700000001.5,\"retry_count\":3}";
}

std::string noiseJid(int i)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%024x", i);
    return buf;
}

// `n` jobs of class NoiseJob in a sorted set (scores 1700000000 + i) or a queue, `planted` at `at`.
void seed(Client& client, const std::string& key, bool sorted, int n, int at = -1, const std::string& planted = {})
{
    for (int from = 0; from < n; from += 1000) {
        std::vector<std::string> args {sorted ? "ZADD" : "LPUSH", key};
        for (int i = from; i < std::min(n, from + 1000); ++i) {
            if (sorted) args.push_back(std::to_string(1700000000 + i));
            args.push_back(i == at ? planted : jobJson("NoiseJob", noiseJid(i), "[" + std::to_string(i) + "]"));
        }
        client.command(Command::raw(std::move(args))).throwIfError();
    }
}

std::vector<JobSearchHit> runAll(JobSearch& search, Client& client)
{
    std::vector<JobSearchHit> all;
    for (int guard = 0; !search.done() && guard < 100000; ++guard)
        for (auto& hit : search.step(client)) all.push_back(std::move(hit));
    return all;
}

std::shared_ptr<const kiq::redaction::Redactor> defaultRules()
{
    return std::make_shared<kiq::redaction::Redactor>(kiq::redaction::RedactionRules {});
}

const std::string kPlanted = "0123456789abcdef01234567";

} // namespace

class TestJobSearch : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Client> m_client;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<Client>(kiq::test::optionsFor(*m_server));
    }
    void init() { run({"FLUSHALL"}); }

    void findsAPlantedJidAcrossThreeServersOneOfThemACluster()
    {
        // One: the job in the middle of a 5,000-job dead set, beside real Sidekiq 6.4.1's queue.
        kiq::test::runSidekiqRuby(m_server->port(), "3.times { |i| EchoJob.perform_async(i) }");
        seed(*m_client, "dead", true, 5000, 2500, jobJson("PlantedJob", kPlanted, "[1]"));
        // Two: in a retry set.
        RedisServer second(RedisServer::Options {});
        Client two(kiq::test::optionsFor(second));
        seed(two, "retry", true, 1500, 1499, jobJson("PlantedJob", kPlanted, "[2]"));
        // Three: a Cluster, in a queue whose key lives on another node than the sets.
        kiq::test::ClusterGroup cluster;
        Client three(kiq::test::clusterOptionsFor(cluster));
        three.command(Command::raw({"SADD", "queues", "critical", "default"})).throwIfError();
        seed(three, "queue:critical", false, 3000, 10, jobJson("PlantedJob", kPlanted, "[3]", "Boom", "critical"));
        seed(three, "queue:default", false, 700);
        seed(three, "schedule", true, 400);

        struct Case {
            Client* client;
            JobPlace place;
            std::string container;
            long long total;
        };
        const Case cases[] = {{m_client.get(), JobPlace::Dead, "", 5003}, {&two, JobPlace::Retry, "", 1500},
            {&three, JobPlace::Queue, "critical", 4100}};
        for (const Case& c : cases) {
            JobSearch search(JobSearchQuery::byJid(kPlanted), LoadBudget::ofShare(0.5), defaultRules());
            const auto hits = runAll(search, *c.client);
            QCOMPARE(hits.size(), std::size_t(1));
            QVERIFY(hits[0].place == c.place);
            QCOMPARE(hits[0].container, c.container);
            QCOMPARE(hits[0].job.jid, kPlanted);
            QCOMPARE(hits[0].job.displayClass, std::string("PlantedJob"));
            const JobSearchProgress p = search.progress();
            QVERIFY(p.done);
            QCOMPARE(p.total, c.total);
            QCOMPARE(p.examined, c.total); // every job looked at once, none twice
            QCOMPARE(p.hits, std::size_t(1));
            QVERIFY(p.load.calls > 0); // read under the budget
        }
        // Sidekiq's own jobs are found by their class, with the queue they wait in.
        JobSearch echo(JobSearchQuery::anyOf("echojob"), LoadBudget::none(), defaultRules());
        const auto echoHits = runAll(echo, *m_client);
        QCOMPARE(echoHits.size(), std::size_t(3));
        QVERIFY(echoHits[0].place == JobPlace::Queue);
        QCOMPARE(echoHits[0].container, std::string("default"));
        // A JID nobody has: nothing, after looking everywhere.
        JobSearch none(JobSearchQuery::byJid("ffffffffffffffffffffffff"), LoadBudget::none(), defaultRules());
        QVERIFY(runAll(none, three).empty());
        QCOMPARE(none.progress().examined, 4100);
    }

    void textMatchesWhatTheOperatorIsShown()
    {
        seed(*m_client, "retry", true, 50);
        run({"ZADD", "retry", "1800000000",
            jobJson("Billing::ChargeCard", "aaaaaaaaaaaaaaaaaaaaaaaa", R"([{"user":"u4242","password":"hunter2"}])",
                "Stripe::CardError")});
        run({"ZADD", "dead", "1800000001",
            jobJson("MailerJob", "bbbbbbbbbbbbbbbbbbbbbbbb", R"(["welcome"])", "Net::ReadTimeout")});
        const auto find = [&](const std::string& text, std::shared_ptr<const kiq::redaction::Redactor> r) {
            JobSearch search(JobSearchQuery::anyOf(text), LoadBudget::none(), std::move(r));
            return runAll(search, *m_client);
        };
        QCOMPARE(find("chargecard", defaultRules()).size(), std::size_t(1)); // class, any case
        QCOMPARE(find("readtimeout", defaultRules()).size(), std::size_t(1)); // error class
        QCOMPARE(find("\"u4242\"", defaultRules()).size(), std::size_t(1)); // arguments, quotes and all
        QCOMPARE(find("failed hard", defaultRules()).size(), std::size_t(52)); // the message
        QCOMPARE(find("bbbbbbbbbbbbbbbbbbbbbbbb", defaultRules())[0].job.displayClass, std::string("MailerJob"));
        // A hidden value cannot be found out, and the hit shows the arguments as redacted.
        QVERIFY(find("hunter2", defaultRules()).empty());
        const auto masked = find("REDACTED", defaultRules());
        QCOMPARE(masked.size(), std::size_t(1));
        QVERIFY(masked[0].job.argsDisplay.find("hunter2") == std::string::npos);
        QVERIFY(masked[0].job.raw.find("u4242") != std::string::npos);
        // Without rules (the CLI's --no-redact) the value is there to find.
        QCOMPARE(find("hunter2", nullptr).size(), std::size_t(1));
        // "retry" is in every payload's keys, but in no class, argument or error: no hit.
        QVERIFY(find("retry", defaultRules()).empty());
    }

    void findsJobsInProgress()
    {
        const std::string id = "host:42:0123abcd";
        const std::string now = std::to_string(QDateTime::currentSecsSinceEpoch());
        run({"SADD", "processes", id});
        run({"HSET", id, "info",
            "{\"hostname\":\"host\",\"pid\":42,\"identity\":\"" + id
                + "\",\"queues\":[\"default\"],\"concurrency\":5,\"tag\":\"t\",\"labels\":[],\"started_at\":1}",
            "beat", now, "busy", "1"});
        std::string payload = jobJson("SlowReportJob", "cccccccccccccccccccccccc", "[7]");
        std::string escaped;
        for (char ch : payload) escaped += ch == '"' ? std::string("\\\"") : std::string(1, ch);
        run({"HSET", id + ":work", "tid1",
            "{\"queue\":\"default\",\"payload\":\"" + escaped + "\",\"run_at\":" + now + "}"});
        JobSearch search(JobSearchQuery::byJid("cccccccccccccccccccccccc"), LoadBudget::none(), defaultRules());
        const auto hits = runAll(search, *m_client);
        QCOMPARE(hits.size(), std::size_t(1));
        QVERIFY(hits[0].place == JobPlace::Busy);
        QCOMPARE(hits[0].container, id);
        QCOMPARE(hits[0].job.displayClass, std::string("SlowReportJob"));
    }

    void neitherSkipsNorRepeatsWhileTheDataMoves()
    {
        // Planted at the fetch end of a queue (the last one the walk reaches) and in the upper part of the
        // dead set; every second step 50 new jobs are pushed and the 30 lowest dead jobs leave (retried),
        // as a rank-based walk would skip them. Fixed pages (no budget), so the walk is the same on any
        // machine, and at most 3,000 jobs leave: the planted one stays.
        seed(*m_client, "queue:default", false, 4000, 0, jobJson("PlantedJob", kPlanted, "[1]"));
        run({"SADD", "queues", "default"});
        seed(*m_client, "dead", true, 4000, 3900, jobJson("PlantedJob", kPlanted, "[2]"));
        JobSearch search(JobSearchQuery::byJid(kPlanted), LoadBudget::none(), defaultRules());
        std::vector<JobSearchHit> hits;
        int rounds = 0;
        for (int step = 0; !search.done() && step < 1000; ++step) {
            for (auto& hit : search.step(*m_client)) hits.push_back(std::move(hit));
            if (step % 2 == 1 && rounds < 100) {
                ++rounds;
                std::vector<std::string> push {"LPUSH", "queue:default"};
                for (int i = 0; i < 50; ++i) push.push_back(jobJson("NewJob", noiseJid(100000 + step * 50 + i), "[]"));
                run(std::move(push));
                run({"ZPOPMIN", "dead", "30"});
            }
        }
        QVERIFY(search.done());
        QVERIFY(rounds >= 8); // the data moved under both walks
        QCOMPARE(hits.size(), std::size_t(2)); // once in the queue, once in the dead set
        QVERIFY(hits[0].place == JobPlace::Queue);
        QVERIFY(hits[1].place == JobPlace::Dead);
        QVERIFY(search.progress().examined > 4000); // the pushes shifted the queue walk back
    }

    void stopsAtTheMostHitsItKeeps()
    {
        seed(*m_client, "dead", true, 300);
        JobSearch search(JobSearchQuery::byText("noisejob"), LoadBudget::none(), defaultRules(), 25);
        const auto hits = runAll(search, *m_client);
        QCOMPARE(hits.size(), std::size_t(25));
        QVERIFY(search.done());
        QVERIFY(search.progress().truncated);
        JobSearch all(JobSearchQuery::byText("noisejob"), LoadBudget::none(), defaultRules(), 300);
        QCOMPARE(runAll(all, *m_client).size(), std::size_t(300));
        QVERIFY(!all.progress().truncated);
    }

    void staysInsideTheLoadBudget()
    {
        seed(*m_client, "dead", true, 20000);
        JobSearch search(JobSearchQuery::byText("no such thing"), LoadBudget::ofShare(0.25), defaultRules());
        QVERIFY(runAll(search, *m_client).empty());
        const auto p = search.progress();
        QCOMPARE(p.examined, 20000);
        QVERIFY2(p.load.calls > 5, "read in paced pages");
        // The pacer waits after each call so ours fill at most a quarter of the time (generous bound).
        QVERIFY2(p.load.shareUsed() < 0.5, std::to_string(p.load.shareUsed()).c_str());
    }
};

QTEST_GUILESS_MAIN(TestJobSearch)
#include "tst_job_search.moc"
