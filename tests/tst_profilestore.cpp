// ProfileStore: every connection option survives a save/load round trip, and no password (nor the
// sentinel password, nor the client key's passphrase) ever reaches the settings file; only the "ask
// for it" flags do.
#include "storage/ConnectionProfileStore.h"
#include "storage/ProfileFile.h"
#include "write/AuditTrail.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::storage;
using namespace kiq::deployment;
using kiq::redis::Endpoint;
using kiq::redis::Topology;

namespace {
const std::string kPassword = "Pa55-w0rd-never-on-disk";
const std::string kSentinelPassword = "sentinel-Secret-42";
const std::string kKeyPassphrase = "key-Phrase-never-on-disk";

ConnectionProfile fullProfile()
{
    ConnectionProfile p = ConnectionProfile::create(QStringLiteral("Billing production"));
    p.environment = Environment::Production;
    p.tagColor = QStringLiteral("#aa00ff");
    auto& o = p.options;
    o.topology = Topology::Sentinel;
    o.endpoint = {"10.1.2.3", 6380};
    o.seeds = {{"10.0.0.1", 26379}, {"::1", 26380}};
    o.sentinelMaster = "mymaster";
    o.sentinelUser = "sentinel-admin";
    o.sentinelPassword = kSentinelPassword;
    o.user = "ops";
    o.password = kPassword;
    o.db = 3;
    o.keyPrefix = "billing:";
    o.clientName = "kiqdesk-test";
    o.connectTimeout = std::chrono::milliseconds(1234);
    o.commandTimeout = std::chrono::milliseconds(4321);
    o.reconnectAttempts = 7;
    o.reconnectBaseDelay = std::chrono::milliseconds(55);
    o.tls.enabled = true;
    o.tls.caFile = "/etc/ssl/ca.pem";
    o.tls.caDir = "/etc/ssl/certs";
    o.tls.certFile = "/home/ops/client.pem";
    o.tls.keyFile = "/home/ops/client.key";
    o.tls.keyPassphrase = kKeyPassphrase;
    o.tls.sni = "redis.internal";
    o.tls.verifyPeer = true;
    o.tls.verifyHostname = false;
    return p;
}
} // namespace

class TestProfileStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString settingsPath(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    // A settings file as an older or newer Kiqdesk, or a hand edit, left it; returns its path.
    QString writeSettings(const char* name, const QByteArray& bytes) const
    {
        QFile file(settingsPath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) qFatal("cannot write %s", name);
        return file.fileName();
    }
    // The store's copies of `name` kept aside (name.kept-<time>).
    QStringList keptCopies(const char* name) const
    {
        return QDir(m_dir.path()).entryList({QString::fromLatin1(name) + QStringLiteral(".kept-*")});
    }

private slots:
    void roundTripKeepsEverythingButPasswords()
    {
        const QString path = settingsPath("roundtrip.ini");
        const ConnectionProfile saved = fullProfile();
        ConnectionProfile cluster = ConnectionProfile::create(QStringLiteral("Cluster dev"));
        cluster.options.topology = Topology::Cluster;
        cluster.options.seeds = {{"127.0.0.1", 7000}, {"127.0.0.1", 7001}};
        {
            QSettings settings(path, QSettings::IniFormat);
            ProfileStore store(settings);
            store.save({saved, cluster});
        }
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        const auto loaded = store.load();
        QCOMPARE(loaded.size(), 2);
        const auto& p = loaded[0];
        const auto& o = p.options;
        const auto& want = saved.options;
        QCOMPARE(p.id, saved.id);
        QCOMPARE(p.name, saved.name);
        QCOMPARE(p.environment, Environment::Production);
        QCOMPARE(p.tagColor, saved.tagColor);
        QCOMPARE(o.topology, Topology::Sentinel);
        QVERIFY(o.endpoint == want.endpoint);
        QVERIFY(o.seeds == want.seeds);
        QCOMPARE(o.sentinelMaster, want.sentinelMaster);
        QCOMPARE(o.sentinelUser, want.sentinelUser);
        QCOMPARE(o.user, want.user);
        QCOMPARE(o.db, 3);
        QCOMPARE(o.keyPrefix, want.keyPrefix);
        QCOMPARE(o.clientName, want.clientName);
        QCOMPARE(o.connectTimeout.count(), 1234LL);
        QCOMPARE(o.commandTimeout.count(), 4321LL);
        QCOMPARE(o.reconnectAttempts, 7);
        QCOMPARE(o.reconnectBaseDelay.count(), 55LL);
        QVERIFY(o.tls.enabled);
        QCOMPARE(o.tls.caFile, want.tls.caFile);
        QCOMPARE(o.tls.caDir, want.tls.caDir);
        QCOMPARE(o.tls.certFile, want.tls.certFile);
        QCOMPARE(o.tls.keyFile, want.tls.keyFile);
        QCOMPARE(o.tls.sni, want.tls.sni);
        QVERIFY(o.tls.verifyPeer);
        QVERIFY(!o.tls.verifyHostname);

        // The secrets are gone; the flags say to ask for them.
        QVERIFY(o.password.empty());
        QVERIFY(o.sentinelPassword.empty());
        QVERIFY(o.tls.keyPassphrase.empty());
        QVERIFY(p.passwordRequired);
        QVERIFY(p.sentinelPasswordRequired);
        QVERIFY(p.keyPassphraseRequired);

        QCOMPARE(loaded[1].options.topology, Topology::Cluster);
        QVERIFY(loaded[1].options.seeds == cluster.options.seeds);
        QVERIFY(!loaded[1].passwordRequired);
        QVERIFY(!loaded[1].keyPassphraseRequired);
    }

    void noPasswordOnDisk()
    {
        const QString path = settingsPath("secrets.ini");
        {
            QSettings settings(path, QSettings::IniFormat);
            ProfileStore store(settings);
            store.put(fullProfile());
            ConnectionProfile second = fullProfile();
            second.id = QStringLiteral("second");
            store.put(second); // put() reloads and rewrites: still nothing secret
            settings.sync();
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(bytes.contains("sentinel-admin"), "the file should hold the profile");
        QVERIFY2(!bytes.contains(QByteArray::fromStdString(kPassword)), "the password reached the settings file");
        QVERIFY2(!bytes.contains(QByteArray::fromStdString(kSentinelPassword)),
            "the sentinel password reached the settings file");
        QVERIFY2(
            !bytes.contains(QByteArray::fromStdString(kKeyPassphrase)), "the key passphrase reached the settings file");
        QVERIFY(!bytes.toLower().contains("password="));
        QVERIFY(!bytes.toLower().contains("passphrase="));
    }

    void putReplacesAndRemoveDeletes()
    {
        const QString path = settingsPath("edit.ini");
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        ConnectionProfile a = ConnectionProfile::create(QStringLiteral("A"));
        ConnectionProfile b = ConnectionProfile::create(QStringLiteral("B"));
        ConnectionProfile c = ConnectionProfile::create(QStringLiteral("C"));
        store.put(a);
        store.put(b);
        store.put(c);
        b.name = QStringLiteral("B renamed");
        store.put(b);
        auto loaded = store.load();
        QCOMPARE(loaded.size(), 3);
        QCOMPARE(loaded[1].name, QStringLiteral("B renamed"));

        store.remove(a.id);
        loaded = store.load();
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(loaded[0].id, b.id);
        QCOMPARE(loaded[1].id, c.id);
        store.save({});
        QCOMPARE(store.load().size(), 0);
    }

    // Files saved before profiles had a read-only mark: production opens read-only, the rest as before.
    void oldFilesLoadWithReadOnlyDefaults()
    {
        const QString path = writeSettings("old.ini",
            "[profiles]\n"
            "1\\id=1111\n1\\name=Billing\n1\\environment=production\n1\\host=10.0.0.5\n1\\port=6379\n"
            "2\\id=2222\n2\\name=Shared\n2\\environment=staging\n"
            "3\\id=3333\n3\\name=Laptop\n3\\environment=development\n"
            "size=3\n");
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        auto loaded = store.load();
        QCOMPARE(loaded.size(), 3);
        QCOMPARE(loaded[0].options.endpoint.host, std::string("10.0.0.5"));
        QVERIFY(loaded[0].opensReadOnly());
        QVERIFY(!loaded[1].opensReadOnly());
        QVERIFY(!loaded[2].opensReadOnly());
        for (const auto& p : loaded) QCOMPARE(p.armMinutes, 15);

        // The mark and the arming minutes are saved; a zero read back would make arming impossible.
        loaded[1].readOnly = true;
        loaded[1].armMinutes = 5;
        store.save(loaded);
        const auto again = store.load();
        QVERIFY(again[1].opensReadOnly());
        QCOMPARE(again[1].armMinutes, 5);
        QVERIFY(!again[2].opensReadOnly());
        settings.setValue(QStringLiteral("profiles/2/armMinutes"), 0);
        QCOMPARE(store.load()[1].armMinutes, 1);
        // Redaction was added later too: old files get the defaults, on.
        for (const auto& p : loaded) QVERIFY(p.redaction == kiq::redaction::RedactionRules {});
    }

    // The profiles file: every field travels, secrets never (nor their base64/hex forms), the sources do.
    void profilesFileRoundTripWithoutSecrets()
    {
        auto full = fullProfile();
        full.source(kiq::credentials::Secret::Password)
            = {kiq::credentials::SourceKind::Helper, {"vault", "read", "-field=password", "secret/redis"}};
        full.source(kiq::credentials::Secret::KeyPassphrase) = {kiq::credentials::SourceKind::Keychain, {}};
        full.health = kiq::health::HealthThresholds::fromJson(QStringLiteral(R"({"dead_per_min_warn":9})"));
        full.auditMaxLen = 5000;
        auto laptop = ConnectionProfile::create(QStringLiteral("Laptop"));
        const QByteArray bytes = kiq::storage::writeProfilesFile({full, laptop});
        for (const std::string& secret : {kPassword, kSentinelPassword, kKeyPassphrase}) {
            const QByteArray raw = QByteArray::fromStdString(secret);
            QVERIFY2(!bytes.contains(raw), secret.c_str());
            QVERIFY(!bytes.contains(raw.toBase64()));
            QVERIFY(!bytes.contains(raw.toHex()));
        }
        QVERIFY2(bytes.contains("\"kiqdesk_profiles\": 1"), bytes.constData());
        QVERIFY2(bytes.contains("secret/redis"), bytes.constData()); // the helper's argv is the source
        QVERIFY2(bytes.contains("\"dead_per_min_warn\": 9"), bytes.constData()); // an object, not a string

        const auto read = kiq::storage::readProfilesFile(bytes);
        QVERIFY2(read.error.isEmpty(), qPrintable(read.error));
        QCOMPARE(read.profiles.size(), 2);
        QCOMPARE(profileToMap(read.profiles[0]), profileToMap(full));
        QCOMPARE(profileToMap(read.profiles[1]), profileToMap(laptop));
        QVERIFY(read.profiles[0].options.password.empty());
        QCOMPARE(read.profiles[0].auditMaxLen, 5000LL);
    }

    void profilesFileRefusesWhatItCannotRead()
    {
        auto error = [](const QByteArray& bytes) { return kiq::storage::readProfilesFile(bytes).error; };
        QVERIFY2(error("{not json").startsWith(QStringLiteral("not a JSON file")), qPrintable(error("{not json")));
        QVERIFY(error(R"({"profiles": []})").startsWith(QStringLiteral("not a Kiqdesk profiles file")));
        const QString newer = error(R"({"kiqdesk_profiles": 2, "profiles": [{"id": "a", "name": "A"}]})");
        QVERIFY2(newer.contains(QStringLiteral("newer Kiqdesk")) && newer.contains(QStringLiteral("version 2")),
            qPrintable(newer));
        QVERIFY(kiq::storage::readProfilesFile(R"({"kiqdesk_profiles": 2, "profiles": [{"id": "a", "name": "A"}]})")
                    .profiles.isEmpty());
        QCOMPARE(error(R"({"kiqdesk_profiles": 1, "profiles": [{"id": "a", "name": "A"}, {"name": "B"}]})"),
            QStringLiteral("profile 2 in the file has no id or no name"));
        QVERIFY(error(R"({"kiqdesk_profiles": 1, "profiles": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]})")
                    .contains(QStringLiteral("appears twice")));
        // Fields a file leaves out take the defaults; unknown ones are ignored.
        const auto sparse = kiq::storage::readProfilesFile(
            R"({"kiqdesk_profiles": 1, "profiles": [{"id": "a", "name": "A", "future": {"x": 1}, "password": "p"}]})");
        QVERIFY(sparse.error.isEmpty());
        QCOMPARE(sparse.profiles[0].options.endpoint.port, 6379);
        QVERIFY(sparse.profiles[0].options.password.empty());
    }

    // Import matches by id: what it adds, what it replaces (with the fields), what it leaves; merging keeps
    // the saved order and appends the new ones.
    void importChangesAndMergeById()
    {
        auto a = ConnectionProfile::create(QStringLiteral("A"));
        auto b = ConnectionProfile::create(QStringLiteral("B"));
        auto c = ConnectionProfile::create(QStringLiteral("C"));
        auto a2 = a;
        a2.options.endpoint = {"10.9.9.9", 6390};
        const auto changes = kiq::storage::importChanges({a, b}, {a2, c, b});
        QCOMPARE(changes.size(), 3);
        QVERIFY(changes[0].kind == kiq::storage::ProfileChange::Kind::Changed);
        QCOMPARE(changes[0].fields, QStringList({"host", "port"}));
        QVERIFY(changes[1].kind == kiq::storage::ProfileChange::Kind::Added);
        QVERIFY(changes[2].kind == kiq::storage::ProfileChange::Kind::Unchanged);
        const auto merged = kiq::storage::mergeById({a, b}, {a2, c, b});
        QCOMPARE(merged.size(), 3);
        QCOMPARE(merged[0].options.endpoint.host, std::string("10.9.9.9"));
        QCOMPARE(merged[1].name, QStringLiteral("B"));
        QCOMPARE(merged[2].name, QStringLiteral("C"));
    }

    // A store written by a newer Kiqdesk is copied aside byte for byte, never overwritten or emptied in
    // place; this version starts without it, says where it is, and saves afresh.
    void newerStoreIsKeptAside()
    {
        const QByteArray original = "[General]\nprofilesVersion=7\nview\\theme=dark\n\n[profiles]\n1\\id=1111\n"
                                    "1\\name=Billing\n1\\futureField=xyz\nsize=1\n";
        const QString path = writeSettings("newer.ini", original);
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        QVERIFY(store.load().isEmpty());
        QVERIFY2(store.problem().contains(QStringLiteral("newer Kiqdesk (format 7")), qPrintable(store.problem()));
        const QStringList kept = keptCopies("newer.ini");
        QCOMPARE(kept.size(), 1);
        QVERIFY2(store.problem().contains(kept.front()), qPrintable(store.problem()));
        QFile keptFile(m_dir.filePath(kept.front()));
        QVERIFY(keptFile.open(QIODevice::ReadOnly));
        QCOMPARE(keptFile.readAll(), original);
        QCOMPARE(settings.value(QStringLiteral("view/theme")).toString(), QStringLiteral("dark")); // the rest stays

        store.put(ConnectionProfile::create(QStringLiteral("Fresh")));
        QCOMPARE(store.load().size(), 1);
        QCOMPARE(settings.value(QStringLiteral("profilesVersion")).toInt(), ProfileStore::kFormatVersion);
        // A second start reads the fresh store as it is.
        QSettings again(path, QSettings::IniFormat);
        ProfileStore reopened(again);
        QVERIFY(reopened.problem().isEmpty());
        QCOMPARE(reopened.load().front().name, QStringLiteral("Fresh"));
    }

    // A file that does not parse is kept aside the same way, with a message that says so.
    void unreadableStoreIsKeptAside()
    {
        const QByteArray original = "[profiles\n1\\id=1111\n1\\name=Billing\nsize=1\n";
        const QString path = writeSettings("broken.ini", original);
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        QVERIFY(store.load().isEmpty());
        QVERIFY2(store.problem().contains(QStringLiteral("could not be read")), qPrintable(store.problem()));
        const QStringList kept = keptCopies("broken.ini");
        QCOMPARE(kept.size(), 1);
        QFile keptFile(m_dir.filePath(kept.front()));
        QVERIFY(keptFile.open(QIODevice::ReadOnly));
        QCOMPARE(keptFile.readAll(), original);
    }

    // Files from before the version existed (no profilesVersion) read as they are and gain it on save.
    void unversionedStoreMigratesForward()
    {
        const QString path
            = writeSettings("v0.ini", "[profiles]\n1\\id=1111\n1\\name=Billing\n1\\host=10.0.0.5\nsize=1\n");
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        QVERIFY(store.problem().isEmpty());
        auto loaded = store.load();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded[0].options.endpoint.host, std::string("10.0.0.5"));
        store.save(loaded);
        QCOMPARE(settings.value(QStringLiteral("profilesVersion")).toInt(), ProfileStore::kFormatVersion);
        QCOMPARE(store.load()[0].options.endpoint.host, std::string("10.0.0.5"));
        QVERIFY(keptCopies("v0.ini").isEmpty());
    }

    // The audit stream's cap: old files keep the trail's default; a saved cap comes back; a hand-edited
    // tiny or garbage one is raised to the minimum, so the trail never forgets what was just written.
    void auditCapRoundTrips()
    {
        const QString path
            = writeSettings("cap.ini", "[profiles]\n1\\id=1111\n1\\name=Billing\n1\\environment=production\nsize=1\n");
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        auto loaded = store.load();
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded[0].auditMaxLen, kiq::write::AuditTrail::kDefaultMaxLen);
        loaded[0].auditMaxLen = 2'500'000;
        store.save(loaded);
        QCOMPARE(store.load()[0].auditMaxLen, 2'500'000LL);
        settings.setValue(QStringLiteral("profiles/1/auditMaxLen"), 3);
        QCOMPARE(store.load()[0].auditMaxLen, ConnectionProfile::kMinAuditMaxLen);
        settings.setValue(QStringLiteral("profiles/1/auditMaxLen"), QStringLiteral("lots"));
        QCOMPARE(store.load()[0].auditMaxLen, ConnectionProfile::kMinAuditMaxLen);
    }

    // The load budget: old files load with the environment's default; a saved share and call length
    // come back; hand-edited nonsense falls back to the default rather than to something surprising.
    void loadBudgetRoundTrips()
    {
        const QString path
            = writeSettings("load.ini", "[profiles]\n1\\id=1111\n1\\name=Billing\n1\\environment=production\nsize=1\n");
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        auto loaded = store.load();
        QCOMPARE(loaded[0].loadSharePercent, 0);
        QCOMPARE(loaded[0].loadBudget().share, 0.25);
        loaded[0].loadSharePercent = 10;
        loaded[0].loadCallMs = 2.5;
        store.save(loaded);
        QCOMPARE(store.load()[0].loadBudget().share, 0.1);
        QCOMPARE(store.load()[0].loadBudget().callMs, 2.5);
        loaded[0].loadSharePercent = ConnectionProfile::kUnlimitedLoad;
        store.save(loaded);
        QVERIFY(store.load()[0].loadBudget().unlimited);
        settings.setValue(QStringLiteral("profiles/1/load/sharePercent"), 400);
        settings.setValue(QStringLiteral("profiles/1/load/callMs"), 0);
        QCOMPARE(store.load()[0].loadBudget().share, 0.25);
        QCOMPARE(store.load()[0].loadBudget().callMs, kiq::redis::LoadBudget::kMinCallMs);
    }

    void redactionRulesRoundTrip()
    {
        const QString path = settingsPath("redaction.ini");
        ConnectionProfile p = ConnectionProfile::create(QStringLiteral("Payments"));
        p.redaction.keys = {"password", "iban"};
        p.redaction.paths = {"args[1]", "args[*].card"};
        p.redaction.emails = true;
        p.redaction.valuePatterns = false;
        ConnectionProfile off = ConnectionProfile::create(QStringLiteral("Laptop"));
        off.redaction = kiq::redaction::RedactionRules::none();
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        store.save({p, off});
        const auto loaded = store.load();
        QVERIFY(loaded[0].redaction == p.redaction);
        QVERIFY(!loaded[1].redaction.enabled);
    }

    void healthThresholdsRoundTrip()
    {
        const QString path = settingsPath("health.ini");
        ConnectionProfile p = ConnectionProfile::create(QStringLiteral("Billing"));
        p.health.latencyWarnSeconds = 30;
        p.health.memoryWarnPercent = 70;
        p.health.queues["mailers"].latencyWarnSeconds = 600;
        p.health.queues["parked"].expectUnwatched = true;
        ConnectionProfile plain = ConnectionProfile::create(QStringLiteral("Laptop"));
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        store.save({p, plain});
        const auto loaded = store.load();
        QVERIFY(loaded[0].health == p.health);
        QCOMPARE(loaded[0].health.latencyWarnFor("mailers"), 600.0);
        QCOMPARE(loaded[0].health.latencyWarnFor("default"), 30.0);
        QCOMPARE(loaded[0].health.latencyCriticalFor("mailers"), 300.0); // the default, not overridden
        QVERIFY(loaded[0].health.expectsUnwatched("parked"));
        QVERIFY(loaded[1].health == kiq::health::HealthThresholds {});
        // Only overrides are written, so a later change of a default reaches profiles that never set it.
        QVERIFY(!settings.value(QStringLiteral("profiles/1/health")).toString().contains("memory_critical_pct"));
        QVERIFY(settings.value(QStringLiteral("profiles/2/health")).toString().isEmpty());
    }

    // Each secret's source is kept (a helper's argv as a list, one argument with spaces intact); older
    // files without it load as "ask".
    void secretSourcesRoundTrip()
    {
        const QString path = settingsPath("sources.ini");
        ConnectionProfile p = ConnectionProfile::create(QStringLiteral("Vault"));
        p.passwordSource = {kiq::credentials::SourceKind::Helper, {"vault", "read", "-field=password", "secret/a b"}};
        p.keyPassphraseSource.kind = kiq::credentials::SourceKind::Keychain;
        ConnectionProfile plain = ConnectionProfile::create(QStringLiteral("Plain"));
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        store.save({p, plain});
        const auto loaded = store.load();
        QVERIFY(loaded[0].passwordSource == p.passwordSource);
        QCOMPARE(loaded[0].keyPassphraseSource.kind, kiq::credentials::SourceKind::Keychain);
        QCOMPARE(loaded[0].sentinelPasswordSource.kind, kiq::credentials::SourceKind::Ask);
        QVERIFY(loaded[0].needs(kiq::credentials::Secret::Password)); // a helper source needs its secret
        QVERIFY(!loaded[1].needs(kiq::credentials::Secret::Password));
        QVERIFY(loaded[1].passwordSource == kiq::credentials::SecretSource {});
        QCOMPARE(kiq::credentials::describe(loaded[0].passwordSource),
            QStringLiteral("helper: vault read -field=password \"secret/a b\""));
    }

    // The alerts' webhook: the flag and its URL's source are kept, the URL (a chat tool's token) never;
    // off, it is not needed whatever its source says.
    void webhookKeepsItsSourceNotItsUrl()
    {
        const QString path = settingsPath("webhook.ini");
        ConnectionProfile p = ConnectionProfile::create(QStringLiteral("Chat"));
        p.webhook = true;
        p.webhookSource.kind = kiq::credentials::SourceKind::Keychain;
        p.webhookUrl = "https://hooks.example.com/services/T000/B000/tok3n-XYZ";
        ConnectionProfile off = ConnectionProfile::create(QStringLiteral("Quiet"));
        off.webhookSource.kind = kiq::credentials::SourceKind::Keychain;
        {
            QSettings settings(path, QSettings::IniFormat);
            ProfileStore store(settings);
            store.save({p, off});
            const auto loaded = store.load();
            QVERIFY(loaded[0].webhook);
            QCOMPARE(loaded[0].webhookSource.kind, kiq::credentials::SourceKind::Keychain);
            QVERIFY(loaded[0].webhookUrl.empty());
            QVERIFY(loaded[0].needs(kiq::credentials::Secret::WebhookUrl));
            QVERIFY(!loaded[1].webhook);
            QVERIFY(!loaded[1].needs(kiq::credentials::Secret::WebhookUrl));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray saved = file.readAll();
        QVERIFY(!saved.contains("tok3n") && !saved.contains("hooks.example.com"));
        QVERIFY(saved.contains("webhookUrl"));
    }

    void unknownEnvironmentBecomesOther()
    {
        QCOMPARE(environmentFromKey(QStringLiteral("qa")), Environment::Other);
        for (auto e : {Environment::Development, Environment::Staging, Environment::Production, Environment::Other})
            QCOMPARE(environmentFromKey(environmentKey(e)), e);
        ConnectionProfile p;
        p.environment = Environment::Production;
        QCOMPARE(p.effectiveTagColor(), defaultTagColor(Environment::Production));
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
