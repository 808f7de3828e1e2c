// Sidekiq 8's job profiles (sidekiq/api/Profiles.h, docs/sidekiq-data-model.md §16) on a real redis-server:
// profiles written at test time exactly as profiler.rb@v8.1.7 writes them (MULTI ZADD profiles <now+86400>
// <token>-<jid>; HSET <token>-<jid> started_at token type jid filename elapsed data size; EXPIRE 86400;
// EXEC, the data gzip of Firefox-profiler JSON), listed newest first with expired members skipped and
// nothing written (Sidekiq's ProfileSet would ZREMRANGEBYSCORE), and saved to a gzip file on the Profiles
// page: the stored bytes as they are, or compressed where they were not gzip.
#include "EnglishTranslation.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "pages/profiles/ProfileListModel.h"
#include "pages/profiles/ProfilesPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sidekiq/api/Profiles.h"
#include "sidekiq/model/Timestamp.h"

#include <QFile>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace kiq;
using redis::Command;

namespace {
const std::string kProfileJson = R"({"meta":{"version":29,"product":"HardJob"},"threads":[{"name":"main"}]})";

// gzip as Vernier writes the .json.gz Sidekiq stores; the gzip tool, so the test does not check our
// compression with itself.
std::string gzipped(const std::string& text)
{
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-c")});
    gzip.write(QByteArray::fromStdString(text));
    gzip.closeWriteChannel();
    gzip.waitForFinished(10000);
    return gzip.readAllStandardOutput().toStdString();
}

std::string gunzipFile(const QString& path)
{
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-dc"), path});
    gzip.waitForFinished(10000);
    return gzip.exitCode() == 0 ? gzip.readAllStandardOutput().toStdString() : std::string("(not gzip)");
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestProfiles : public QObject {
    Q_OBJECT
    std::unique_ptr<test::RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
    double m_now = 0;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }
    long long integer(std::vector<std::string> args)
    {
        return m_client->command(Command::raw(std::move(args))).integer;
    }

    // profiler.rb's success path, spelled out: the member scores its expiry, the hash lives a day.
    void writeProfile(const std::string& token, const std::string& jid, const std::string& type, long long startedAt,
        double elapsed, const std::string& data, double expiresAt)
    {
        const std::string key = token + "-" + jid;
        char score[64], seconds[32];
        std::snprintf(score, sizeof score, "%.6f", expiresAt);
        std::snprintf(seconds, sizeof seconds, "%.4f", elapsed);
        const auto replies = m_client->pipeline({
            Command::raw({"MULTI"}),
            Command::raw({"ZADD", "profiles", score, key}),
            Command::raw({"HSET", key, "started_at", std::to_string(startedAt), "token", token, "type", type, "jid",
                jid, "filename", "/tmp/" + token + "-" + type + "-" + jid + ".json.gz", "elapsed", seconds, "data",
                data, "size", std::to_string(data.size())}),
            Command::raw({"EXPIRE", key, "86400"}),
            Command::raw({"EXEC"}),
        });
        QVERIFY(!replies.back().isError());
    }

    // Three profiles (two live, one expired but not yet trimmed) and a member whose hash is gone.
    void writeFixture()
    {
        run({"FLUSHALL"});
        run({"CONFIG", "RESETSTAT"});
        m_now = sidekiq::Timestamp::now().seconds();
        writeProfile("tok1", "aaaaaaaaaaaaaaaaaaaaaaaa", "HardJob", (long long)m_now - 600, 1.25, gzipped(kProfileJson),
            m_now - 600 + 86400);
        writeProfile("tok2", "bbbbbbbbbbbbbbbbbbbbbbbb", "Billing::Invoice", (long long)m_now - 60, 0.032,
            gzipped(kProfileJson), m_now - 60 + 86400);
        writeProfile("tok0", "cccccccccccccccccccccccc", "OldJob", (long long)m_now - 90000, 2.0, gzipped(kProfileJson),
            m_now - 3600);
        run({"ZADD", "profiles", std::to_string(m_now + 3600), "tok9-dddddddddddddddddddddddd"});
    }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<test::RedisServer>(test::RedisServer::Options {});
        m_client = test::clientFor(*m_server);
    }

    void listsNewestFirstAndWritesNothing()
    {
        writeFixture();
        const auto list = sidekiq::readProfiles(*m_client, m_now);
        QCOMPARE(list.records.size(), std::size_t(2));
        QCOMPARE(list.expired, 1LL);
        QCOMPARE(list.vanished, 1LL);
        QVERIFY(!list.truncated);

        const auto& newest = list.records[0];
        QCOMPARE(newest.key, std::string("tok2-bbbbbbbbbbbbbbbbbbbbbbbb"));
        QCOMPARE(newest.type, std::string("Billing::Invoice"));
        QCOMPARE(newest.jid, std::string("bbbbbbbbbbbbbbbbbbbbbbbb"));
        QCOMPARE(newest.token, std::string("tok2"));
        QCOMPARE(newest.startedAt, (long long)m_now - 60);
        QCOMPARE(newest.elapsedSeconds, 0.032);
        QCOMPARE(newest.size, static_cast<long long>(gzipped(kProfileJson).size()));
        QVERIFY(std::abs(newest.expiresAt - (m_now - 60 + 86400)) < 0.001);
        QCOMPARE(list.records[1].type, std::string("HardJob"));
        QCOMPARE(list.records[1].elapsedSeconds, 1.25);

        // Reading wrote nothing: the expired member and the one without a hash are still there.
        QCOMPARE(integer({"ZCARD", "profiles"}), 4LL);
        const auto stats = m_client->command(Command::raw({"INFO", "commandstats"})).asString();
        QVERIFY2(stats.find("cmdstat_zremrangebyscore") == std::string::npos, stats.c_str());
        QVERIFY(stats.find("cmdstat_zrevrangebyscore") != std::string::npos);

        // A limit lists the newest and says it is not all.
        const auto one = sidekiq::readProfiles(*m_client, m_now, 1);
        QCOMPARE(one.records.size(), std::size_t(1));
        QCOMPARE(one.records[0].type, std::string("Billing::Invoice"));
        QVERIFY(one.truncated);

        QCOMPARE(*sidekiq::readProfileData(*m_client, newest.key), gzipped(kProfileJson));
        QVERIFY(!sidekiq::readProfileData(*m_client, "tok9-dddddddddddddddddddddddd"));
    }

    void fileNameIsSidekiqsAndSafe()
    {
        sidekiq::ProfileRecord r;
        r.token = "tok2";
        r.type = "Billing::Invoice";
        r.jid = "bbbbbbbbbbbbbbbbbbbbbbbb";
        r.startedAt = 1764806400; // 2025-12-04 00:00:00 UTC
        QCOMPARE(sidekiq::profileFileName(r),
            std::string("tok2-Billing__Invoice-bbbbbbbbbbbbbbbbbbbbbbbb-20251204-000000.json.gz"));
        r.type = "../etc/passwd";
        QVERIFY(sidekiq::profileFileName(r).find('/') == std::string::npos);
    }

    void savesGzipAsStoredAndCompressesAnythingElse()
    {
        QTemporaryDir dir;
        const QString stored = dir.filePath(QStringLiteral("stored.json.gz"));
        const std::string gz = gzipped(kProfileJson);
        QCOMPARE(sidekiq::saveProfile(gz, stored), QString());
        QCOMPARE(fileBytes(stored), QByteArray::fromStdString(gz)); // byte for byte: not compressed twice
        const QString plain = dir.filePath(QStringLiteral("plain.json.gz"));
        QCOMPARE(sidekiq::saveProfile(kProfileJson, plain), QString());
        QCOMPARE(gunzipFile(plain), kProfileJson);
        QVERIFY(!sidekiq::saveProfile(gz, dir.filePath(QStringLiteral("no/such/dir/p.json.gz"))).isEmpty());
    }

    void pageListsAndSavesAProfile()
    {
        QTranslator english;
        QVERIFY(test::installEnglishTranslation(english));
        writeFixture();
        redis::AsyncClient client(test::optionsFor(*m_server));
        ui::ProfilesPage page;
        page.resize(1100, 500);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setClient(&client);
        QTableView* table = page.profileTable();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 10000);
        const auto cell = [&](int row, int column) { return table->model()->index(row, column).data().toString(); };
        QCOMPARE(cell(0, ui::ProfileListModel::JobColumn), QStringLiteral("Billing::Invoice")); // newest first
        QCOMPARE(cell(0, ui::ProfileListModel::ElapsedColumn), QStringLiteral("32.0 ms"));
        QCOMPARE(cell(1, ui::ProfileListModel::ElapsedColumn), QStringLiteral("1.25 s"));
        QCOMPARE(cell(0, ui::ProfileListModel::ExpiresColumn),
            QStringLiteral("23 h 58 min")); // 86,340 s less the seconds since
        auto* status = page.findChild<QWidget*>(QStringLiteral("profilesStatus"));
        QVERIFY(status);
        const QString statusText = status->property("text").toString();
        QVERIFY2(statusText.contains(QStringLiteral("2 profiles, newest first."))
                && statusText.contains(QStringLiteral("1 expired profile not shown")),
            qPrintable(statusText));
        auto* save = page.findChild<QPushButton*>(QStringLiteral("saveProfileButton"));
        QVERIFY(save && save->isEnabled()); // the newest is selected
        page.grab().save(test::testOutputDir() + QStringLiteral("/profiles.png"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.json.gz"));
        QSignalSpy finished(&page, &ui::ProfilesPage::saveFinished);
        page.saveSelectedProfileTo(path);
        QVERIFY(!save->isEnabled()); // one save at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(fileBytes(path), QByteArray::fromStdString(gzipped(kProfileJson)));
        QCOMPARE(gunzipFile(path), kProfileJson);
        auto* saveStatus = page.findChild<QWidget*>(QStringLiteral("profileSaveStatus"));
        QVERIFY(saveStatus && saveStatus->isVisible());
        QVERIFY2(saveStatus->property("text").toString().contains(QStringLiteral("nothing was uploaded")),
            qPrintable(saveStatus->property("text").toString()));

        // Gone from Redis between the list and the save: said so, no file, and the row leaves the list.
        table->selectRow(1);
        run({"DEL", "tok1-aaaaaaaaaaaaaaaaaaaaaaaa"});
        const QString late = dir.filePath(QStringLiteral("late.json.gz"));
        page.saveSelectedProfileTo(late);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QCOMPARE(finished.at(1).at(0).toBool(), false);
        QVERIFY(!QFile::exists(late));
        QVERIFY2(saveStatus->property("text").toString().contains(QStringLiteral("no longer in Redis")),
            qPrintable(saveStatus->property("text").toString()));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        QCOMPARE(integer({"ZCARD", "profiles"}), 4LL); // the page wrote nothing either
        page.setClient(nullptr);
        QVERIFY(!save->isEnabled());
    }
};

QTEST_MAIN(TestProfiles)
#include "tst_profiles.moc"
