// A production profile's write gate against a real redis-server: every kind of write is refused
// until armed (and the refusal changes nothing), runs once armed, and is refused again when the time
// box runs out, checked at the write itself with no timer involved. Plus the arming rules.
#include "acl/AclService.h"
#include "deployment/ConnectionProfile.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/model/JobBuilder.h"
#include "write/WriteGate.h"

#include <QTest>

#include <map>
#include <thread>

using namespace kiq;
using namespace kiq::sidekiq;
using namespace std::chrono_literals;

namespace {
struct WriteKind {
    const char* name;
    std::function<void(redis::Client&, write::WriteGate&)> write;
};
} // namespace

class TestWriteGate : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    std::string m_retryJob, m_scheduledJob, m_deadJob, m_queueJob;

    void seed()
    {
        m_server->cli({"FLUSHALL"});
        m_server->cli({"ACL", "DELUSER", "gated"});
        auto job = [](const std::string& cls, const std::string& queue) {
            JobBuilder b(cls, "[1]");
            b.setQueue(queue);
            return b.build().json;
        };
        m_retryJob = job("RetryMe", "default");
        m_scheduledJob = job("Later", "default");
        m_deadJob = job("DeadOne", "default");
        m_queueJob = job("Queued", "low");
        auto run = [&](redis::Command c) { m_client->command(std::move(c)).throwIfError(); };
        run(redis::Command("ZADD").key("retry").arg(1700000000).arg(m_retryJob));
        run(redis::Command("ZADD").key("schedule").arg(1700000000).arg(m_scheduledJob));
        run(redis::Command("ZADD").key("dead").arg(1700000000).arg(m_deadJob));
        run(redis::Command("LPUSH").key("queue:low").arg(m_queueJob));
        run(redis::Command("SADD").key("queues").arg("low"));
        run(redis::Command("SADD").key("processes").arg("host:1:abc"));
        run(redis::Command("ACL").arg("SETUSER").arg("victim").arg("on").arg(">pw").arg("+ping"));
        run(redis::Command("ACL").arg("LOG").arg("RESET"));
        m_server->cli({"AUTH", "victim", "wrong"}); // one ACL LOG entry, for the reset
    }

    // Every key with its DUMP, and the ACL: what a refused write must leave exactly as it was.
    std::map<std::string, std::string> snapshot()
    {
        std::map<std::string, std::string> out;
        for (const auto& key : m_client->command(redis::Command("KEYS").arg("*")).asStringList())
            out[key] = m_client->command(redis::Command("DUMP").key(key)).str;
        for (const auto& rule : m_client->command(redis::Command("ACL").arg("LIST")).asStringList())
            out["acl " + rule] = {};
        out["acl log"] = std::to_string(m_client->command(redis::Command("ACL").arg("LOG")).elements.size());
        return out;
    }

    std::vector<WriteKind> kinds() const
    {
        return {
            {"retry", [this](auto& c, auto& g) { retryNow(c, g, JobSetKind::Retry, {m_retryJob}); }},
            {"enqueue", [this](auto& c, auto& g) { enqueueNow(c, g, {m_scheduledJob}); }},
            {"move", [this](auto& c, auto& g) { moveToQueue(c, g, JobSetKind::Retry, {m_retryJob}, "other"); }},
            {"kill", [this](auto& c, auto& g) { killJobs(c, g, JobSetKind::Scheduled, {m_scheduledJob}); }},
            {"delete", [this](auto& c, auto& g) { deleteJobs(c, g, JobSetKind::Dead, {m_deadJob}); }},
            {"bulk",
                [](auto& c, auto& g) {
                    BulkExecutor(c, g,
                        BulkExecutor::create(c.options(), {JobSetKind::Dead, "", JobAction::Delete, {}, 0}), nullptr)
                        .run();
                }},
            {"queue delete", [this](auto& c, auto& g) { deleteFromQueue(c, g, "low", {m_queueJob}); }},
            {"queue move", [this](auto& c, auto& g) { moveQueueJobs(c, g, "low", {m_queueJob}, "high"); }},
            {"queue pause", [](auto& c, auto& g) { setQueuePaused(c, g, "low", true); }},
            {"queue clear", [](auto& c, auto& g) { clearQueue(c, g, "low"); }},
            {"process quiet", [](auto& c, auto& g) { signalProcess(c, g, "host:1:abc", ProcessSignal::Quiet); }},
            {"acl setuser", [](auto& c, auto& g) { acl::applyUser(c, g, "gated", acl::AclRules::parse("on +ping")); }},
            {"acl deluser", [](auto& c, auto& g) { acl::deleteUser(c, g, "victim"); }},
            {"acl log reset", [](auto& c, auto& g) { acl::resetAclLog(c, g); }},
        };
    }

    static deployment::ConnectionProfile billing()
    {
        auto p = deployment::ConnectionProfile::create(QStringLiteral("Billing"));
        p.environment = deployment::Environment::Production;
        return p;
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
    }

    void everyWriteWaitsForArmingAndTheTimeBox()
    {
        const auto profile = billing();
        QVERIFY(profile.opensReadOnly());
        auto fakeNow = std::chrono::steady_clock::now();
        write::WriteGate gate(profile.name.toStdString(), profile.opensReadOnly(), [&] { return fakeNow; });
        gate.setRefusalText(profile.label().toStdString(), "arm writes with a reason first");
        std::vector<write::AuditEntry> audit;
        gate.addAuditSink([&](const write::AuditEntry& e) { audit.push_back(e); });

        for (const auto& kind : kinds()) {
            seed();
            const auto before = snapshot();
            gate.disarm();
            audit.clear();
            try {
                kind.write(*m_client, gate);
                QFAIL(qPrintable(QStringLiteral("%1 was not refused").arg(kind.name)));
            } catch (const write::WriteRefused& e) {
                QCOMPARE(QString(e.what()),
                    QStringLiteral("Billing (Production) is read-only: arm writes with a reason first"));
            }
            QVERIFY2(snapshot() == before, kind.name);
            QCOMPARE(audit.size(), std::size_t(1)); // the refusal is audited too
            QVERIFY(!audit[0].ok);

            gate.arm("INC-42 " + std::string(kind.name), std::chrono::minutes(profile.armMinutes));
            kind.write(*m_client, gate);
            QVERIFY2(snapshot() != before, kind.name);
            QVERIFY(audit.back().ok);
            QCOMPARE(QString::fromStdString(audit.back().reason), QStringLiteral("INC-42 %1").arg(kind.name));
            QVERIFY(!audit.back().armedBy.empty());

            // Minute 16 of a 15-minute box: refused at the write itself, though no timer ran.
            seed();
            const auto reseeded = snapshot();
            fakeNow += std::chrono::minutes(profile.armMinutes) + 1ms;
            QVERIFY_THROWS_EXCEPTION(write::WriteRefused, kind.write(*m_client, gate));
            QVERIFY2(snapshot() == reseeded, kind.name);
            QVERIFY(!gate.writable());
            QVERIFY(!gate.arming());
        }
    }

    // The same with the real clock and a short box, on a job action.
    void shortBoxRunsOutOnTheRealClock()
    {
        seed();
        write::WriteGate gate("Billing", true);
        gate.arm("INC-7", 300ms);
        QVERIFY(gate.remaining() && *gate.remaining() <= 300ms && *gate.remaining() > 0ms);
        QCOMPARE(retryNow(*m_client, gate, JobSetKind::Retry, {m_retryJob}).affected, 1LL);
        std::this_thread::sleep_for(400ms);
        const auto before = snapshot();
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, deleteJobs(*m_client, gate, JobSetKind::Dead, {m_deadJob}));
        QVERIFY(snapshot() == before);
        QCOMPARE(setSize(*m_client, JobSetKind::Dead), 1LL);
        QVERIFY(!gate.remaining());
    }

    void armingRules()
    {
        auto fakeNow = std::chrono::steady_clock::now();
        write::WriteGate gate("Billing", true, [&] { return fakeNow; });
        QVERIFY(!gate.writable());
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, gate.arm(""));
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, gate.arm("  \t"));
        QVERIFY_THROWS_EXCEPTION(write::WriteRefused, gate.arm("INC-1", 0ms));
        QVERIFY(!gate.writable());

        gate.arm("INC-1"); // 15 minutes by default
        QCOMPARE(*gate.remaining(), std::chrono::milliseconds(15min));
        fakeNow += 14min;
        QCOMPARE(*gate.remaining(), std::chrono::milliseconds(1min));
        QCOMPARE(QString::fromStdString(gate.arming()->reason), QStringLiteral("INC-1"));
        QVERIFY(gate.arming()->armedAt > 0);
        gate.disarm(); // at any time
        QVERIFY(!gate.writable());
        QVERIFY(!gate.remaining());

        // The CLI's arming lasts as long as the process: no box, no overflow.
        gate.arm("one invocation", write::WriteGate::kUntilDisarmed);
        fakeNow += std::chrono::hours(24 * 365);
        QVERIFY(gate.writable());
        QVERIFY(!gate.remaining());

        // A profile edit that changes the rule ends the arming.
        gate.setReadOnly(false);
        QVERIFY(gate.writable());
        QVERIFY(!gate.arming());
        gate.setReadOnly(true);
        QVERIFY(!gate.writable());

        // On a writable deployment arming only records a reason; disarming leaves it writable.
        write::WriteGate laptop("Laptop", false);
        laptop.arm("trying the bulk retry");
        QCOMPARE(QString::fromStdString(laptop.arming()->reason), QStringLiteral("trying the bulk retry"));
        laptop.disarm();
        QVERIFY(!laptop.arming());
        QVERIFY(laptop.writable());
        QVERIFY(!laptop.readOnly());
    }

    void profilesDecide()
    {
        auto p = deployment::ConnectionProfile::create(QStringLiteral("Laptop"));
        QVERIFY(!p.opensReadOnly()); // development: no ceremony
        p.environment = deployment::Environment::Staging;
        QVERIFY(!p.opensReadOnly());
        p.readOnly = true;
        QVERIFY(p.opensReadOnly());
        p.readOnly = false;
        p.environment = deployment::Environment::Production;
        QVERIFY(p.opensReadOnly()); // whatever the flag says
        QCOMPARE(p.label(), QStringLiteral("Laptop (Production)"));
    }
};

QTEST_GUILESS_MAIN(TestWriteGate)
#include "tst_write_gate.moc"
