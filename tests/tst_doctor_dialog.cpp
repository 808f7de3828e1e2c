// The connection doctor's window (issue 16, item 3): opened from the connection dialog's Diagnose
// button on the profile as typed, it runs off the GUI thread and shows each step with its fix; a
// hostname mismatch and a passing mTLS connection are rendered. Saves doctor-failing.png and
// doctor-passing.png into $KIQ_README_SHOTS (scripts/screenshots.sh sets it to docs/screenshots), else
// into test-output/.
#include "EnglishTranslation.h"
#include "connection/ConnectionDialog.h"
#include "connection/DoctorDialog.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTranslator>

using namespace kiq;
using kiq::test::RedisServer;
using kiq::test::TlsFiles;

class TestDoctorDialog : public QObject {
    Q_OBJECT
    QTranslator m_translator;
    QTemporaryDir m_dir;
    TlsFiles m_tls;
    std::unique_ptr<RedisServer> m_mtls; // client certificates required, a password, Sidekiq data
    std::unique_ptr<RedisServer> m_wrongHost; // a certificate for other.example only

    static QString shotPath(const QString& name)
    {
        return QDir(qEnvironmentVariable("KIQ_README_SHOTS", test::testOutputDir())).filePath(name);
    }

    // Opens the doctor through the connection dialog's button, as a user does, and waits for its report.
    static ui::DoctorDialog* diagnose(ui::ConnectionDialog& dialog)
    {
        auto* button = dialog.findChild<QPushButton*>(QStringLiteral("doctorButton"));
        if (!button) return nullptr;
        QElapsedTimer timer;
        timer.start();
        button->click();
        auto* doctor = dialog.findChild<ui::DoctorDialog*>();
        if (!doctor || timer.elapsed() > 300) return nullptr; // opened at once: the doctor runs on a pool thread
        if (!QTest::qWaitFor([doctor] { return !doctor->isRunning(); }, 20000)) return nullptr;
        return doctor;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(test::installEnglishTranslation(m_translator)); // "2 steps failed"
        m_tls = TlsFiles::generate(m_dir.path());
        RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &m_tls;
        o.requireClientCert = true;
        o.name = "mtls";
        o.extraArgs = {"--requirepass", "doctor-Pw-1"};
        m_mtls = std::make_unique<RedisServer>(o);
        auto options = test::tlsOptionsFor(m_mtls->port(), m_tls, true);
        options.password = "doctor-Pw-1";
        redis::Client client(options);
        sandbox::seedDemoData(client);

        o.requireClientCert = false;
        o.extraArgs.clear();
        o.name = "wronghost";
        o.tlsCertFile = m_tls.wrongHostServerCert;
        o.tlsKeyFile = m_tls.wrongHostServerKey;
        m_wrongHost = std::make_unique<RedisServer>(o);
        ui::applyTheme(ui::Theme::Light);
    }

    void hostnameMismatchIsExplained()
    {
        ui::ConnectionDialog dialog;
        dialog.setProfile(
            test::profileFor(QStringLiteral("billing-prod"), test::tlsOptionsFor(m_wrongHost->port(), m_tls)));
        dialog.show();
        ui::DoctorDialog* doctor = diagnose(dialog);
        QVERIFY(doctor);
        const QString report = doctor->reportText();
        QVERIFY2(report.contains(QStringLiteral("fail TLS handshake")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("server name (SNI) to 'other.example'")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("skipped Authentication")), qPrintable(report));
        const QString summary = doctor->findChild<QLabel*>(QStringLiteral("doctorSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("2 steps failed")), qPrintable(summary));
        QVERIFY(doctor->grab().save(shotPath(QStringLiteral("doctor-failing.png"))));
    }

    void passingMutualTls()
    {
        ui::ConnectionDialog dialog;
        auto options = test::tlsOptionsFor(m_mtls->port(), m_tls, true);
        options.user = "default";
        options.password = "doctor-Pw-1";
        dialog.setProfile(test::profileFor(QStringLiteral("billing-prod"), options));
        dialog.show();
        ui::DoctorDialog* doctor = diagnose(dialog);
        QVERIFY(doctor);
        const QString report = doctor->reportText();
        QVERIFY2(!report.contains(QStringLiteral(" fail ")) && !report.contains(QStringLiteral(" warn ")),
            qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("pass Client certificate: sent; the server accepted it")),
            qPrintable(report));
        QVERIFY2(!report.contains(QStringLiteral("doctor-Pw-1")), "the password must not appear in the report");
        const QString summary = doctor->findChild<QLabel*>(QStringLiteral("doctorSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("Every step passed")), qPrintable(summary));
        QVERIFY(doctor->grab().save(shotPath(QStringLiteral("doctor-passing.png"))));

        // Run again re-examines: the report is rebuilt, not appended to.
        doctor->findChild<QPushButton*>(QStringLiteral("doctorAgain"))->click();
        QVERIFY(doctor->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!doctor->isRunning(), 20000);
        QCOMPARE(doctor->reportText().count(QStringLiteral("Client certificate")), 1);
    }
};

QTEST_MAIN(TestDoctorDialog)
#include "tst_doctor_dialog.moc"
