// TLS and mTLS against a real redis-server with a CA made at test time: success, and each failure
// an operator meets, named in plain words.
#include "harness/Fixture.h"
#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "harness/TcpProxy.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"
#include "redis/Certificates.h"
#include "redis/Client.h"
#include "redis/Connection.h"
#include "redis/Errors.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <thread>

using namespace kiq::redis;
using kiq::test::RedisServer;
using kiq::test::TcpProxy;
using kiq::test::TlsFiles;

class TestClientTls : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    TlsFiles m_tls;
    kiq::test::TlsServers m_servers; // mtls, tlsOnly, expired, wrongHost

    ConnectionOptions options(int port, bool clientCert)
    {
        ConnectionOptions o = kiq::test::tlsOptionsFor(port, m_tls, clientCert);
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
        m_servers = kiq::test::TlsServers::start(m_tls);
    }

    void mutualTlsWorks()
    {
        Client c(options(m_servers.mtls->port(), true));
        QVERIFY(c.command(Command("SET").key("tls").arg(std::string_view("yes"))).isOk());
        QCOMPARE(QString::fromStdString(c.command(Command("GET").key("tls")).asString()), QString("yes"));
        std::vector<Command> cmds;
        for (int i = 0; i < 2000; ++i) cmds.push_back(Command("INCR").key("n"));
        QCOMPARE(c.pipeline(cmds).back().asInteger(), 2000LL);
    }

    void localhostNameAndSni()
    {
        auto o = options(m_servers.tlsOnly->port(), false);
        o.endpoint.host = "localhost";
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
        // Connecting by IP but verifying the name given as SNI.
        auto s = options(m_servers.tlsOnly->port(), false);
        s.tls.sni = "localhost";
        Client cs(s);
        QVERIFY(cs.command(Command("PING")).str == "PONG");
    }

    void wrongCa()
    {
        auto o = options(m_servers.tlsOnly->port(), false);
        o.tls.caFile = m_tls.otherCaCert.toStdString();
        Error e = failure(o);
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("not signed by a trusted CA"), e.what());
    }

    void systemStoreDoesNotTrustTestCa()
    {
        auto o = options(m_servers.tlsOnly->port(), false);
        o.tls.caFile.clear(); // system store
        Error e = failure(o);
        QVERIFY2(QString(e.what()).contains("trusted CA"), e.what());
    }

    void hostnameMismatch()
    {
        Error e = failure(options(m_servers.wrongHost->port(), false));
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("does not match '127.0.0.1'"), e.what());
        // Explicitly turning hostname verification off accepts it, and is reported as a warning.
        auto o = options(m_servers.wrongHost->port(), false);
        o.tls.verifyHostname = false;
        QCOMPARE(o.warnings().size(), std::size_t(1));
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
    }

    void expiredCertificate()
    {
        Error e = failure(options(m_servers.expired->port(), false));
        QCOMPARE(e.kind(), ErrorKind::Tls);
        QVERIFY2(QString(e.what()).contains("expired"), e.what());
    }

    void missingClientCertificate()
    {
        Error e = failure(options(m_servers.mtls->port(), false));
        QVERIFY2(
            e.kind() == ErrorKind::ClientCertRequired || QString(e.what()).contains("client certificate"), e.what());
    }

    void clientCertFromOtherCaRefused()
    {
        auto o = options(m_servers.mtls->port(), true);
        o.tls.certFile = m_tls.otherCaClientCert.toStdString();
        o.tls.keyFile = m_tls.otherCaClientKey.toStdString();
        Error e = failure(o);
        QVERIFY2(e.kind() == ErrorKind::Tls || e.kind() == ErrorKind::ConnectionLost
                || e.kind() == ErrorKind::ClientCertRequired,
            e.what());
    }

    void badFilesAreNamed()
    {
        auto o = options(m_servers.mtls->port(), true);
        o.tls.certFile = "/nonexistent/client.pem";
        Error e = failure(o);
        QVERIFY2(QString(e.what()).contains("/nonexistent/client.pem"), e.what());
        auto k = options(m_servers.mtls->port(), true);
        k.tls.keyFile = m_tls.serverKey.toStdString(); // not the certificate's key
        Error mismatch = failure(k);
        QVERIFY2(QString(mismatch.what()).contains("does not match"), mismatch.what());
    }

    static std::vector<Command> largePipeline()
    {
        const std::string value(64 * 1024, 'x');
        std::vector<Command> cmds;
        for (int i = 0; i < 256; ++i) cmds.push_back(Command("SET").key("big:" + std::to_string(i)).arg(value));
        return cmds;
    }

    // The server closed the connection (it read everything first, so the client got a FIN) and the
    // client writes a large pipeline on it: the first record gets a reset back, the next write fails
    // with EPIPE. That write must end in a transient ConnectionLost, not SIGPIPE (which ended the
    // process with 141 before the TLS writes used MSG_NOSIGNAL).
    void writeAfterPeerClosedIsConnectionLost()
    {
        auto o = options(m_servers.tlsOnly->port(), false);
        Connection conn(o.endpoint, o, {}, 0);
        QCOMPARE(QString::fromStdString(conn.command(Command("PING")).str), QString("PONG"));
        QVERIFY(m_servers.tlsOnly->cli({"CLIENT", "KILL", "TYPE", "normal"}).toInt() >= 1);
        QVERIFY(kiq::test::waitUntil([&] { return conn.unusable(); }, 5000));
        try {
            conn.pipeline(largePipeline());
            QFAIL("expected writing to a closed connection to fail");
        } catch (const Error& e) {
            QVERIFY2(e.kind() == ErrorKind::ConnectionLost && e.isTransient(), e.what());
        }
    }

    // The server dies while the client is still writing a large pipeline: SIGSTOP keeps it from
    // reading, so the client is blocked mid-write when SIGKILL resets the connection.
    void serverKilledMidPipelineIsConnectionLost()
    {
        RedisServer::Options so;
        so.tls = true;
        so.tlsFiles = &m_tls;
        so.name = "killed";
        RedisServer server(so);
        auto o = options(server.port(), false);
        o.commandTimeout = std::chrono::milliseconds(10000);
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
        const auto cmds = largePipeline();
        QCOMPARE(::kill(server.pid(), SIGSTOP), 0);
        // Started only now, so the client is writing (and blocked) when the kill comes.
        std::thread killer([&server] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            server.kill9();
        });
        try {
            c.pipeline(cmds);
            killer.join();
            QFAIL("expected the kill to fail the pipeline");
        } catch (const Error& e) {
            killer.join();
            QVERIFY2(e.kind() == ErrorKind::ConnectionLost && e.isTransient(), e.what());
        }
    }

    // A TLS connection cut without close_notify (link cut, server killed) is a transient
    // ConnectionLost, as on plain TCP, so reconnect loops retry it; no raw OpenSSL text.
    void cutConnectionIsTransientAndReconnects()
    {
        TcpProxy proxy(m_servers.tlsOnly->port());
        auto o = options(proxy.port(), false);
        o.reconnectAttempts = 3;
        o.reconnectBaseDelay = std::chrono::milliseconds(20);
        Client c(o);
        const std::string value(300 * 1024, 'v');
        QVERIFY(c.command(Command("SET").key("cut").arg(value)).isOk());
        proxy.cutReplyAfter(1000);
        try {
            c.command(Command("GET").key("cut"));
            QFAIL("expected the cut to fail the command");
        } catch (const Error& e) {
            QVERIFY2(e.kind() == ErrorKind::ConnectionLost && e.isTransient(), e.what());
            QVERIFY2(!QString(e.what()).contains("error:"), e.what()); // no raw OpenSSL error string
            QVERIFY2(QString(e.what()).contains(QString::number(proxy.port())), e.what());
        }
        QCOMPARE(proxy.cutCount(), 1);
        QCOMPARE(c.command(Command("GET").key("cut")).asString().size(), value.size());
    }

    // kill -9 while a blocking command waits, then a restart: the waiting call ends in a transient
    // ConnectionLost and the next call reconnects over TLS.
    void killedServerIsConnectionLostThenReconnects()
    {
        RedisServer::Options so;
        so.tls = true;
        so.tlsFiles = &m_tls;
        so.name = "restarted";
        RedisServer server(so);
        auto o = options(server.port(), false);
        o.reconnectAttempts = 5;
        o.reconnectBaseDelay = std::chrono::milliseconds(50);
        Client c(o);
        QVERIFY(c.command(Command("PING")).str == "PONG");
        std::thread killer([&server] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            server.kill9();
        });
        try {
            c.blockingCommand(Command("BLPOP").key("nothing").arg(5), std::chrono::milliseconds(5000));
            killer.join();
            QFAIL("expected the kill to fail the blocking command");
        } catch (const Error& e) {
            killer.join();
            QVERIFY2(e.kind() == ErrorKind::ConnectionLost && e.isTransient(), e.what());
            QVERIFY2(!QString(e.what()).contains("error:"), e.what());
        }
        server.restart();
        QVERIFY(c.command(Command("SET").key("after").arg(std::string_view("restart"))).isOk());
        QCOMPARE(server.cli({"GET", "after"}), QString("restart"));
    }

    // mTLS with a key encrypted at test time: the right passphrase connects; a missing or wrong one
    // fails at once with a clear error (OpenSSL's default would prompt on the terminal, or fail
    // with "PEM lib"), and the passphrase never appears in the message.
    void encryptedClientKey()
    {
        const QString encrypted = m_dir.filePath("client-encrypted.key");
        const auto made = kiq::test::runProcess("openssl",
            {"pkey", "-in", m_tls.clientKey, "-aes256", "-passout", "pass:s3cret phrase", "-out", encrypted});
        QVERIFY2(made.exitCode == 0, qPrintable(made.err));
        auto o = options(m_servers.mtls->port(), true);
        o.tls.keyFile = encrypted.toStdString();

        QElapsedTimer t;
        t.start();
        const Error missing = failure(o);
        QCOMPARE(missing.kind(), ErrorKind::Tls);
        QVERIFY2(QString(missing.what()).contains("is encrypted: give its passphrase"), missing.what());
        o.tls.keyPassphrase = "not-it-4711";
        const Error wrong = failure(o);
        QCOMPARE(wrong.kind(), ErrorKind::Tls);
        QVERIFY2(QString(wrong.what()).contains("wrong passphrase for the client key"), wrong.what());
        QVERIFY2(!QString(wrong.what()).contains("4711"), wrong.what());
        QVERIFY2(t.elapsed() < 5000, "a missing or wrong passphrase must fail at once");

        o.tls.keyPassphrase = "s3cret phrase";
        Client c(o);
        QCOMPARE(QString::fromStdString(c.command(Command("PING")).str), QString("PONG"));
    }

    // The certificates a connection relies on, with their expiry: the server's (from the handshake, with
    // the chain it verified against), the CA file's and the client certificate. Only the ones expiring
    // within two weeks are warned about; an unreachable server leaves out only its own.
    void certificatesAndTheirExpiry()
    {
        RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &m_tls;
        o.requireClientCert = true;
        o.name = "soon";
        o.tlsCertFile = m_tls.soonServerCert;
        o.tlsKeyFile = m_tls.soonServerKey;
        RedisServer soon(o);
        auto opts = options(soon.port(), true);
        const auto now = std::chrono::system_clock::now();
        const auto deadline = kiq::redis::Clock::now() + std::chrono::seconds(5);
        const auto all = kiq::redis::connectionCertificates(opts.endpoint, opts.tls, deadline);
        using Role = kiq::redis::CertificateInfo::Role;
        auto find = [&](Role role) {
            return std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.role == role; });
        };
        QVERIFY(find(Role::Server) != all.end());
        QCOMPARE(find(Role::Server)->subject, std::string("localhost"));
        QCOMPARE(find(Role::Server)->source, opts.endpoint.toString());
        const auto serverLeft = find(Role::Server)->notAfter - now;
        QVERIFY(serverLeft > std::chrono::hours(4 * 24) && serverLeft < std::chrono::hours(6 * 24));
        QVERIFY(find(Role::Ca) != all.end());
        QCOMPARE(find(Role::Ca)->subject, std::string("Kiqdesk Test CA"));
        QVERIFY(find(Role::Client) != all.end());
        QCOMPARE(find(Role::Client)->source, m_tls.clientCert.toStdString());
        const auto soonOnes = kiq::redis::expiringWithin(all, now);
        QCOMPARE(soonOnes.size(), std::size_t(1));
        QVERIFY(soonOnes.front().role == Role::Server);
        QCOMPARE(kiq::redis::expiringWithin(all, now + std::chrono::hours(24 * 365 * 20)).size(), all.size());

        // Files are read at each connect: a client certificate rotated in place is used and reported at
        // once, with no change to the options.
        QTemporaryDir rotated;
        const QString cert = rotated.filePath("client.crt"), key = rotated.filePath("client.key");
        QVERIFY(QFile::copy(m_tls.soonClientCert, cert) && QFile::copy(m_tls.soonClientKey, key));
        opts.tls.certFile = cert.toStdString();
        opts.tls.keyFile = key.toStdString();
        {
            Client c(opts);
            QCOMPARE(c.command(Command("PING")).asString(), std::string("PONG"));
        }
        auto clientLeft = [&] {
            for (const auto& c : kiq::redis::connectionCertificates(opts.endpoint, opts.tls, deadline))
                if (c.role == Role::Client) return c.notAfter - now;
            return std::chrono::system_clock::duration::zero();
        };
        QVERIFY(clientLeft() < std::chrono::hours(6 * 24));
        QVERIFY(QFile::remove(cert) && QFile::remove(key));
        QVERIFY(QFile::copy(m_tls.clientCert, cert) && QFile::copy(m_tls.clientKey, key));
        QVERIFY(clientLeft() > std::chrono::hours(365 * 24));
        {
            Client c(opts);
            QCOMPARE(c.command(Command("PING")).asString(), std::string("PONG"));
        }

        // The server gone: the files are still read.
        const auto endpoint = opts.endpoint;
        soon.stop();
        const auto offline = kiq::redis::connectionCertificates(endpoint, opts.tls, deadline);
        QVERIFY(std::none_of(offline.begin(), offline.end(), [](const auto& c) { return c.role == Role::Server; }));
        QVERIFY(std::any_of(offline.begin(), offline.end(), [](const auto& c) { return c.role == Role::Client; }));

        // A file without a certificate is named.
        try {
            kiq::redis::certificatesInFile(m_tls.clientKey.toStdString(), Role::Client);
            QFAIL("a key file is not a certificate");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("no PEM certificate") != std::string::npos, e.what());
        }
    }

    void plainClientOnTlsPort()
    {
        auto o = options(m_servers.tlsOnly->port(), false);
        o.tls.enabled = false;
        o.commandTimeout = std::chrono::milliseconds(1000);
        Error e = failure(o);
        QVERIFY2(e.kind() == ErrorKind::ConnectionLost || e.kind() == ErrorKind::Timeout, e.what());
    }
};

QTEST_GUILESS_MAIN(TestClientTls)
#include "tst_client_tls.moc"
