// The connection doctor (issue 16, item 3) against real servers and a PKI made at test time: each way a
// connection fails that operators meet turns exactly its step to fail (or warn) with the evidence and a
// fix that, applied, makes the doctor pass. Also `kiqdesk-cli doctor` and its exit codes.
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/SentinelGroup.h"
#include "harness/TlsFiles.h"
#include "redis/Client.h"
#include "server/ConnectionDoctor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using kiq::server::DoctorReport;
using kiq::server::DoctorStep;
using kiq::test::RedisServer;
using kiq::test::TlsFiles;
using State = DoctorStep::State;

namespace {
// "tls: fail (detail) fix: …" for every step, so a failed check shows the whole report.
QByteArray dump(const DoctorReport& r)
{
    std::string out = r.target + "\n";
    for (const auto& s : r.steps)
        out += "  " + s.id + ": " + server::doctorStateName(s.state) + " (" + s.detail + ")"
            + (s.fix.empty() ? "" : " fix: " + s.fix) + "\n";
    return QByteArray::fromStdString(out);
}

State stateOf(const DoctorReport& r, const std::string& id)
{
    const DoctorStep* s = r.step(id);
    if (!s) throw std::runtime_error("no step " + id);
    return s->state;
}

QString text(const DoctorReport& r, const std::string& id)
{
    const DoctorStep* s = r.step(id);
    return s ? QString::fromStdString(s->detail + " | " + s->fix) : QString();
}
} // namespace

#define EXPECT_STEP(report, id, expected) QVERIFY2(stateOf(report, id) == (expected), dump(report).constData())

class TestConnectionDoctor : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    TlsFiles m_tls;
    kiq::test::TlsServers m_servers; // mtls, tlsOnly, expired, wrongHost
    std::unique_ptr<RedisServer> m_plain; // password and a read-only user without INFO

    redis::ConnectionOptions tls(int port, bool clientCert)
    {
        auto o = test::tlsOptionsFor(port, m_tls, clientCert);
        o.connectTimeout = std::chrono::milliseconds(3000);
        o.commandTimeout = std::chrono::milliseconds(3000);
        return o;
    }

private slots:
    void initTestCase()
    {
        m_tls = TlsFiles::generate(m_dir.path());
        m_servers = kiq::test::TlsServers::start(m_tls);

        RedisServer::Options plain;
        plain.name = "plain";
        plain.extraArgs = {"--requirepass", "right-Pw-1"};
        m_plain = std::make_unique<RedisServer>(plain);
        QCOMPARE(m_plain->cli({"-a", "right-Pw-1", "--no-auth-warning", "ACL", "SETUSER", "viewer", "on",
                     ">viewer-Pw-1", "~*", "&*", "+@read", "+@connection", "-info", "-client", "-config", "-acl"}),
            QStringLiteral("OK"));
        QCOMPARE(
            m_plain->cli({"-a", "right-Pw-1", "--no-auth-warning", "SADD", "queues", "default"}), QStringLiteral("1"));
    }

    void passingMutualTls()
    {
        const DoctorReport r = server::diagnoseConnection(tls(m_servers.mtls->port(), true));
        QVERIFY2(r.worst() != State::Fail, dump(r).constData());
        for (const char* id : {"dns", "tcp", "tls-files", "tls", "server-certificate", "client-certificate", "server"})
            EXPECT_STEP(r, id, State::Pass);
        QVERIFY2(text(r, "tls").contains("TLSv1.3"), dump(r).constData());
        QVERIFY2(text(r, "server-certificate").contains("127.0.0.1"), dump(r).constData());
        QVERIFY2(text(r, "client-certificate").contains("accepted"), dump(r).constData());
        QVERIFY2(text(r, "tls-files").contains("its key loads"), dump(r).constData());
        // no password on the test servers: the doctor says so, and it is the only warning but the empty data
        EXPECT_STEP(r, "auth", State::Warn);
    }

    void wrongCaNamesTheIssuer()
    {
        auto o = tls(m_servers.tlsOnly->port(), false);
        o.tls.caFile = m_tls.otherCaCert.toStdString();
        const DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls", State::Fail);
        EXPECT_STEP(r, "server-certificate", State::Fail);
        EXPECT_STEP(r, "auth", State::Skipped);
        QVERIFY2(text(r, "tls").contains("is not in the CA file"), dump(r).constData());
        QVERIFY2(text(r, "tls").contains("choose the CA file"), dump(r).constData());
    }

    void hostnameMismatchSuggestsTheServerName()
    {
        auto o = tls(m_servers.wrongHost->port(), false);
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls", State::Fail);
        QVERIFY2(text(r, "tls").contains("The certificate is for other.example; you connected to '127.0.0.1'"),
            dump(r).constData());
        QVERIFY2(text(r, "tls").contains("server name (SNI) to 'other.example'"), dump(r).constData());
        // The fix, applied, works.
        o.tls.sni = "other.example";
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls", State::Pass);
        EXPECT_STEP(r, "server", State::Pass);
    }

    void expiredServerCertificate()
    {
        const DoctorReport r = server::diagnoseConnection(tls(m_servers.expired->port(), false));
        EXPECT_STEP(r, "tls", State::Fail);
        EXPECT_STEP(r, "server-certificate", State::Fail);
        QVERIFY2(text(r, "server-certificate").contains("valid until 2020-"), dump(r).constData());
        QVERIFY2(text(r, "tls").contains("expired on 2020-"), dump(r).constData());
        QVERIFY2(text(r, "tls").contains("renew it on the server"), dump(r).constData());
    }

    void clientCertificateMissingOrUntrusted()
    {
        DoctorReport r = server::diagnoseConnection(tls(m_servers.mtls->port(), false));
        EXPECT_STEP(r, "tls", State::Pass); // TLS 1.3: the handshake completes, the first read is refused
        EXPECT_STEP(r, "client-certificate", State::Fail);
        EXPECT_STEP(r, "auth", State::Skipped);
        QVERIFY2(text(r, "client-certificate").contains("tls-auth-clients yes"), dump(r).constData());

        auto o = tls(m_servers.mtls->port(), true);
        o.tls.certFile = m_tls.otherCaClientCert.toStdString();
        o.tls.keyFile = m_tls.otherCaClientKey.toStdString();
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "client-certificate", State::Fail);
        QVERIFY2(text(r, "client-certificate").contains("refused the client certificate"), dump(r).constData());
    }

    void encryptedClientKey()
    {
        const QString encrypted = m_dir.filePath("doctor-encrypted.key");
        const auto made = test::runProcess("openssl",
            {"pkey", "-in", m_tls.clientKey, "-aes256", "-passout", "pass:doctor phrase", "-out", encrypted});
        QVERIFY2(made.exitCode == 0, qPrintable(made.err));
        auto o = tls(m_servers.mtls->port(), true);
        o.tls.keyFile = encrypted.toStdString();
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls-files", State::Fail);
        EXPECT_STEP(r, "tls", State::Skipped);
        QVERIFY2(text(r, "tls-files").contains("is encrypted: give its passphrase"), dump(r).constData());

        o.tls.keyPassphrase = "not-it-4711";
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls-files", State::Fail);
        QVERIFY2(text(r, "tls-files").contains("wrong passphrase"), dump(r).constData());
        QVERIFY2(!dump(r).contains("not-it-4711"), "the passphrase must not appear in the report");

        o.tls.keyPassphrase = "doctor phrase";
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls-files", State::Pass);
        EXPECT_STEP(r, "client-certificate", State::Pass);
    }

    void clientCertificateExpiringSoonIsAWarning()
    {
        auto o = tls(m_servers.mtls->port(), true);
        o.tls.certFile = m_tls.soonClientCert.toStdString();
        o.tls.keyFile = m_tls.soonClientKey.toStdString();
        const DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls-files", State::Warn);
        QVERIFY2(text(r, "tls-files").contains("the client certificate '"), dump(r).constData());
        QVERIFY2(text(r, "tls-files").contains("Renew"), dump(r).constData());
        EXPECT_STEP(r, "client-certificate", State::Pass); // still valid: it connects
    }

    void tlsAgainstAPlainPortAndBack()
    {
        auto o = tls(m_plain->port(), false);
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tls", State::Fail);
        QVERIFY2(text(r, "tls").contains("turn TLS off"), dump(r).constData());

        o = test::optionsFor(m_servers.tlsOnly->port());
        o.commandTimeout = std::chrono::milliseconds(3000);
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "tcp", State::Pass);
        EXPECT_STEP(r, "auth", State::Fail);
        QVERIFY2(text(r, "auth").contains("turn TLS on"), dump(r).constData());
    }

    void passwords()
    {
        auto o = test::optionsFor(m_plain->port(), "", "wrong-Pw-2");
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "auth", State::Fail);
        QVERIFY2(text(r, "auth").contains("Check the user name and password"), dump(r).constData());
        QVERIFY2(!dump(r).contains("wrong-Pw-2"), "the password must not appear in the report");

        r = server::diagnoseConnection(test::optionsFor(m_plain->port()));
        EXPECT_STEP(r, "auth", State::Fail);
        QVERIFY2(text(r, "auth").contains("requires a password"), dump(r).constData());

        r = server::diagnoseConnection(test::optionsFor(m_plain->port(), "", "right-Pw-1"));
        QVERIFY2(r.worst() == State::Pass, dump(r).constData());
        QVERIFY2(text(r, "sidekiq").contains("1 queues"), dump(r).constData());
    }

    void readOnlyUserWithoutInfo()
    {
        const DoctorReport r = server::diagnoseConnection(test::optionsFor(m_plain->port(), "viewer", "viewer-Pw-1"));
        EXPECT_STEP(r, "auth", State::Pass);
        EXPECT_STEP(r, "server", State::Warn);
        QVERIFY2(text(r, "server").contains("Grant '+info' to user 'viewer'"), dump(r).constData());
        EXPECT_STEP(r, "sidekiq", State::Pass);
        // The viewer may not ask ACL DRYRUN either: "could not check", never a false pass.
        EXPECT_STEP(r, "writes", State::Skipped);
        QVERIFY2(text(r, "writes").contains("+acl|dryrun"), dump(r).constData());
    }

    void readOnlyUserSeenFromAnAdmin()
    {
        // A user that may run ACL DRYRUN but not write: told it can watch, not act.
        QCOMPARE(m_plain->cli({"-a", "right-Pw-1", "--no-auth-warning", "ACL", "SETUSER", "watcher", "on",
                     ">watcher-Pw-1", "~*", "&*", "+@read", "+@connection", "+info", "+acl|dryrun"}),
            QStringLiteral("OK"));
        const DoctorReport r = server::diagnoseConnection(test::optionsFor(m_plain->port(), "watcher", "watcher-Pw-1"));
        EXPECT_STEP(r, "writes", State::Warn);
        QVERIFY2(text(r, "writes").contains("may not push to a queue"), dump(r).constData());
        QVERIFY2(text(r, "writes").contains("operator role"), dump(r).constData());
    }

    void unreachable()
    {
        redis::ConnectionOptions o;
        o.endpoint = {"no-such-host.invalid", 6379};
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "dns", State::Fail);
        EXPECT_STEP(r, "tcp", State::Skipped);

        // A port with nothing on it: that of a server stopped just now.
        RedisServer::Options gone;
        gone.name = "gone";
        int port = 0;
        {
            RedisServer s(gone);
            port = s.port();
        }
        r = server::diagnoseConnection(test::optionsFor(port));
        EXPECT_STEP(r, "tcp", State::Fail);
        QVERIFY2(
            text(r, "tcp").contains("Check that Redis listens on port " + QString::number(port)), dump(r).constData());
    }

    void sentinel()
    {
        test::SentinelGroup group;
        auto o = test::sentinelOptionsFor(group);
        DoctorReport r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "sentinel", State::Pass);
        QVERIFY2(text(r, "sentinel").contains("as the primary of 'mymaster'"), dump(r).constData());
        QVERIFY2(text(r, "tcp").contains(":" + QString::number(group.reportedMasterPort())), dump(r).constData());
        EXPECT_STEP(r, "server", State::Pass);

        // A master name the sentinel does not know: said so, and the sentinel itself is examined.
        o.sentinelMaster = "nosuchmaster";
        r = server::diagnoseConnection(o);
        EXPECT_STEP(r, "sentinel", State::Fail);
        QVERIFY2(text(r, "sentinel").contains("does not know a master named 'nosuchmaster'"), dump(r).constData());
        QVERIFY2(text(r, "tcp").contains(":" + QString::number(group.sentinelPort())), dump(r).constData());
        EXPECT_STEP(r, "auth", State::Warn); // the sentinel let us in without a password
        EXPECT_STEP(r, "server", State::Skipped);
        QVERIFY(r.worst() == State::Fail);
    }

    void cliDoctor()
    {
        const QString cli = qEnvironmentVariable("KIQDESK_CLI");
        QVERIFY2(QFile::exists(cli), "KIQDESK_CLI must point at the built kiqdesk-cli");
        const QStringList tlsFlags {"-p", QString::number(m_servers.mtls->port()), "--tls", "--cacert", m_tls.caCert,
            "--cert", m_tls.clientCert, "--key", m_tls.clientKey};
        auto ok = test::runProcess(cli, tlsFlags + QStringList {"--json", "doctor"}, 60000);
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.out + ok.err));
        const QJsonObject report = QJsonDocument::fromJson(ok.out.toUtf8()).object();
        QCOMPARE(report["steps"].toArray().first().toObject()["id"].toString(), QStringLiteral("dns"));
        QVERIFY2(report["state"].toString() != QStringLiteral("fail"), qPrintable(ok.out));

        auto wrongCa = test::runProcess(cli,
            {"-p", QString::number(m_servers.tlsOnly->port()), "--tls", "--cacert", m_tls.otherCaCert, "doctor"},
            60000);
        QCOMPARE(wrongCa.exitCode, 2);
        QVERIFY2(wrongCa.out.contains("fail    TLS handshake"), qPrintable(wrongCa.out));
        QVERIFY2(wrongCa.out.contains("fix: The server's certificate is issued by"), qPrintable(wrongCa.out));

        qputenv("REDISCLI_AUTH", "viewer-Pw-1");
        auto viewer
            = test::runProcess(cli, {"-p", QString::number(m_plain->port()), "--user", "viewer", "doctor"}, 60000);
        qunsetenv("REDISCLI_AUTH");
        QCOMPARE(viewer.exitCode, 0); // warnings only
        QVERIFY2(viewer.out.contains("warn    Server"), qPrintable(viewer.out));
        QVERIFY2(!viewer.out.contains("viewer-Pw-1"), "the password must not appear in the output");
    }
};

QTEST_GUILESS_MAIN(TestConnectionDoctor)
#include "tst_connection_doctor.moc"
