// The queue index against a real redis-server: a large queue is read in bounded calls and agrees
// with the list member for member; fetches at the tail and pushes at the head between (and during)
// refreshes are followed without a full re-read, members keep their keys while they stay; a member
// replaced or removed in the middle is found (verification, repair); a job is fetched by its key
// after the list shifted, and a job no longer there is reported gone by the fetch and the actions.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "sidekiq/search/QueueIndex.h"

#include <QTest>

#include <cinttypes>
#include <string>
#include <vector>

using namespace kiq;
using namespace kiq::sidekiq;

namespace {
constexpr double kBase = 1700000000.0;
const std::string kKey = "queue:default";

std::string jidOf(int i)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%024" PRIx64, std::uint64_t(std::uint64_t(i) * 0x9E3779B97F4A7C15ULL));
    return std::string(buf).substr(0, 24);
}

std::string job(int i)
{
    return R"({"class":"HardJob","args":[)" + std::to_string(i) + R"(,"x"],"retry":true,"queue":"default","jid":")"
        + jidOf(i) + R"(","created_at":)" + std::to_string(kBase + i) + R"(,"enqueued_at":)" + std::to_string(kBase + i)
        + "}";
}

// LPUSH jobs [from, to) in pipelined chunks: job `from` ends up nearest the tail.
void push(redis::Client& c, int from, int to)
{
    std::vector<redis::Command> cmds;
    for (int i = from; i < to; i += 1000) {
        redis::Command cmd("LPUSH");
        cmd.key(kKey);
        for (int k = i; k < std::min(to, i + 1000); ++k) cmd.arg(job(k));
        cmds.push_back(std::move(cmd));
    }
    if (!cmds.empty()) c.pipeline(cmds);
}

void pop(redis::Client& c, int n)
{
    if (n > 0) c.command(redis::Command("RPOP").key(kKey).arg(n));
}

// The list from the tail, as jids, read in pages.
std::vector<std::string> listJids(redis::Client& c)
{
    std::vector<std::string> out;
    for (long long from = 0;; from += 1000) {
        auto page = c.command(redis::Command("LRANGE").key(kKey).arg(-(from + 1000)).arg(-(from + 1))).asStringList();
        for (auto it = page.rbegin(); it != page.rend(); ++it) {
            const auto at = it->find("\"jid\":\"");
            out.push_back(it->substr(at + 7, 24));
        }
        if (page.size() < 1000) return out;
    }
}

std::vector<std::string> indexJids(const JobIndexSnapshot& snap)
{
    std::vector<std::string> out;
    for (std::uint32_t r = 0; r < snap.size(); ++r) out.emplace_back(snap.jid(r));
    return out;
}

IndexedJobKey keyOf(const JobIndexSnapshot& snap, std::uint32_t row)
{
    return {snap.entry(row).score, snap.entry(row).payloadHash};
}

std::optional<std::uint32_t> rowOfJid(const JobIndexSnapshot& snap, const std::string& jid)
{
    for (std::uint32_t r = 0; r < snap.size(); ++r)
        if (snap.jid(r) == jid) return r;
    return std::nullopt;
}

// Refreshes until the index says it is synced (a few calls at most for the small cases).
void settle(QueueIndex& index, redis::Client& c, int maxCalls = 50)
{
    for (int i = 0; i < maxCalls; ++i)
        if (index.refresh(c).synced) return;
    QFAIL("the index did not settle");
}
} // namespace

class TestQueueIndex : public QObject, private kiq::test::ServerTest {
    Q_OBJECT

private slots:
    void initTestCase() { startServer(); }
    void init() { flushAll(); }
    void cleanupTestCase() { stopServer(); }

    void largeQueueIsReadInBoundedCalls();
    void headAndTailAreFollowed();
    void pushesAndFetchesDuringTheBuild();
    void replacedMiddleMemberIsFoundByVerification();
    void removedMiddleMemberIsRepaired();
    void fetchByKeyAfterTheListShifted();
    void removedJobIsGone();
    void actionsOnIndexedJobs();
};

void TestQueueIndex::largeQueueIsReadInBoundedCalls()
{
    const int n = test::kSanitized ? 20000 : 100000;
    push(*m_client, 0, n);
    QueueIndexLimits limits;
    QueueIndex index("default", limits);
    int calls = 0;
    QueueIndexRefreshStats st;
    do {
        st = index.refresh(*m_client);
        ++calls;
        QVERIFY2(st.entriesRead <= limits.maxEntries, qPrintable(QString::number(st.entriesRead)));
        QVERIFY2(st.largestRead <= limits.pageSize, qPrintable(QString::number(st.largestRead)));
        QVERIFY(calls < 1000);
    } while (!st.complete);
    QVERIFY2(calls >= n / int(limits.maxEntries), qPrintable(QString::number(calls)));
    const auto snap = index.snapshot();
    QCOMPARE(snap->size(), std::size_t(n));
    QVERIFY(snap->listOrder());
    // Row order is the list from the tail: job 0 was pushed first and runs first.
    for (int i = 0; i < n; ++i) QCOMPARE(std::string(snap->jid(std::uint32_t(i))), jidOf(i));
    QCOMPARE(snap->entry(0).time, kBase); // the time kept is enqueued_at
    QCOMPARE(snap->queue(0), std::string("default"));
    // Synced, a call only probes and verifies a bounded window.
    st = index.refresh(*m_client);
    QVERIFY(st.synced);
    QVERIFY(st.entriesRead <= limits.verifyEntries);
    QCOMPARE(st.entriesParsed, std::size_t(0));
}

void TestQueueIndex::headAndTailAreFollowed()
{
    push(*m_client, 0, 5000);
    QueueIndex index("default");
    settle(index, *m_client);
    const auto before = index.snapshot();
    const IndexedJobKey kept = keyOf(*before, 2000);

    pop(*m_client, 300); // workers fetched the oldest 300
    push(*m_client, 5000, 5200); // and 200 new jobs came in
    const auto st = index.refresh(*m_client);
    QCOMPARE(st.fetched, std::size_t(300));
    QCOMPARE(st.pushed, std::size_t(200));
    QVERIFY(st.synced);
    QCOMPARE(st.entriesParsed, std::size_t(200)); // only the new ones
    QVERIFY2(st.entriesRead < 1500, qPrintable(QString::number(st.entriesRead))); // no full re-read
    const auto snap = index.snapshot();
    QCOMPARE(indexJids(*snap), listJids(*m_client));
    QCOMPARE(std::string(snap->jid(0)), jidOf(300));
    QCOMPARE(std::string(snap->jid(std::uint32_t(snap->size() - 1))), jidOf(5199));
    // A member that stayed keeps its key (the view's selection follows it).
    const auto row = snap->find(kept.score, kept.payloadHash);
    QVERIFY(row);
    QCOMPARE(std::string(snap->jid(*row)), jidOf(2000));

    // Everything fetched and new jobs only: the index starts again.
    pop(*m_client, 4900);
    push(*m_client, 9000, 9010);
    settle(index, *m_client);
    QCOMPARE(indexJids(*index.snapshot()), listJids(*m_client));

    // Jobs pushed back at the tail (RPUSH, as a stopping worker requeues them).
    m_client->command(redis::Command("RPUSH").key(kKey).arg(job(8000)).arg(job(8001)));
    settle(index, *m_client);
    QCOMPARE(indexJids(*index.snapshot()), listJids(*m_client));
    QCOMPARE(std::string(index.snapshot()->jid(0)), jidOf(8001));
}

void TestQueueIndex::pushesAndFetchesDuringTheBuild()
{
    push(*m_client, 0, 20000);
    QueueIndex index("default");
    int next = 20000;
    for (int call = 0; call < 200; ++call) {
        const auto st = index.refresh(*m_client, 2000);
        if (st.synced) break;
        pop(*m_client, 150);
        push(*m_client, next, next + 100);
        next += 100;
    }
    settle(index, *m_client);
    QCOMPARE(indexJids(*index.snapshot()), listJids(*m_client));
}

void TestQueueIndex::replacedMiddleMemberIsFoundByVerification()
{
    push(*m_client, 0, 3000);
    QueueIndexLimits limits;
    limits.verifyEntries = 500;
    QueueIndex index("default", limits);
    settle(index, *m_client);
    const auto before = index.snapshot();
    const IndexedJobKey neighbour = keyOf(*before, 2001);
    // Same length, same head and tail: only reading the middle again can tell.
    m_client->command(redis::Command("LSET").key(kKey).arg(-2001).arg(job(77777)));
    const std::uint64_t cycles = index.verifyCycles();
    for (int i = 0; i < 30 && index.verifyCycles() < cycles + 2; ++i) index.refresh(*m_client);
    const auto snap = index.snapshot();
    QCOMPARE(indexJids(*snap), listJids(*m_client));
    QVERIFY(index.verifyCycles() >= cycles + 2); // within two cycles of 3000 / 500 calls
    QVERIFY(!rowOfJid(*snap, jidOf(2000)));
    QCOMPARE(rowOfJid(*snap, jidOf(77777)), std::optional<std::uint32_t>(2000));
    QVERIFY(snap->find(neighbour.score, neighbour.payloadHash)); // the others keep their keys
    QVERIFY(snap->synced());
}

void TestQueueIndex::removedMiddleMemberIsRepaired()
{
    push(*m_client, 0, 3000);
    QueueIndex index("default");
    settle(index, *m_client);
    m_client->command(redis::Command("LREM").key(kKey).arg(1).arg(job(1500)));
    m_client->command(redis::Command("LREM").key(kKey).arg(1).arg(job(10)));
    push(*m_client, 3000, 3005);
    settle(index, *m_client);
    const auto snap = index.snapshot();
    QCOMPARE(indexJids(*snap), listJids(*m_client));
    QCOMPARE(snap->size(), std::size_t(3003));

    // The newest member taken from the head (LPOP, or a delete of the newest job).
    m_client->command(redis::Command("LPOP").key(kKey));
    settle(index, *m_client);
    QCOMPARE(indexJids(*index.snapshot()), listJids(*m_client));
    QCOMPARE(index.snapshot()->size(), std::size_t(3002));
}

void TestQueueIndex::fetchByKeyAfterTheListShifted()
{
    push(*m_client, 0, 5000);
    QueueIndex index("default");
    settle(index, *m_client);
    const auto snap = index.snapshot();
    const auto refs = queueJobRefs(*snap, {keyOf(*snap, 2500)});
    QCOMPARE(refs.size(), std::size_t(1));
    QCOMPARE(refs[0].fromTail, 2500LL);

    pop(*m_client, 700);
    push(*m_client, 5000, 5300);
    auto found = fetchQueueJob(*m_client, "default", refs[0]);
    QVERIFY(found);
    QCOMPARE(found->job.jid, jidOf(2500));
    QCOMPARE(found->index, 5000 - 700 + 300 - 1 - 1800); // from the head, as pageQueue counts
    QVERIFY(found->job.enqueuedAt);

    // Far beyond the first window: the search widens until it reaches the job.
    pop(*m_client, 1700);
    found = fetchQueueJob(*m_client, "default", refs[0]);
    QVERIFY(found);
    QCOMPARE(found->job.jid, jidOf(2500));
    QCOMPARE(found->index, 5000 - 2400 + 300 - 1 - 100);
}

void TestQueueIndex::removedJobIsGone()
{
    push(*m_client, 0, 3000);
    QueueIndex index("default");
    settle(index, *m_client);
    const auto snap = index.snapshot();
    const auto refs = queueJobRefs(*snap, {keyOf(*snap, 1200)});
    QCOMPARE(m_client->command(redis::Command("LREM").key(kKey).arg(1).arg(job(1200))).asInteger(), 1LL);
    QVERIFY(!fetchQueueJob(*m_client, "default", refs[0]));
    write::WriteGate gate("test");
    const auto r = deleteIndexedQueueJobs(*m_client, gate, "default", refs);
    QCOMPARE(r.affected, 0LL);
    QCOMPARE(r.missing, 1LL);
    QCOMPARE(m_client->command(redis::Command("LLEN").key(kKey)).asInteger(), 2999LL);
}

void TestQueueIndex::actionsOnIndexedJobs()
{
    push(*m_client, 0, 2000);
    QueueIndex index("default");
    settle(index, *m_client);
    const auto snap = index.snapshot();
    write::WriteGate gate("test");

    // Delete two neighbours and one far away, after the list moved.
    const auto doomed = queueJobRefs(*snap, {keyOf(*snap, 1500), keyOf(*snap, 10), keyOf(*snap, 11)});
    pop(*m_client, 5);
    const auto del = deleteIndexedQueueJobs(*m_client, gate, "default", doomed);
    QCOMPARE(del.affected, 3LL);
    QCOMPARE(del.missing, 0LL);
    const auto jids = listJids(*m_client);
    QCOMPARE(jids.size(), std::size_t(2000 - 5 - 3));
    for (int gone : {10, 11, 1500}) QVERIFY(std::find(jids.begin(), jids.end(), jidOf(gone)) == jids.end());

    // Move three, picked newest first: they arrive in their running order, their queue rewritten.
    const auto moving = queueJobRefs(*snap, {keyOf(*snap, 900), keyOf(*snap, 800), keyOf(*snap, 700)});
    const auto mv = moveIndexedQueueJobs(*m_client, gate, "default", moving, "other");
    QCOMPARE(mv.affected, 3LL);
    const auto moved = m_client->command(redis::Command("LRANGE").key("queue:other").arg(0).arg(-1)).asStringList();
    QCOMPARE(moved.size(), std::size_t(3));
    QVERIFY(moved.back().find(jidOf(700)) != std::string::npos); // the tail: runs first
    QVERIFY(moved.front().find(jidOf(900)) != std::string::npos);
    QVERIFY(moved.front().find(R"("queue":"other")") != std::string::npos);

    settle(index, *m_client);
    QCOMPARE(indexJids(*index.snapshot()), listJids(*m_client));
}

QTEST_GUILESS_MAIN(TestQueueIndex)
#include "tst_queueindex.moc"
