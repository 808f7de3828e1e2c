// The job index against a real redis-server: built in bounded steps, it must agree with a plain full
// read of the set (entries, counts, groups, filters), converge after removals and insertions (seen
// by bucket counts) and after count-neutral replacements (seen by verification), keep malformed
// members, handle tie groups larger than a page, and stay queryable while another thread refreshes.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redaction/Redaction.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/FailureFingerprint.h"
#include "sidekiq/search/JobIndex.h"
#include "sidekiq/search/JobIndexFilter.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace kiq;
using namespace kiq::sidekiq;
using kiq::test::RedisServer;

namespace {
constexpr double kBase = 1700000000.0;
constexpr double kNow = kBase + 200000.0; // "now" for age terms: fixed, so truth and index agree

struct Kind {
    const char* cls;
    const char* wrapped; // ActiveJob class or nullptr
    const char* queue;
    const char* errorClass;
    const char* message; // %d is replaced by the job number
};
const Kind kKinds[] = {
    {"HardJob", nullptr, "default", "Net::ReadTimeout", "Net::ReadTimeout with #<TCPSocket:(closed)>"},
    {"Billing::ChargeJob", nullptr, "critical", "ActiveRecord::RecordNotFound", "Couldn't find User with 'id'=%d"},
    {"EmailJob", nullptr, "mailers", "Redis::CannotConnectError",
        "Error connecting to Redis on 10.0.0.5:6379 (Errno::ECONNREFUSED) for user_%d"},
    {"ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper", "SendNewsletterJob", "low", "NoMethodError",
        "undefined method `name' for nil:NilClass"},
    {"ReportJob", nullptr, "reports", "RuntimeError",
        "report %d failed after rendering page 17 of 20: the template engine raised an unexpected timeout"},
};

std::string jidOf(std::uint64_t n)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%024" PRIx64, std::uint64_t(n * 0x9E3779B97F4A7C15ULL));
    return std::string(buf).substr(0, 24);
}

// A dead job as Sidekiq 6.x leaves it (about 400–700 bytes), or a malformed member every 997th.
std::string payload(int i, int variant = 0)
{
    if (i % 997 == 5) {
        switch ((i / 997) % 3) {
        case 0:
            return "{\"class\":\"Broken\",\"args\":[" + std::to_string(i) + ","; // truncated
        case 1:
            return "{\"class\":\"X\",\"jid\":\"\xff\xfe" + std::to_string(i) + "\",\"args\":[]}"; // invalid UTF-8
        default:
            return "[" + std::to_string(i) + ",2,3]"; // not an object
        }
    }
    const Kind& k = kKinds[i % 5];
    char message[256];
    std::snprintf(message, sizeof message, k.message, i);
    std::string args = k.wrapped
        ? "[{\"job_class\":\"" + std::string(k.wrapped) + "\",\"arguments\":[" + std::to_string(i) + "]}]"
        : "[" + std::to_string(i) + ",\"user-" + std::to_string(i) + "\"]";
    if (i % 11 == 0)
        args = "[" + std::to_string(i) + ",\"" + std::string(120, 'p') + "-tail-" + std::to_string(i)
            + "\"]"; // longer than the prefix
    std::string j
        = "{\"retry\":true,\"queue\":\"" + std::string(k.queue) + "\",\"backtrace\":true,\"class\":\"" + k.cls + "\"";
    if (k.wrapped) j += ",\"wrapped\":\"" + std::string(k.wrapped) + "\"";
    j += ",\"args\":" + args + ",\"jid\":\"" + jidOf(std::uint64_t(i) + 1) + "\"";
    const double failed = kBase + i * 0.7;
    j += ",\"created_at\":" + formatRubyFloat(failed - 30) + ",\"enqueued_at\":" + formatRubyFloat(failed - 5);
    j += ",\"error_message\":";
    json::appendQuoted(j, message);
    j += ",\"error_class\":\"" + std::string(k.errorClass) + "\",\"failed_at\":" + formatRubyFloat(failed);
    j += ",\"retry_count\":" + std::to_string(25 - variant);
    if (i % 3 == 0) j += ",\"retried_at\":" + formatRubyFloat(failed + 3600);
    if (i % 4 == 0)
        j += ",\"error_backtrace\":\"eJyVkMEKwjAMhu99lJ7EC2vd5sF3EfEwJBspbSphdoOKiF0rbNdRBRnZlzh/"
             "yEpDTVEGWTknY0lOvB1LXyMSDkZGmUu9w==\"";
    return j + "}";
}

double scoreOf(int i)
{
    return kBase + double(i / 7) * 5.0;
} // 7 members per score: ties everywhere

struct Truth {
    double score;
    std::uint64_t hash;
    JobRecord job;
};
} // namespace

class TestJobIndex : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;

    void zadd(const std::vector<std::pair<double, std::string>>& members)
    {
        std::vector<redis::Command> cmds;
        for (std::size_t i = 0; i < members.size(); i += 500) {
            redis::Command c("ZADD");
            c.key("dead");
            for (std::size_t k = i; k < std::min(members.size(), i + 500); ++k)
                c.arg(members[k].first).arg(members[k].second);
            cmds.push_back(std::move(c));
            if (cmds.size() == 20 || i + 500 >= members.size()) {
                for (const auto& r : m_client->pipeline(cmds)) r.throwIfError();
                cmds.clear();
            }
        }
    }

    void zrem(const std::vector<std::string>& members)
    {
        for (std::size_t i = 0; i < members.size(); i += 500) {
            redis::Command c("ZREM");
            c.key("dead");
            for (std::size_t k = i; k < std::min(members.size(), i + 500); ++k) c.arg(members[k]);
            m_client->command(c).throwIfError();
        }
    }

    // The straightforward answer: every member by rank, parsed.
    std::vector<Truth> readAll()
    {
        std::vector<Truth> out;
        JobParseOptions o;
        o.decodeBacktrace = false;
        for (long long offset = 0;; offset += 10000) {
            auto reply = m_client->command(redis::Command("ZRANGE")
                                               .key("dead")
                                               .arg(offset)
                                               .arg(offset + 9999)
                                               .arg(std::string_view("WITHSCORES")));
            const auto& items = reply.asArray();
            for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
                const std::string& text = items[i + 1].asString(); // from_chars: no locale involved
                double score = 0;
                std::from_chars(text.data(), text.data() + text.size(), score);
                out.push_back(
                    {score, jobIndexPayloadHash(items[i].asString()), JobRecord::parse(items[i].asString(), o)});
            }
            if (items.size() < 20000) break;
        }
        return out;
    }

    // Everything the index says must be what a full read says.
    void compare(const JobIndexSnapshot& snap, const std::vector<Truth>& truth)
    {
        QCOMPARE(snap.size(), truth.size());
        std::map<std::string, long long> byClass, byQueue, byError;
        struct G {
            long long count = 0;
            double first = 0, last = 0;
        };
        std::map<std::uint64_t, G> groups;
        for (std::uint32_t r = 0; r < truth.size(); ++r) {
            const Truth& t = truth[r];
            const JobIndexEntry& e = snap.entry(r);
            if (e.score != t.score || e.payloadHash != t.hash) {
                // Show the neighbourhood: a missing or extra member shifts every row after it.
                for (std::uint32_t k = r >= 3 ? r - 3 : 0;
                     k < std::min<std::size_t>({truth.size(), snap.size(), r + 4}); ++k)
                    qInfo("row %u: index jid %s hash %016llx; Redis jid %s hash %016llx", k,
                        std::string(snap.jid(k)).c_str(), static_cast<unsigned long long>(snap.entry(k).payloadHash),
                        truth[k].job.jid.c_str(), static_cast<unsigned long long>(truth[k].hash));
                QFAIL(qPrintable(QString("row %1: index has score %2, Redis %3")
                                     .arg(r)
                                     .arg(e.score, 0, 'f', 3)
                                     .arg(t.score, 0, 'f', 3)));
            }
            QCOMPARE(snap.jid(r), std::string_view(t.job.jid));
            QCOMPARE(snap.className(r), t.job.className);
            QCOMPARE(snap.displayClass(r), t.job.displayClass);
            QCOMPARE(snap.queue(r), t.job.queue);
            QCOMPARE(snap.errorClass(r).has_value(), t.job.errorClass.has_value());
            QCOMPARE(e.has(JobIndexEntry::ParseError), !t.job.ok());
            QCOMPARE(e.retryCount, t.job.retryCount ? std::int32_t(*t.job.retryCount) : -1);
            const auto time = jobTime(t.job);
            QCOMPARE(e.hasTime(), time.has_value());
            if (time) QCOMPARE(e.time, *time);
            const FailureFingerprint f = FailureFingerprint::of(t.job);
            QCOMPARE(snap.fingerprint(r), f.hash);
            QCOMPARE(snap.normalizedMessage(r), f.normalizedMessage);
            ++byClass[t.job.displayClass];
            ++byQueue[t.job.queue];
            ++byError[t.job.errorClass.value_or("")];
            G& g = groups[f.hash];
            const double at = time.value_or(t.score);
            g.first = g.count ? std::min(g.first, at) : at;
            g.last = g.count ? std::max(g.last, at) : at;
            ++g.count;
        }
        const JobFilter all = JobFilter::parse("");
        for (const auto& [field, expected] : {std::pair {JobIndexField::Class, &byClass},
                 std::pair {JobIndexField::Queue, &byQueue}, std::pair {JobIndexField::Error, &byError}}) {
            std::map<std::string, long long> got;
            for (const auto& c : snap.countBy(field, all, kNow)) got[c.value] += c.count;
            QCOMPARE(got, *expected);
        }
        const auto indexGroups = snap.groups(all, kNow);
        QCOMPARE(indexGroups.size(), groups.size());
        for (const auto& g : indexGroups) {
            const G& want = groups.at(g.fingerprint);
            QCOMPARE(g.count, want.count);
            QCOMPARE(g.firstSeen, want.first);
            QCOMPARE(g.lastSeen, want.last);
            QCOMPARE(snap.fingerprint(g.newestRow), g.fingerprint);
        }
        QVERIFY(std::is_sorted(
            indexGroups.begin(), indexGroups.end(), [](const auto& a, const auto& b) { return a.count > b.count; }));
    }

    // rows ⊆ truth ⊆ rows ∪ maybe; `exact` also demands maybe = ∅.
    void compareFilter(
        const JobIndexSnapshot& snap, const std::vector<Truth>& truth, const std::string& expression, bool exact)
    {
        const JobFilter filter = JobFilter::parse(expression);
        std::vector<std::uint32_t> want;
        for (std::uint32_t r = 0; r < truth.size(); ++r)
            if (filter.matches(truth[r].job, kNow)) want.push_back(r);
        JobIndexQueryResult got = snap.query(filter, JobIndexSort::Score, false, kNow);
        QVERIFY(std::is_sorted(got.rows.begin(), got.rows.end()));
        std::vector<std::uint32_t> both = got.rows;
        both.insert(both.end(), got.maybe.begin(), got.maybe.end());
        std::sort(both.begin(), both.end());
        QVERIFY2(std::includes(want.begin(), want.end(), got.rows.begin(), got.rows.end()), expression.c_str());
        QVERIFY2(std::includes(both.begin(), both.end(), want.begin(), want.end()), expression.c_str());
        if (exact) QVERIFY2(got.maybe.empty() && got.rows == want, expression.c_str());
        QVERIFY2(!want.empty() || expression == "jid=nothing", expression.c_str());
    }

    void compareFilters(const JobIndexSnapshot& snap, const std::vector<Truth>& truth)
    {
        const std::string someJid = truth[truth.size() / 3].job.jid;
        char group[32];
        std::snprintf(group, sizeof group, "%" PRIx64, FailureFingerprint::of(truth[truth.size() / 2].job).hash);
        for (const char* e : {"class=HardJob", "class=Billing::*", "class=SendNewsletterJob", "queue=crit*",
                 "error=Net::*", "error=*Error", "malformed", "age>20h", "age<2d",
                 "class=EmailJob queue=mailers age>30h", "jid=nothing", "class=Broken"})
            compareFilter(snap, truth, e, true);
        compareFilter(snap, truth, "jid=" + someJid, true);
        compareFilter(snap, truth, std::string("group=") + group, true);
        // error~ is exact: ordinary messages are kept whole (the ReportJob message is ~100 bytes,
        // its "timeout" past the 64 bytes kept before issue 14).
        for (const char* e :
            {"error~timeout", "error~ECONNREFUSED", "error~\"with 'id'=12\"", "class=ReportJob error~unexpected"})
            compareFilter(snap, truth, e, true);
        // Other ~ terms: exact where the prefixes hold the whole text, "maybe" past them.
        for (const char* e : {"args~user-12", "args~tail-13", "text~billing", "text~user-77"})
            compareFilter(snap, truth, e, false);
        // Orders other than score: stable, so equal keys keep score order.
        const auto byClass = snap.query(JobFilter::parse(""), JobIndexSort::Class, false, kNow).rows;
        QCOMPARE(byClass.size(), truth.size());
        for (std::size_t i = 1; i < byClass.size(); ++i) {
            const auto& a = snap.displayClass(byClass[i - 1]);
            const auto& b = snap.displayClass(byClass[i]);
            QVERIFY(a < b || (a == b && byClass[i - 1] < byClass[i]));
        }
        const auto byTime = snap.query(JobFilter::parse("class=HardJob"), JobIndexSort::Time, true, kNow).rows;
        for (std::size_t i = 1; i < byTime.size(); ++i)
            QVERIFY(snap.entry(byTime[i - 1]).time >= snap.entry(byTime[i]).time);
    }

    JobIndexRefreshStats refreshUntil(JobIndex& index, const std::function<bool(const JobIndexRefreshStats&)>& done,
        int maxCalls, std::size_t* parsed = nullptr)
    {
        JobIndexRefreshStats s;
        for (int i = 0; i < maxCalls; ++i) {
            s = index.refresh(*m_client);
            if (parsed) *parsed += s.entriesParsed;
            if (done(s)) return s;
        }
        QTest::qFail("the index did not converge", __FILE__, __LINE__);
        return s;
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = kiq::test::clientFor(*m_server);
    }
    void init() { m_server->cli({"FLUSHALL"}); }

    void agreesWithAFullReadAndConverges()
    {
        constexpr int kJobs = test::kSanitized ? 40000 : 200000;
        QElapsedTimer t;
        t.start();
        std::vector<std::pair<double, std::string>> members;
        members.reserve(kJobs);
        for (int i = 0; i < kJobs; ++i) members.emplace_back(scoreOf(i), payload(i));
        zadd(members);
        qInfo("seeded %d dead jobs in %lld ms", kJobs, t.restart());

        JobIndexLimits limits;
        limits.maxEntries = 20000;
        limits.verifyEntries = 10000;
        JobIndex index(JobSetKind::Dead, limits);
        QVERIFY(!index.snapshot()->complete());
        int calls = 0;
        std::size_t read = 0;
        JobIndexRefreshStats s;
        do {
            s = index.refresh(*m_client);
            ++calls;
            read += s.entriesRead - s.entriesVerified;
            QVERIFY(s.entriesRead <= limits.maxEntries);
            // Usable while it fills: all read so far but the last tie group, which may go on (pages
            // inside a tie group overlap the previous page by one member).
            const std::size_t have = index.snapshot()->size();
            QVERIFY2(have <= read && read - have <= 7 + read / 1000,
                qPrintable(QString("have %1 read %2").arg(have).arg(read)));
        } while (!s.complete && calls < 100);
        QVERIFY(s.passCompleted);
        QVERIFY(
            read >= std::size_t(kJobs) && read <= std::size_t(kJobs + kJobs / 1000)); // each member once, plus overlaps
        QVERIFY(calls <= kJobs / int(limits.maxEntries) + 2);
        const auto built = index.snapshot();
        qInfo("built in %d refresh calls, %lld ms; %zu buckets; %.0f bytes/entry", calls, t.restart(), s.buckets,
            double(built->memoryBytes()) / double(built->size()));
        QVERIFY(double(built->memoryBytes()) / double(built->size()) < 220);

        std::vector<Truth> truth = readAll();
        compare(*built, truth);
        compareFilters(*built, truth);
        qInfo("checked against a full read in %lld ms", t.restart());

        // Removals and insertions (bucket counts change): removals only among the first 45% of the
        // jobs, insertions only past 55%, so no bucket sees both.
        std::mt19937 rng(42);
        std::vector<std::string> removed;
        std::set<int> removedIdx;
        constexpr int kRemoved = kJobs / 40, kAdded = kJobs / 66, kSwapped = kJobs / 400;
        while (removedIdx.size() < std::size_t(kRemoved)) removedIdx.insert(int(rng() % (kJobs * 9 / 20)));
        for (int i : removedIdx) removed.push_back(members[std::size_t(i)].second);
        zrem(removed);
        std::vector<std::pair<double, std::string>> added;
        for (int k = 0; k < kAdded; ++k) {
            const int i = kJobs + k; // new jobs
            const int at = kJobs * 11 / 20 + int(rng() % (kJobs * 9 / 20 - 10)); // next to an existing one
            const double score = k % 3 == 0 ? scoreOf(at) : k % 3 == 1 ? scoreOf(at) + 2.5 : scoreOf(kJobs) + k;
            added.emplace_back(score, payload(i));
        }
        zadd(added);
        s = refreshUntil(
            index, [](const auto& st) { return st.synced; }, 20);
        truth = readAll();
        QCOMPARE(truth.size(), std::size_t(kJobs - kRemoved + kAdded));
        compare(*index.snapshot(), truth); // (filters are checked again at the end, after more changes)
        qInfo("converged after removals and insertions in %lld ms", t.restart());

        // Count-neutral changes: members replaced by others at the same score. Counts cannot see
        // them; a verification cycle must. Only the replacements are parsed again.
        std::vector<std::string> oldMembers;
        std::vector<std::pair<double, std::string>> replacements;
        std::set<int> swapIdx;
        while (swapIdx.size() < std::size_t(kSwapped)) {
            const int i = kJobs * 9 / 20 + int(rng() % (kJobs / 10));
            if (payload(i, 1) != payload(i)) swapIdx.insert(i); // malformed members have no variant
        }
        for (int i : swapIdx) {
            oldMembers.push_back(members[std::size_t(i)].second);
            replacements.emplace_back(members[std::size_t(i)].first, payload(i, 1)); // retry_count 24 instead of 25
        }
        zrem(oldMembers);
        zadd(replacements);
        const std::uint64_t cycles = index.verifyCycles();
        std::size_t parsed = 0;
        refreshUntil(
            index, [&](const auto&) { return index.verifyCycles() >= cycles + 2; }, 200, &parsed);
        QVERIFY2(parsed >= std::size_t(kSwapped) && parsed <= std::size_t(kSwapped + kSwapped / 5),
            qPrintable(QString::number(parsed)));
        truth = readAll();
        compare(*index.snapshot(), truth);
        compareFilters(*index.snapshot(), truth);
        qInfo("converged after replacements in %lld ms (%zu payloads parsed again)", t.restart(), parsed);
    }

    void malformedEntriesAreIndexedNeverDropped()
    {
        const std::vector<std::pair<double, std::string>> members {
            {1.0, "{\"class\":\"Broken\",\"args\":[1,"},
            {2.0, std::string("{\"class\":\"X\",\"jid\":\"\xff\xfe\",\"args\":[]}")},
            {3.0, "[1,2,3]"},
            {4.0, ""},
            {4.0, "null"},
            {5.0, "{\"class\":\"NoArgs\",\"jid\":\"abc\"}"},
            {6.0, payload(1)},
        };
        zadd(members);
        JobIndex index(JobSetKind::Dead);
        const auto s = index.refresh(*m_client);
        QVERIFY(s.complete && s.synced);
        const auto snap = index.snapshot();
        QCOMPARE(snap->size(), members.size());
        const auto bad = snap->query(JobFilter::parse("malformed"), JobIndexSort::Score, false);
        QCOMPARE(bad.rows.size(), members.size() - 1);
        QVERIFY(!snap->entry(6).has(JobIndexEntry::ParseError));
        QCOMPARE(snap->className(0), std::string("Broken"));
        for (std::uint32_t r = 0; r < snap->size(); ++r) {
            const JobIndexEntry& e = snap->entry(r);
            const auto fetched = fetchIndexedJob(*m_client, JobSetKind::Dead, e.score, e.payloadHash);
            QVERIFY(fetched.has_value());
            QCOMPARE(fetched->score, e.score);
            QCOMPARE(fetched->job.ok(), !e.has(JobIndexEntry::ParseError));
            QCOMPARE(jobIndexPayloadHash(fetched->job.raw), e.payloadHash); // the exact bytes
            QCOMPARE(snap->find(e.score, e.payloadHash), std::optional<std::uint32_t>(r));
        }
        m_server->cli({"ZREM", "dead", "[1,2,3]"});
        QVERIFY(!fetchIndexedJob(*m_client, JobSetKind::Dead, 3.0, snap->entry(2).payloadHash));
    }

    // Messages past the 1 KB kept are the only error~ entries left undecided, and exactly those.
    void errorTextPastTheKeptMessageIsUndecided()
    {
        const auto job = [](int i, const std::string& message) {
            std::string j = "{\"class\":\"HardJob\",\"queue\":\"default\",\"args\":[],\"jid\":\""
                + jidOf(std::uint64_t(i)) + "\",\"error_class\":\"Faraday::TimeoutError\",\"error_message\":";
            json::appendQuoted(j, message);
            return j + "}";
        };
        const std::string longTail(kJobIndexMessagePrefix, 'x');
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 30; ++i)
            members.emplace_back(i, job(i, "request " + std::to_string(i) + " failed: read timeout"));
        for (int i = 30; i < 40; ++i) members.emplace_back(i, job(i, "other " + std::to_string(i)));
        for (int i = 40; i < 45; ++i) members.emplace_back(i, job(i, longTail + " read timeout")); // undecided
        for (int i = 45; i < 47; ++i)
            members.emplace_back(i, job(i, "read timeout " + longTail)); // within the kept part
        zadd(members);
        JobIndex index(JobSetKind::Dead);
        QVERIFY(index.refresh(*m_client).complete);
        const auto got
            = index.snapshot()->query(JobFilter::parse("error~\"read timeout\""), JobIndexSort::Score, false);
        QCOMPARE(got.rows.size(), std::size_t(32));
        QCOMPARE(got.maybe.size(), std::size_t(5));
        // The error class is whole: a term on it decides every entry.
        const auto byClass
            = index.snapshot()->query(JobFilter::parse("error~timeouterror"), JobIndexSort::Score, false);
        QCOMPARE(byClass.rows.size(), members.size());
        QVERIFY(byClass.maybe.empty());
    }

    // With the profile's redaction rules the index's ~ terms read its kept args and message prefixes as
    // they are shown: a hidden password or token is never a match, the arguments around it are, and
    // an entry whose secret straddles the cut of the kept prefix is at most "maybe" (the scan says no).
    void textTermsReadTheRedactedPrefixes()
    {
        std::vector<std::pair<double, std::string>> members;
        std::map<std::string, JobRecord> byJid;
        for (int i = 0; i < 14; ++i) {
            std::string j
                = "{\"class\":\"LoginJob\",\"queue\":\"default\",\"jid\":\"" + jidOf(std::uint64_t(i)) + "\",\"args\":";
            // 0-9 fit in the kept args prefix; 10-13 have their password cut by it.
            j += i < 10 ? "[{\"password\":\"pw-" + std::to_string(i) + "\",\"user\":\"ann\"}]"
                        : "[\"" + std::string(40, 'f') + "\",{\"password\":\"pw-" + std::string(40, 'x') + "\"}]";
            j += ",\"error_class\":\"AuthError\",\"error_message\":\"login token=tok-" + std::to_string(i)
                + " refused\"}";
            members.emplace_back(i, j);
            byJid.emplace(jidOf(std::uint64_t(i)), JobRecord::parse(j));
        }
        zadd(members);
        JobIndex index(JobSetKind::Dead);
        QVERIFY(index.refresh(*m_client).complete);
        const auto snap = index.snapshot();
        const auto shown = std::make_shared<const redaction::Redactor>();
        std::vector<std::string> wrong; // rows the index says yes to where the scan says no
        const auto query = [&](const std::string& expression, bool redacted) {
            JobFilter f = JobFilter::parse(expression);
            if (redacted) f.redactWith(shown);
            const auto got = snap->query(f, JobIndexSort::Score, false);
            for (std::uint32_t row : got.rows)
                if (!f.matches(byJid.at(std::string(snap->jid(row))), 0)) wrong.push_back(expression);
            return got;
        };
        QCOMPARE(query("args~pw-", false).rows.size(), std::size_t(14));
        QVERIFY(query("args~pw-", true).rows.empty());
        QCOMPARE(query("args~pw-", true).maybe.size(), std::size_t(4)); // the cut ones: the scan decides
        QCOMPARE(query("args~ann", true).rows.size(), std::size_t(10));
        QCOMPARE(query("args~redacted", true).rows.size(), std::size_t(10));
        QCOMPARE(query("error~tok-", false).rows.size(), std::size_t(14));
        const auto tokens = query("error~tok-", true);
        QVERIFY(tokens.rows.empty() && tokens.maybe.empty()); // whole messages: decided
        QCOMPARE(query("error~refused", true).rows.size(), std::size_t(14));
        QVERIFY(query("text~tok-", true).rows.empty());
        QVERIFY(query("text~pw-", true).rows.empty());
        QCOMPARE(query("text~ann", true).rows.size(), std::size_t(10));
        QVERIFY2(wrong.empty(), wrong.empty() ? "" : wrong.front().c_str());
    }

    void tieGroupsLargerThanAPage()
    {
        // 2,500 members at one score, read 700 at a time in pages of 300: the (score, skip) cursor
        // must carry across calls without losing or repeating members.
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 2500; ++i) members.emplace_back(kBase, payload(i * 5 + 1));
        for (int i = 0; i < 500; ++i) members.emplace_back(kBase + 1 + i, payload(i * 5 + 2));
        zadd(members);
        JobIndexLimits limits;
        limits.maxEntries = 700;
        limits.pageSize = 300;
        limits.bucketSize = 200;
        limits.verifyEntries = 0; // no re-reads but the ones a count change asks for
        JobIndex index(JobSetKind::Dead, limits);
        refreshUntil(
            index, [](const auto& st) { return st.complete; }, 10);
        compare(*index.snapshot(), readAll());
        if (QTest::currentTestFailed()) return;

        // A count change in the tie group: it is read again, across four calls.
        zadd({{kBase, payload(999999)}});
        zrem({members[2600].second});
        auto s = index.refresh(*m_client);
        QVERIFY(!s.synced && !index.snapshot()->synced());
        QCOMPARE(s.entriesRead, std::size_t(700));
        // While that read is inside the group, the group's first member (read already) goes away:
        // the offset is now one too far. The one-member overlap notices and the group is read again.
        const std::string first = m_server->cli({"ZRANGE", "dead", "0", "0"}).toStdString();
        zrem({first});
        refreshUntil(
            index, [](const auto& st) { return st.synced; }, 20);
        compare(*index.snapshot(), readAll());
    }

    void isolatedChangesAreReadAgainCheaply()
    {
        // 50,000 jobs in ~50 buckets; one removal in each of ten buckets and one insertion at the end:
        // the dirty buckets are narrowed down by piece counts, so far fewer than 11 × 1,000 members
        // are read again.
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 50000; ++i) members.emplace_back(kBase + i, payload(i));
        zadd(members);
        JobIndexLimits limits;
        limits.maxEntries = 60000;
        limits.verifyEntries = 0;
        JobIndex index(JobSetKind::Dead, limits);
        QVERIFY(index.refresh(*m_client).complete);
        std::vector<std::string> gone;
        for (int k = 0; k < 10; ++k) gone.push_back(members[std::size_t(k * 4999 + 17)].second);
        zrem(gone);
        zadd({{kBase + 60000, payload(60000)}});
        const auto s = index.refresh(*m_client);
        QVERIFY(s.synced);
        QVERIFY2(s.entriesRead < 1500, qPrintable(QString::number(s.entriesRead)));
        compare(*index.snapshot(), readAll());
    }

    void queriesWhileAnotherThreadRefreshes()
    {
        std::vector<std::pair<double, std::string>> members;
        for (int i = 0; i < 30000; ++i) members.emplace_back(scoreOf(i), payload(i));
        zadd(members);
        JobIndexLimits limits;
        limits.maxEntries = 3000;
        limits.verifyEntries = 3000;
        JobIndex index(JobSetKind::Dead, limits);
        std::atomic<bool> stop {false};
        std::atomic<long long> refreshes {0};
        std::thread worker([&] {
            redis::Client client(kiq::test::optionsFor(*m_server)); // one client per thread
            while (!stop) {
                index.refresh(client);
                ++refreshes;
            }
        });
        struct Joiner {
            std::atomic<bool>& stop;
            std::thread& thread;
            ~Joiner()
            {
                stop = true;
                if (thread.joinable()) thread.join();
            }
        } joiner {stop, worker}; // also when a check below fails and returns early
        // Meanwhile: mutate Redis and query whatever snapshot is current.
        std::mt19937 rng(7);
        const JobFilter filter = JobFilter::parse("class=HardJob age>1h");
        long long queries = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 3000) {
            const auto snap = index.snapshot();
            const auto r = snap->query(filter, JobIndexSort::Class, true);
            for (std::uint32_t row : r.rows) QVERIFY(snap->displayClass(row) == "HardJob");
            const auto groups = snap->groups(filter);
            long long total = 0;
            for (const auto& g : groups) total += g.count;
            QCOMPARE(std::size_t(total), r.rows.size());
            ++queries;
            const int i = int(rng() % 30000);
            if (queries % 2)
                zrem({members[std::size_t(i)].second});
            else
                zadd({{scoreOf(i), payload(i)}});
        }
        // Quiet now: the worker must converge to what Redis holds.
        const std::uint64_t cycles = index.verifyCycles();
        QVERIFY(kiq::test::waitUntil([&] { return index.verifyCycles() >= cycles + 2; }, 30000, 10));
        stop = true;
        worker.join();
        QVERIFY(refreshes > 10);
        compare(*index.snapshot(), readAll());
        qInfo("%lld queries during %lld refreshes", queries, refreshes.load());
    }

    void compiledFilterBasics()
    {
        QVERIFY(containsFolded("Net::ReadTimeout", "readtimeout"));
        QVERIFY(containsFolded("abc", ""));
        QVERIFY(!containsFolded("ab", "abc"));
        QVERIFY(containsFolded("xxAbCx", "abc"));
        QVERIFY(!containsFolded("xxAbDx", "abc"));
        QVERIFY(containsFolded("a-1", "-1"));
        // The vectorised search against the obvious one, on short and long haystacks.
        std::mt19937 rng(3);
        const std::string alphabet = "aAbB-1xX";
        const auto randomText = [&](std::size_t n) {
            std::string t;
            for (std::size_t i = 0; i < n; ++i) t += alphabet[rng() % alphabet.size()];
            return t;
        };
        for (int round = 0; round < 20000; ++round) {
            const std::string hay = randomText(rng() % 80);
            std::string needle = randomText(1 + rng() % 5);
            for (char& c : needle) c = char(std::tolower(static_cast<unsigned char>(c)));
            const std::size_t from = hay.empty() ? 0 : rng() % (hay.size() + 1);
            std::size_t want = std::string::npos;
            for (std::size_t i = from; i + needle.size() <= hay.size() && want == std::string::npos; ++i) {
                bool eq = true;
                for (std::size_t k = 0; k < needle.size() && eq; ++k)
                    eq = std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k];
                if (eq) want = i;
            }
            QCOMPARE(findFolded(hay, needle, from), want);
        }
    }
};

QTEST_GUILESS_MAIN(TestJobIndex)
#include "tst_jobindex.moc"
