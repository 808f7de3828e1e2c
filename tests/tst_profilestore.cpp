// ProfileStore: every connection option survives a save/load round trip, and no password (nor the
// sentinel password, nor the client key's passphrase) ever reaches the settings file; only the "ask
// for it" flags do.
#include "storage/ConnectionProfileStore.h"

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
        const QString path = settingsPath("old.ini");
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("[profiles]\n"
                       "1\\id=1111\n1\\name=Billing\n1\\environment=production\n1\\host=10.0.0.5\n1\\port=6379\n"
                       "2\\id=2222\n2\\name=Shared\n2\\environment=staging\n"
                       "3\\id=3333\n3\\name=Laptop\n3\\environment=development\n"
                       "size=3\n");
        }
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
