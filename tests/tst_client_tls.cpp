// TLS and mTLS against a real redis-server with a CA made at test time: success, and each failure
// an operator meets, named in plain words.
#include "harness/RedisServer.h"
#include "harness/TlsFiles.h"
#include "redis/Client.h"
#include "redis/Errors.h"

#include <QTemporaryDir>
#include <QTest>

using namespace kiq::redis;
using kiq::test::RedisServer;
using kiq::test::TlsFiles;

class TestClientTls : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    TlsFiles m_tls;
    std::unique_ptr<RedisServer> m_mtls;      // requires client certificates
    std::unique_ptr<RedisServer> m_tlsOnly;   // server auth only
    std::unique_ptr<RedisServer> m_expired;   // presents an expired certificate
    std::unique_ptr<RedisServer> m_wrongHost; // certificate for other.example

    ConnectionOptions options(int port, bool clientCert)
    {
        ConnectionOptions o;
        o.endpoint = {"127.0.0.1", port};
        o.tls.enabled = true;
        o.tls.caFile = m_tls.caCert.toStdString();
        if (clientCert) {
            o.tls.certFile = m_tls.clientCert.toStdString();
            o.tls.keyFile = m_tls.clientKey.toStdString();
        }
        o.reconnectAttempts = 1;
        o.commandTimeout = std::chrono::milliseconds(3000);
        return o;
    }

    static Error failure(const ConnectionOptions& o)
    {
        try {
            Client c(o);
            c.command(Command("PING")).throwIfError();
        } catch (const Error& e) {
            return e;
        }
        throw std::runtime_error("expected the connection to fail");
    }

private slots:
    void initTestCase()
    {
        m_tls = TlsFiles::generate(m_dir.path());
        RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &m_tls;
        o.requireClientCert = true;
        o.name = "mtls";
        m_mtls = std::make_unique<RedisServer>(o);
        o.requireClientCert = false;
        o.name = "tls";
        m_tlsOnly = std::make_unique<RedisServer>(o);
        o.name = "expired";
        o.tlsCertFile = m_tls.expiredServerCert;
        o.tlsKeyFile = m_tls.expiredServerKey;
        m_expired = std::make_unique<RedisServer>(o);
        o.name = "wronghost";
        o.tlsCertFile = m_tls.wrongHostServerCert;
        o.tlsKeyFile = m_tls.wrongHostServerKey;
        m_wrongHost = std::make_unique<RedisServer>(o);
    }

    void mutualTlsWorks()
    {
        Client c(options(m_mtls->port(), true));
        QVERIFY(c.command(Command("SET").key("tls").arg(std::string_view("yes"))).isOk());
        QCOMPARE(QString::fromStdString(c.command(Command("GET").key("tls")).asString()), QString("yes"));
        std::vector<Command> cmds;
        for (int i = 0; i < 2000; ++i) cmds.push_back(Command("INCR").key("n"));
        QCOMPARE(c.pipeline(cmds).back().asInteger(), 2000LL);
    }

    void localhostNameAndSni()
    {
        auto o = options(m_tlsOnly->port(), false);
        o.endpoint.host = "localhost";
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
        // Connecting by IP but verifying the name given as SNI.
        auto s = options(m_tlsOnly->port(), false);
        s.tls.sni = "localhost";
        Client cs(s);
        QVERIFY(cs.command(Command("PING")).str == "PONG");
    }

    void wrongCa()
    {
        auto o = options(m_tlsOnly->port(), false);
        o.tls.caFile = m_tls.otherCaCert.toStdString();
        Error e = failure(o);
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("not signed by a trusted CA"), e.what());
    }

    void systemStoreDoesNotTrustTestCa()
    {
        auto o = options(m_tlsOnly->port(), false);
        o.tls.caFile.clear(); // system store
        Error e = failure(o);
        QVERIFY2(QString(e.what()).contains("trusted CA"), e.what());
    }

    void hostnameMismatch()
    {
        Error e = failure(options(m_wrongHost->port(), false));
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("does not match '127.0.0.1'"), e.what());
        // Explicitly turning hostname verification off accepts it, and is reported as a warning.
        auto o = options(m_wrongHost->port(), false);
        o.tls.verifyHostname = false;
        QCOMPARE(o.warnings().size(), std::size_t(1));
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
    }

    void expiredCertificate()
    {
        Error e = failure(options(m_expired->port(), false));
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("expired"), e.what());
    }

    void missingClientCertificate()
    {
        Error e = failure(options(m_mtls->port(), false));
        QVERIFY2(e.kind() == ErrorKind::ClientCertRequired || QString(e.what()).contains("client certificate"), e.what());
    }

    void clientCertFromOtherCaRefused()
    {
        auto o = options(m_mtls->port(), true);
        o.tls.certFile = m_tls.otherCaClientCert.toStdString();
        o.tls.keyFile = m_tls.otherCaClientKey.toStdString();
        Error e = failure(o);
        QVERIFY2(e.kind() == ErrorKind::Tls || e.kind() == ErrorKind::ConnectionLost || e.kind() == ErrorKind::ClientCertRequired, e.what());
    }

    void badFilesAreNamed()
    {
        auto o = options(m_mtls->port(), true);
        o.tls.certFile = "/nonexistent/client.pem";
        Error e = failure(o);
        QVERIFY2(QString(e.what()).contains("/nonexistent/client.pem"), e.what());
        auto k = options(m_mtls->port(), true);
        k.tls.keyFile = m_tls.serverKey.toStdString(); // not the certificate's key
        Error mismatch = failure(k);
        QVERIFY2(QString(mismatch.what()).contains("does not match"), mismatch.what());
    }

    void plainClientOnTlsPort()
    {
        auto o = options(m_tlsOnly->port(), false);
        o.tls.enabled = false;
        o.commandTimeout = std::chrono::milliseconds(1000);
        Error e = failure(o);
        QVERIFY2(e.kind() == ErrorKind::ConnectionLost || e.kind() == ErrorKind::Timeout, e.what());
    }
};

QTEST_GUILESS_MAIN(TestClientTls)
#include "tst_client_tls.moc"
