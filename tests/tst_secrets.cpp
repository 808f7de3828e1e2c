// A profile's secrets from their three sources (credentials/): the OS keychain (a real Secret Service:
// gnome-keyring on a private session bus, see with-secret-service.sh), a credential helper (real
// scripts, a real Redis whose ACL user the test rotates), and asking. Then the disk: no secret, nor its
// base64 or hex form, in any file under the config and data directories.
#include "credentials/CredentialHelper.h"
#include "credentials/HelperSession.h"
#include "credentials/Keychain.h"
#include "credentials/SecretResolver.h"
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/AsyncClient.h"
#include "storage/ConnectionProfileStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::test;
using namespace kiq::credentials;
using kiq::deployment::ConnectionProfile;

class TestSecrets : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir; // scripts and their files
    QTemporaryDir m_config; // the app's XDG_CONFIG_HOME
    QTemporaryDir m_data; // the app's XDG_DATA_HOME
    std::unique_ptr<RedisServer> m_server;

    QString script(const QString& name, const QString& body)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
        f.write(QByteArray("#!/bin/sh\n") + body.toUtf8() + '\n');
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }
    void writeFile(const QString& name, const QByteArray& text)
    {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }
    int lines(const QString& name) const
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) return 0;
        return int(f.readAll().count('\n'));
    }
    static QByteArray tokenJson(const QString& user, const QString& password, qint64 expiresAt)
    {
        return QStringLiteral("{\"username\": \"%1\", \"password\": \"%2\", \"expires_at\": %3}\n")
            .arg(user, password)
            .arg(expiresAt)
            .toUtf8();
    }
    ConnectionProfile profileHere(const QString& name)
    {
        auto p = ConnectionProfile::create(name);
        p.options.endpoint = {"127.0.0.1", m_server->port()};
        return p;
    }
    // The ACL user `user` with password `password` (and every command), replacing its passwords.
    void setUser(const QString& user, const QString& password)
    {
        QCOMPARE(m_server->cli({"ACL", "SETUSER", user, "on", "resetpass", ">" + password, "~*", "&*", "+@all"}),
            QStringLiteral("OK"));
    }
    template <typename T> static T runOn(kiq::redis::AsyncClient& client, std::function<T(kiq::redis::Client&)> work)
    {
        std::optional<kiq::redis::Result<T>> out;
        QObject context;
        client.run<T>(std::move(work), &context, [&](kiq::redis::Result<T> r) { out = std::move(r); });
        if (!waitUntil([&] { return out.has_value(); }, 10000)) throw std::runtime_error("no reply");
        if (!out->ok()) throw std::runtime_error(out->error->message);
        return *out->value;
    }
    static long long clientId(kiq::redis::AsyncClient& client)
    {
        return runOn<long long>(
            client, [](kiq::redis::Client& c) { return c.command(kiq::redis::Command("CLIENT").arg("ID")).integer; });
    }
    static std::string whoami(kiq::redis::AsyncClient& client)
    {
        return runOn<std::string>(
            client, [](kiq::redis::Client& c) { return c.command(kiq::redis::Command("ACL").arg("WHOAMI")).str; });
    }

private slots:
    void initTestCase()
    {
        // Run by ctest through with-secret-service.sh; without its bus the keychain tests cannot mean anything.
        QVERIFY2(!qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").isEmpty()
                || qEnvironmentVariableIsSet("KIQ_NO_KEYCHAIN_CHILD"),
            "run through tests/with-secret-service.sh (a private session bus with gnome-keyring)");
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        qputenv("XDG_DATA_HOME", m_data.path().toUtf8());
        qputenv("REDISCLI_AUTH", "");
        if (qEnvironmentVariableIsSet("KIQ_NO_KEYCHAIN_CHILD")) return;
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
    }

    void helperOutputForms()
    {
        QCOMPARE(parseHelperOutput("s3cret\n").secret, std::string("s3cret"));
        QCOMPARE(parseHelperOutput("with trailing space \n").secret, std::string("with trailing space "));
        const auto c = parseHelperOutput(tokenJson("vault-u1", "tok", 1900000000));
        QCOMPARE(c.secret, std::string("tok"));
        QCOMPARE(c.username, std::string("vault-u1"));
        QVERIFY(c.expiresAt);
        QCOMPARE(std::chrono::duration_cast<std::chrono::seconds>(c.expiresAt->time_since_epoch()).count(), 1900000000);
        QVERIFY_THROWS_EXCEPTION(CredentialError, parseHelperOutput("\n"));
        QVERIFY_THROWS_EXCEPTION(CredentialError, parseHelperOutput("{\"username\": \"x\"}"));
        QVERIFY_THROWS_EXCEPTION(CredentialError, parseHelperOutput("{\"password\": \"x\", \"expires_at\": \"soon\"}"));
        try {
            parseHelperOutput("{\"password\": \"leaky-secret\",");
            QFAIL("bad JSON accepted");
        } catch (const CredentialError& e) {
            QVERIFY2(!QByteArray(e.what()).contains("leaky-secret"), e.what()); // the output is never quoted
        }
        using namespace std::chrono;
        const auto now = system_clock::now();
        QCOMPARE(refreshDelay(now + minutes(15), now), milliseconds(minutes(12))); // a fifth left
        QCOMPARE(refreshDelay(now + minutes(2), now), milliseconds(minutes(1))); // 60 s left
        QCOMPARE(refreshDelay(now + seconds(10), now), milliseconds(5000)); // at half a short life
        QCOMPARE(refreshDelay(now - seconds(10), now), milliseconds(1000)); // expired: soon, not in a loop
    }

    void helperRunsArgvWithoutShellOrOurEnvironment()
    {
        qputenv("KIQ_TEST_LEAK", "inherited-secret");
        const QString envFile = m_dir.filePath("env.txt");
        const QString helper = script("env-helper", "env > \"$1\"; printf '%s\\n' \"$2\"");
        const auto c = runCredentialHelper({helper, envFile, "a b; echo $HOME `id`"});
        qunsetenv("KIQ_TEST_LEAK");
        QCOMPARE(c.secret, std::string("a b; echo $HOME `id`")); // one argument, as given, no shell
        QFile f(envFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray env = f.readAll();
        QVERIFY2(!env.contains("inherited-secret"), env.constData());
        QVERIFY2(env.contains("PATH="), env.constData());
    }

    void helperFailuresSayWhyWithoutTheSecret()
    {
        const QString echoing = script("echoing", "echo tok-abcdef123; echo \"denied for tok-abcdef123\" >&2; exit 3");
        try {
            runCredentialHelper({echoing});
            QFAIL("a failed helper gave a secret");
        } catch (const CredentialError& e) {
            const QByteArray what(e.what());
            QVERIFY2(what.contains("exit status 3") && what.contains("denied for [hidden]"), e.what());
            QVERIFY2(!what.contains("tok-abcdef123"), e.what());
        }
        const QString slow = script("slow", "sleep 20; echo late");
        QElapsedTimer clock;
        clock.start();
        QVERIFY_THROWS_EXCEPTION(CredentialError, runCredentialHelper({slow}, {std::chrono::milliseconds(500)}));
        QVERIFY(clock.elapsed() < 5000);
        const QString chatty = script("chatty", "head -c 200000 /dev/zero | tr '\\0' x");
        QVERIFY_THROWS_EXCEPTION(CredentialError, runCredentialHelper({chatty}));
        QVERIFY_THROWS_EXCEPTION(CredentialError, runCredentialHelper({m_dir.filePath("no-such-helper")}));
    }

    void keychainRoundTrip()
    {
        const QString id = QStringLiteral("round-trip-profile");
        auto r = keychain::readBlocking(id, Secret::Password);
        QCOMPARE(int(r.status), int(KeychainResult::Status::NotFound));
        r = keychain::writeBlocking(id, Secret::Password, "kc-pass-7Qe9");
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(keychain::writeBlocking(id, Secret::KeyPassphrase, "kc-phrase-2Wx4").ok());
        r = keychain::readBlocking(id, Secret::Password);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.secret, std::string("kc-pass-7Qe9"));
        QCOMPARE(keychain::readBlocking(id, Secret::KeyPassphrase).secret, std::string("kc-phrase-2Wx4"));
        QVERIFY(keychain::removeBlocking(id, Secret::Password).ok());
        QCOMPARE(int(keychain::readBlocking(id, Secret::Password).status), int(KeychainResult::Status::NotFound));
        QVERIFY(keychain::removeBlocking(id, Secret::KeyPassphrase).ok());
    }

    // No Secret Service on the bus (a child of this test, on a bus address where nothing listens): the
    // resolution says so and asks; nothing is stored anywhere else.
    void noKeychainReachableAsks()
    {
        if (!qEnvironmentVariableIsSet("KIQ_NO_KEYCHAIN_CHILD")) {
            const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
            qputenv("KIQ_NO_KEYCHAIN_CHILD", "1");
            qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_dir.filePath("no-bus").toUtf8());
            const auto child = runProcess(QCoreApplication::applicationFilePath(), {"noKeychainReachableAsks"}, 60000);
            qunsetenv("KIQ_NO_KEYCHAIN_CHILD");
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
            QVERIFY2(child.exitCode == 0, qPrintable(child.out + child.err));
            QVERIFY2(child.out.contains("PASS   : TestSecrets::noKeychainReachableAsks"), qPrintable(child.out));
            return;
        }
        auto p = ConnectionProfile::create("No keychain");
        p.passwordSource.kind = SourceKind::Keychain;
        const auto r = resolveSecretsBlocking(p);
        QVERIFY(!r.error);
        QCOMPARE(r.toAsk.size(), std::size_t(1));
        QCOMPARE(int(r.toAsk.front()), int(Secret::Password));
        QVERIFY(r.keychainMisses.empty()); // nothing to store it in
        QCOMPARE(r.notes.size(), 1);
        QVERIFY2(r.notes.front().startsWith("No keychain is reachable"), qPrintable(r.notes.front()));
        QVERIFY2(r.notes.front().contains("asking for the password instead"), qPrintable(r.notes.front()));
        QVERIFY(r.profile.options.password.empty());
        QDirIterator it(m_config.path(), QDir::Files, QDirIterator::Subdirectories);
        QVERIFY2(!it.hasNext(), "no fallback file may appear");
    }

    // A vault-style helper: JSON with a username and a short expires_at. The test rotates the ACL user
    // (a new user, the old one deleted, which kills its connections); the live connection is
    // re-authenticated before expiry and keeps its CLIENT ID.
    void helperRefreshReauthenticatesLiveConnection()
    {
        setUser("vault-a", "tok-A-4f1c");
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        writeFile("token.json", tokenJson("vault-a", "tok-A-4f1c", now + 4));
        writeFile("runs-refresh", "");
        const QString helper = script("vault-helper", "echo run >> \"$2\"; cat \"$1\"");
        auto p = profileHere("Vault");
        p.passwordSource = {SourceKind::Helper, {helper, m_dir.filePath("token.json"), m_dir.filePath("runs-refresh")}};

        const auto r = resolveSecretsBlocking(p);
        QVERIFY(r.ready());
        QCOMPARE(r.profile.options.user, std::string("vault-a"));
        QVERIFY(r.expiresAt);
        kiq::redis::AsyncClient client(r.profile.options);
        const long long id = clientId(client);
        QCOMPARE(whoami(client), std::string("vault-a"));

        // Vault issues the next user before the first expires.
        setUser("vault-b", "tok-B-9d2e");
        writeFile("token.json", tokenJson("vault-b", "tok-B-9d2e", now + 600));
        HelperSession session(r.profile, &client);
        int renewed = 0;
        QString failure;
        connect(&session, &HelperSession::renewed, this, [&] { ++renewed; });
        connect(&session, &HelperSession::failed, this, [&](const QString& m) { failure = m; });
        session.schedule(r.expiresAt);
        QVERIFY(waitUntil([&] { return renewed > 0 || !failure.isEmpty(); }, 10000));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(lines("runs-refresh"), 2);
        QCOMPARE(m_server->cli({"ACL", "DELUSER", "vault-a"}), QStringLiteral("1"));
        QCOMPARE(whoami(client), std::string("vault-b"));
        QCOMPARE(clientId(client), id); // the same connection, never dropped
        QCOMPARE(client.options().user, std::string("vault-b")); // what a job index feed's client copies
        QVERIFY(
            session.expiresAt() && *session.expiresAt() > std::chrono::system_clock::now() + std::chrono::minutes(5));
    }

    // A helper that still prints the old password: WRONGPASS, the helper runs once more (now with the
    // rotated one) and the client recovers; with a helper that never learns, one retry only.
    void wrongPassRerunsHelperOnce()
    {
        setUser("rotated", "fresh-5b7a");
        writeFile("runs-wrongpass", "");
        const QString helper = script("stale-then-fresh",
            "echo run >> \"$1\"; if [ \"$(wc -l < \"$1\")\" -le 1 ]; then echo stale-1111; else echo fresh-5b7a; fi");
        auto p = profileHere("Rotated");
        p.options.user = "rotated";
        p.passwordSource = {SourceKind::Helper, {helper, m_dir.filePath("runs-wrongpass")}};
        const auto r = resolveSecretsBlocking(p);
        QVERIFY(r.ready());
        kiq::redis::AsyncClient client(r.profile.options);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, clientId(client)); // WRONGPASS
        HelperSession session(r.profile, &client);
        int renewed = 0, failed = 0;
        connect(&session, &HelperSession::renewed, this, [&] { ++renewed; });
        connect(&session, &HelperSession::failed, this, [&] { ++failed; });
        QVERIFY(session.retryAfterWrongPass());
        QVERIFY(waitUntil([&] { return renewed + failed > 0; }, 10000));
        QCOMPARE(renewed, 1);
        QCOMPARE(lines("runs-wrongpass"), 2);
        QCOMPARE(whoami(client), std::string("rotated"));

        // Never right: one re-run, then the refusal is reported, not retried in a loop.
        const QString wrong = script("always-wrong", "echo run >> \"$1\"; echo nope-0000");
        writeFile("runs-wrong", "");
        p.passwordSource = {SourceKind::Helper, {wrong, m_dir.filePath("runs-wrong")}};
        const auto w = resolveSecretsBlocking(p);
        kiq::redis::AsyncClient refused(w.profile.options);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, clientId(refused));
        HelperSession again(w.profile, &refused);
        QString message;
        connect(&again, &HelperSession::failed, this, [&](const QString& m) { message = m; });
        QVERIFY(again.retryAfterWrongPass());
        QVERIFY(waitUntil([&] { return !message.isEmpty(); }, 10000));
        QVERIFY2(message.contains("WRONGPASS"), qPrintable(message));
        QVERIFY2(!message.contains("nope-0000"), qPrintable(message));
        QVERIFY(!again.retryAfterWrongPass());
        QCOMPARE(lines("runs-wrong"), 2);
    }

    // The webhook URL's helper failing costs the alerts' webhook, not the connection: the password's
    // helper still gives it, the URL stays empty and the failure says why without what it printed.
    void failingWebhookHelperLeavesTheConnection()
    {
        auto p = ConnectionProfile::create("Webhook helper fails");
        p.passwordSource = {SourceKind::Helper, {script("pw-helper", "echo pw-5e1f")}};
        p.webhook = true;
        p.webhookSource = {SourceKind::Helper, {script("hook-broken", "echo https://hooks.example/T0K3N-91; exit 4")}};
        const auto r = resolveSecretsBlocking(p);
        QVERIFY2(r.ready(), r.error ? r.error->c_str() : "asks");
        QCOMPARE(r.profile.options.password, std::string("pw-5e1f"));
        QVERIFY(r.profile.webhookUrl.empty());
        QVERIFY(r.webhookError);
        QVERIFY2(r.webhookError->find("webhook") != std::string::npos, r.webhookError->c_str());
        QVERIFY2(r.webhookError->find("exit status 4") != std::string::npos, r.webhookError->c_str());
        QVERIFY2(r.webhookError->find("T0K3N-91") == std::string::npos, r.webhookError->c_str());
    }

    // The CLI with --profile and a helper profile: the helper's first answer is stale, WRONGPASS, one re-run.
    void cliProfileWithHelper()
    {
        setUser("cli-user", "cli-fresh-8c3d");
        writeFile("runs-cli", "");
        const QString helper = script("cli-helper",
            "echo run >> \"$1\"; if [ \"$(wc -l < \"$1\")\" -le 1 ]; then echo cli-stale-0000; else printf "
            "'{\"username\": \"cli-user\", \"password\": \"cli-fresh-8c3d\"}'; fi");
        auto p = profileHere("Helper CLI");
        p.options.user = "cli-user";
        p.passwordSource = {SourceKind::Helper, {helper, m_dir.filePath("runs-cli")}};
        // The CLI posts no alerts: the webhook URL's helper is never run (so its failure is no matter).
        writeFile("runs-hook", "");
        p.webhook = true;
        p.webhookSource
            = {SourceKind::Helper, {script("cli-hook", "echo run >> \"$1\"; exit 5"), m_dir.filePath("runs-hook")}};
        QSettings settings(m_config.filePath("Kiqdesk/kiqdesk.conf"), QSettings::IniFormat);
        kiq::storage::ProfileStore(settings).save({p});
        const auto r = runProcess(qEnvironmentVariable("KIQDESK_CLI"), {"--profile", "Helper CLI", "--json", "stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("\"enqueued\""), qPrintable(r.out));
        QCOMPARE(lines("runs-cli"), 2);
        QCOMPARE(lines("runs-hook"), 0);
        QVERIFY(!r.err.contains("cli-fresh-8c3d") && !r.out.contains("cli-fresh-8c3d"));

        // A helper that fails: exit status "unreachable", its stderr shown, the secret it echoed hidden.
        p.passwordSource.helper
            = QStringList {script("cli-broken", "echo cli-leak-7777; echo cli-leak-7777 >&2; exit 9")};
        kiq::storage::ProfileStore(settings).save({p});
        const auto broken = runProcess(qEnvironmentVariable("KIQDESK_CLI"), {"--profile", "Helper CLI", "stats"});
        QCOMPARE(broken.exitCode, 2);
        QVERIFY2(broken.err.contains("exit status 9"), qPrintable(broken.err));
        QVERIFY2(!broken.err.contains("cli-leak-7777"), qPrintable(broken.err));
    }

    // Profiles of all three kinds saved and connected (the CLI writes through one of them, so the
    // audit trail and undo journal exist): no secret in any file under the config and data directories.
    void noSecretOnDisk()
    {
        const std::string askSecret = "ask-9F3kQ2xLm", keychainSecret = "kc-7Hd2pW5nB", helperSecret = "hp-4Tz8cR1vY";
        setUser("ask-user", QString::fromStdString(askSecret));
        setUser("kc-user", QString::fromStdString(keychainSecret));
        setUser("hp-user", QString::fromStdString(helperSecret));
        auto ask = profileHere("Asked");
        ask.options.user = "ask-user";
        ask.passwordRequired = true;
        ask.options.password = askSecret; // typed at the prompt
        auto kc = profileHere("Keychained");
        kc.options.user = "kc-user";
        kc.passwordSource.kind = SourceKind::Keychain;
        auto hp = profileHere("Helped");
        hp.options.user = "hp-user";
        hp.passwordSource
            = {SourceKind::Helper, {script("plain-helper", "echo " + QString::fromStdString(helperSecret))}};
        QSettings settings(m_config.filePath("Kiqdesk/kiqdesk.conf"), QSettings::IniFormat);
        kiq::storage::ProfileStore(settings).save({ask, kc, hp});
        settings.sync();

        // The keychain's first use: not there yet, typed once and stored.
        auto r = resolveSecretsBlocking(kc);
        QCOMPARE(r.keychainMisses.size(), std::size_t(1));
        QVERIFY(keychain::writeBlocking(kc.id, Secret::Password, keychainSecret).ok());
        for (const auto& profile : kiq::storage::ProfileStore(settings).load()) {
            auto resolved = resolveSecretsBlocking(profile);
            if (profile.name == "Asked") {
                QCOMPARE(resolved.toAsk.size(), std::size_t(1)); // the store kept no password
                resolved.profile.options.password = askSecret;
                resolved.toAsk.clear();
            }
            QVERIFY2(resolved.ready(), qPrintable(profile.name));
            kiq::redis::AsyncClient client(resolved.profile.options);
            QCOMPARE(whoami(client), profile.options.user);
        }
        m_server->cli({"ZADD", "dead", "1700000000",
            "{\"class\":\"X\",\"args\":[1],\"jid\":\"0123456789abcdef01234567\",\"queue\":\"default\"}"});
        const auto del = runProcess(qEnvironmentVariable("KIQDESK_CLI"),
            {"--profile", "Helped", "jobs", "delete", "--set", "dead", "--jid", "0123456789abcdef01234567", "--yes"});
        QVERIFY2(del.exitCode == 0, qPrintable(del.out + del.err));

        int files = 0;
        for (const QString& root : {m_config.path(), m_data.path()}) {
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray content = f.readAll();
                ++files;
                for (const std::string& secret : {askSecret, keychainSecret, helperSecret}) {
                    const QByteArray s = QByteArray::fromStdString(secret);
                    for (const QByteArray& form : {s, s.toBase64(), s.toHex(), s.toHex().toUpper()})
                        QVERIFY2(!content.contains(form), qPrintable(f.fileName() + " holds " + form));
                }
            }
        }
        QVERIFY2(files >= 2, "the profiles and the undo journal are on disk"); // the scan saw something
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
