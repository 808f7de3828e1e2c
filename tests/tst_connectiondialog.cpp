// ConnectionDialog: the URL fills the fields (and leaves no password on screen), every option comes
// back out of profile(), hostname verification off shows the client's warning, and Test reports
// success with the version or the client's own failure text, without blocking the GUI thread.
#include "connection/ConnectionDialog.h"
#include "connection/TopologyBox.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "redis/Client.h"
#include "sandbox/LocalSandbox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>

using namespace kiq::ui;
using kiq::redis::Topology;

namespace {
template <typename W> W* child(QWidget* root, const char* name)
{
    auto* w = root->findChild<W*>(QString::fromLatin1(name));
    if (!w) qFatal("no child %s", name);
    return w;
}
} // namespace

class TestConnectionDialog : public QObject {
    Q_OBJECT
private slots:
    void urlFillsTheFields()
    {
        ConnectionDialog dialog;
        QVERIFY(dialog.applyUrl(QStringLiteral("rediss://ops:s3cret@redis.example.com:6380/2")));
        QCOMPARE(child<QLineEdit>(&dialog, "host")->text(), QStringLiteral("redis.example.com"));
        QCOMPARE(child<QSpinBox>(&dialog, "port")->value(), 6380);
        QCOMPARE(child<QLineEdit>(&dialog, "user")->text(), QStringLiteral("ops"));
        QCOMPARE(child<QSpinBox>(&dialog, "db")->value(), 2);
        QVERIFY(child<QGroupBox>(&dialog, "tls")->isChecked());
        QVERIFY(child<QLineEdit>(&dialog, "url")->text().isEmpty()); // the password is not left in clear text
        const auto p = dialog.profile();
        QCOMPARE(p.options.password, std::string("s3cret"));
        QVERIFY(p.passwordRequired);
        QCOMPARE(p.options.endpoint.host, std::string("redis.example.com"));
        QVERIFY(p.options.tls.enabled);

        QVERIFY(!dialog.applyUrl(QStringLiteral("http://nope")));
        QCOMPARE(dialog.profile().options.endpoint.port, 6380); // a bad URL changes nothing
    }

    void profileRoundTripsThroughTheForm()
    {
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Payments"));
        in.environment = kiq::deployment::Environment::Staging;
        in.tagColor = QStringLiteral("#123456");
        auto& o = in.options;
        o.topology = Topology::Sentinel;
        o.seeds = {{"10.0.0.1", 26379}, {"::1", 26380}};
        o.sentinelMaster = "pay";
        o.sentinelUser = "watcher";
        o.user = "app";
        o.db = 4;
        o.keyPrefix = "pay:";
        o.tls.enabled = true;
        o.tls.caFile = "/tmp/ca.pem";
        o.tls.certFile = "/tmp/c.pem";
        o.tls.keyFile = "/tmp/c.key";
        o.tls.sni = "redis.pay";
        o.connectTimeout = std::chrono::milliseconds(2500);
        o.commandTimeout = std::chrono::milliseconds(7000);
        o.reconnectAttempts = 5;
        o.reconnectBaseDelay = std::chrono::milliseconds(250);
        o.clientName = "desk";
        in.passwordRequired = true;
        in.sentinelPasswordRequired = true;
        in.keyPassphraseRequired = true;

        ConnectionDialog dialog;
        dialog.setProfile(in);
        const auto out = dialog.profile();
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.name, in.name);
        QCOMPARE(out.environment, in.environment);
        QCOMPARE(out.tagColor, in.tagColor);
        QCOMPARE(out.options.topology, Topology::Sentinel);
        QVERIFY(out.options.seeds == in.options.seeds);
        QCOMPARE(out.options.sentinelMaster, o.sentinelMaster);
        QCOMPARE(out.options.sentinelUser, o.sentinelUser);
        QCOMPARE(out.options.user, o.user);
        QCOMPARE(out.options.db, 4);
        QCOMPARE(out.options.keyPrefix, o.keyPrefix);
        QVERIFY(out.options.tls.enabled);
        QCOMPARE(out.options.tls.caFile, o.tls.caFile);
        QVERIFY(out.options.tls.caDir.empty());
        QCOMPARE(out.options.tls.certFile, o.tls.certFile);
        QCOMPARE(out.options.tls.keyFile, o.tls.keyFile);
        QCOMPARE(out.options.tls.sni, o.tls.sni);
        QCOMPARE(out.options.connectTimeout.count(), 2500LL);
        QCOMPARE(out.options.commandTimeout.count(), 7000LL);
        QCOMPARE(out.options.reconnectAttempts, 5);
        QCOMPARE(out.options.reconnectBaseDelay.count(), 250LL);
        QCOMPARE(out.options.clientName, o.clientName);
        QVERIFY(out.passwordRequired);
        QVERIFY(out.sentinelPasswordRequired);
        QVERIFY(out.keyPassphraseRequired);
        QVERIFY(out.options.tls.keyPassphrase.empty());

        // A passphrase typed in the form is used for this session and marks the key as encrypted.
        auto* passphrase = child<QLineEdit>(&dialog, "keyPassphrase");
        QCOMPARE(passphrase->echoMode(), QLineEdit::Password);
        child<QCheckBox>(&dialog, "keyPassphraseRequired")->setChecked(false);
        QVERIFY(!dialog.profile().keyPassphraseRequired);
        passphrase->setText(QStringLiteral("typed phrase"));
        QCOMPARE(dialog.profile().options.tls.keyPassphrase, std::string("typed phrase"));
        QVERIFY(dialog.profile().keyPassphraseRequired);
    }

    void endpointListsParse()
    {
        QString error;
        auto e = TopologyBox::parseEndpoints(QStringLiteral("a:1, b\n[::1]:7000"), 26379, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(e.size(), std::size_t(3));
        QCOMPARE(e[1].port, 26379);
        QCOMPARE(e[2].host, std::string("::1"));
        TopologyBox::parseEndpoints(QStringLiteral("good:1 bad:99999"), 6379, &error);
        QVERIFY(error.contains(QStringLiteral("bad:99999")));
    }

    void hostnameVerificationOffWarns()
    {
        ConnectionDialog dialog;
        dialog.applyUrl(QStringLiteral("rediss://redis.example.com:6380"));
        QVERIFY(!dialog.warningText().contains(QStringLiteral("hostname verification")));
        child<QCheckBox>(&dialog, "verifyHostname")->setChecked(false);
        QVERIFY2(dialog.warningText().contains(QStringLiteral("TLS hostname verification is off")),
            qPrintable(dialog.warningText()));
        child<QCheckBox>(&dialog, "verifyHostname")->setChecked(true);
        QVERIFY(!dialog.warningText().contains(QStringLiteral("hostname verification")));
        // Plain TCP to a remote host is also called out.
        dialog.applyUrl(QStringLiteral("redis://redis.example.com:6379"));
        QVERIFY(dialog.warningText().contains(QStringLiteral("unencrypted")));
    }

    void testConnectionSucceeds()
    {
        kiq::test::RedisServer server; // no password (the sandbox has one)
        ConnectionDialog dialog;
        dialog.applyUrl(QStringLiteral("redis://127.0.0.1:%1").arg(server.port()));
        dialog.show();
        QElapsedTimer timer;
        timer.start();
        dialog.testConnection();
        QVERIFY(timer.elapsed() < 200); // returned at once: the probe runs off the GUI thread
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), 10000);
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("Connected to Redis 7.")),
            qPrintable(dialog.testResultText()));
        QVERIFY(dialog.testResultText().contains(QStringLiteral("round trip")));
        // No password: the result says the connection runs as `default`.
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("connected as default, no password")),
            qPrintable(dialog.testResultText()));
        dialog.resize(640, dialog.sizeHint().height());
        const QString path = QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("connection_dialog.png"));
        QVERIFY(dialog.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    void testConnectionReportsTheFailure()
    {
        kiq::sandbox::LocalSandbox sandbox;
        sandbox.start();
        const int port = sandbox.port();
        sandbox.stop();
        ConnectionDialog dialog;
        dialog.applyUrl(QStringLiteral("redis://127.0.0.1:%1").arg(port));
        child<QSpinBox>(&dialog, "reconnectAttempts")->setValue(1);
        dialog.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), 10000);
        const QString text = dialog.testResultText();
        QVERIFY2(text.contains(QStringLiteral("Connection failed:")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("refused")), qPrintable(text));
        // The doctor ran after the failure and names the failing step with its fix.
        QVERIFY2(text.contains(QStringLiteral("<b>TCP connection</b>: Check that Redis listens on port %1").arg(port)),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Diagnose… shows every step.")), qPrintable(text));
    }

    void wrongPasswordIsNamed()
    {
        kiq::sandbox::LocalSandbox sandbox;
        sandbox.start();
        {
            kiq::redis::Client admin(sandbox.options());
            admin.command(kiq::redis::Command("CONFIG").arg("SET").arg("requirepass").arg("right"));
        }
        ConnectionDialog dialog;
        dialog.applyUrl(QStringLiteral("redis://:wrong@127.0.0.1:%1").arg(sandbox.port()));
        dialog.testConnection();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTesting(), 10000);
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("wrong username or password")),
            qPrintable(dialog.testResultText()));
    }

    // Production is read-only whatever the box said; any other profile can be marked, and the mark
    // survives a detour through Production.
    void readOnlyMarkAndArmMinutes()
    {
        using kiq::deployment::Environment;
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Shared"));
        in.environment = Environment::Staging;
        in.armMinutes = 25;
        ConnectionDialog dialog;
        dialog.setProfile(in);
        auto* box = dialog.findChild<QCheckBox*>(QStringLiteral("readOnly"));
        auto* minutes = dialog.findChild<QSpinBox*>(QStringLiteral("armMinutes"));
        auto* environment = dialog.findChild<QComboBox*>(QStringLiteral("environment"));
        QVERIFY(box->isEnabled());
        QVERIFY(!box->isChecked());
        QCOMPARE(minutes->value(), 25);
        QVERIFY(!dialog.profile().opensReadOnly());

        environment->setCurrentIndex(environment->findData(int(Environment::Production)));
        QVERIFY(box->isChecked());
        QVERIFY(!box->isEnabled());
        QVERIFY(dialog.profile().opensReadOnly());
        QVERIFY(!dialog.profile().readOnly); // the tag decides, not a saved mark
        environment->setCurrentIndex(environment->findData(int(Environment::Staging)));
        QVERIFY(!box->isChecked());

        box->setChecked(true);
        minutes->setValue(5);
        environment->setCurrentIndex(environment->findData(int(Environment::Production)));
        environment->setCurrentIndex(environment->findData(int(Environment::Development)));
        QVERIFY(box->isChecked());
        const auto out = dialog.profile();
        QVERIFY(out.readOnly);
        QVERIFY(out.opensReadOnly());
        QCOMPARE(out.armMinutes, 5);
    }

    // The audit stream's cap is on the Advanced tab: shown, edited, given back; a new profile has the
    // trail's default.
    void auditCapInTheForm()
    {
        ConnectionDialog fresh;
        auto* cap = fresh.findChild<QSpinBox*>(QStringLiteral("auditMaxLen"));
        QVERIFY(cap);
        QCOMPARE(fresh.profile().auditMaxLen, kiq::deployment::ConnectionProfile::kDefaultAuditMaxLen);
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Busy"));
        in.auditMaxLen = 750'000;
        ConnectionDialog dialog;
        dialog.setProfile(in);
        cap = dialog.findChild<QSpinBox*>(QStringLiteral("auditMaxLen"));
        QCOMPARE(cap->value(), 750'000);
        cap->setValue(20'000);
        QCOMPARE(dialog.profile().auditMaxLen, 20'000LL);
        cap->setValue(1); // below the minimum: the box holds it at the minimum
        QCOMPARE(dialog.profile().auditMaxLen, kiq::deployment::ConnectionProfile::kMinAuditMaxLen);
    }

    // The load budget is on the Advanced tab: the environment's default for a new profile, a chosen
    // share and call length given back.
    void loadBudgetInTheForm()
    {
        ConnectionDialog fresh;
        auto* share = fresh.findChild<QComboBox*>(QStringLiteral("loadShare"));
        QVERIFY(share);
        QCOMPARE(fresh.profile().loadSharePercent, 0);
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Shared"));
        in.loadSharePercent = 10;
        in.loadCallMs = 3;
        ConnectionDialog dialog;
        dialog.setProfile(in);
        share = dialog.findChild<QComboBox*>(QStringLiteral("loadShare"));
        QCOMPARE(share->currentData().toInt(), 10);
        QCOMPARE(dialog.findChild<QDoubleSpinBox*>(QStringLiteral("loadCallMs"))->value(), 3.0);
        share->setCurrentIndex(share->findData(kiq::deployment::ConnectionProfile::kUnlimitedLoad));
        QVERIFY(dialog.profile().loadBudget().unlimited);
        in.loadSharePercent = 33; // hand-edited, not in the list: kept
        dialog.setProfile(in);
        QCOMPARE(dialog.profile().loadSharePercent, 33);
    }

    // The profile's redaction rules round-trip through the Security tab; a path that cannot be used keeps
    // the dialog open with the reason.
    void redactionRulesInTheForm()
    {
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Payments"));
        in.redaction.keys = {"password", "iban"};
        in.redaction.paths = {"args[1]"};
        in.redaction.emails = true;
        ConnectionDialog dialog;
        dialog.setProfile(in);
        QCOMPARE(child<QLineEdit>(&dialog, "redactionKeys")->text(), QStringLiteral("password, iban"));
        QVERIFY(dialog.profile().redaction == in.redaction);

        child<QLineEdit>(&dialog, "redactionPaths")->setText(QStringLiteral("args[1], args[x]"));
        dialog.show();
        QDialog* asDialog = &dialog; // Save, as the button box calls it
        asDialog->accept();
        QVERIFY(dialog.isVisible()); // refused
        auto* validation = child<QLabel>(&dialog, "validation");
        QVERIFY2(validation->text().contains(QStringLiteral("args[x]: an index must be a number or *")),
            qPrintable(validation->text()));
        child<QLineEdit>(&dialog, "redactionPaths")->setText(QStringLiteral("args[1], args[*].iban"));
        child<QGroupBox>(&dialog, "redaction")->setChecked(false);
        const auto out = dialog.profile();
        QVERIFY(!out.redaction.enabled);
        QCOMPARE(out.redaction.paths, (std::vector<std::string> {"args[1]", "args[*].iban"}));
        asDialog->accept();
        QVERIFY(!dialog.isVisible());
    }

    // The Security tab picks each secret's source; a helper is a command line split into argv (quotes
    // keep spaces). This test runs without a session bus: the box says no keychain is reachable.
    void secretSourcesInTheForm()
    {
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Vault"));
        in.passwordSource = {kiq::credentials::SourceKind::Helper, {"vault", "read", "secret/a b"}};
        ConnectionDialog dialog;
        dialog.setProfile(in);
        QCOMPARE(child<QLineEdit>(&dialog, "passwordHelper")->text(), QStringLiteral("vault read \"secret/a b\""));
        QVERIFY(dialog.profile().passwordSource == in.passwordSource);
        auto* kind = child<QComboBox>(&dialog, "passwordSource");
        kind->setCurrentIndex(kind->findData(int(kiq::credentials::SourceKind::Keychain)));
        QCOMPARE(dialog.profile().passwordSource.kind, kiq::credentials::SourceKind::Keychain);
        QVERIFY(dialog.profile().passwordSource.helper.isEmpty());
        kind->setCurrentIndex(kind->findData(int(kiq::credentials::SourceKind::Helper)));
        child<QLineEdit>(&dialog, "passwordHelper")->clear();
        dialog.show();
        QDialog* asDialog = &dialog;
        asDialog->accept();
        QVERIFY(dialog.isVisible()); // a helper without a command is refused
        QVERIFY2(child<QLabel>(&dialog, "validation")->text().contains(QStringLiteral("needs a command")),
            qPrintable(child<QLabel>(&dialog, "validation")->text()));
        auto* status = child<QLabel>(&dialog, "keychainStatus");
        QVERIFY(kiq::test::waitUntil([&] { return !status->text().startsWith(QStringLiteral("Checking")); }, 10000));
        QVERIFY2(status->text().startsWith(QStringLiteral("No OS keychain is reachable")), qPrintable(status->text()));
    }

    // The alerts' webhook: on with its URL's source (the keychain here), the URL held in memory through
    // an edit; off, no source is kept for it.
    void webhookInTheForm()
    {
        auto in = kiq::deployment::ConnectionProfile::create(QStringLiteral("Chat"));
        in.webhook = true;
        in.webhookSource.kind = kiq::credentials::SourceKind::Keychain;
        in.webhookUrl = "https://hooks.example.com/T0/tok3n";
        ConnectionDialog dialog;
        dialog.setProfile(in);
        auto* box = child<QCheckBox>(&dialog, "webhook");
        QVERIFY(box->isChecked());
        QCOMPARE(child<QComboBox>(&dialog, "webhookUrlSource")->currentData().toInt(),
            int(kiq::credentials::SourceKind::Keychain));
        auto out = dialog.profile();
        QVERIFY(out.webhook && out.webhookUrl == in.webhookUrl);
        QCOMPARE(out.webhookSource.kind, kiq::credentials::SourceKind::Keychain);
        box->setChecked(false);
        out = dialog.profile();
        QVERIFY(!out.webhook && out.webhookUrl.empty());
        QVERIFY(out.webhookSource == kiq::credentials::SecretSource {});
        QVERIFY(!out.needs(kiq::credentials::Secret::WebhookUrl));
    }

    void rendersEveryTab()
    {
        auto p = kiq::deployment::ConnectionProfile::create(QStringLiteral("Payments"));
        p.environment = kiq::deployment::Environment::Production;
        p.options.topology = Topology::Sentinel;
        p.options.seeds = {{"10.0.0.1", 26379}, {"10.0.0.2", 26379}};
        p.options.sentinelMaster = "pay";
        p.options.user = "ops";
        p.options.tls.enabled = true;
        p.options.tls.caFile = "/etc/ssl/pay-ca.pem";
        p.options.tls.verifyHostname = false;
        p.passwordRequired = true;
        ConnectionDialog dialog;
        dialog.setProfile(p);
        dialog.show();
        auto* tabs = dialog.findChild<QTabWidget*>();
        QVERIFY(tabs);
        const QStringList names {QStringLiteral("connection_dialog_sentinel.png"),
            QStringLiteral("connection_dialog_security.png"), QStringLiteral("connection_dialog_advanced.png")};
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(50);
            const QString path = QDir(kiq::test::testOutputDir()).filePath(names[i]);
            QVERIFY(dialog.grab().save(path));
            qInfo("screenshot: %s", qPrintable(path));
        }
        QVERIFY(dialog.warningText().contains(QStringLiteral("hostname verification is off")));
    }

    void invalidSetupIsExplainedBeforeConnecting()
    {
        ConnectionDialog dialog;
        child<QComboBox>(&dialog, "topology")->setCurrentIndex(1); // Sentinel, but no master and no sentinels
        dialog.testConnection();
        QVERIFY(!dialog.isTesting());
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("sentinel")), qPrintable(dialog.testResultText()));
    }
};

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
