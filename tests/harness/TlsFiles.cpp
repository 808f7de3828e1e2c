#include "harness/TlsFiles.h"

#include "harness/Process.h"

#include <QDir>
#include <QFile>

#include <stdexcept>

namespace kiq::test {
namespace {

// `openssl ca` rather than `openssl x509 -req` because OpenSSL 3.0 (Debian 12) has no
// -not_before/-not_after for x509; `ca -startdate/-enddate` is the way to make a cert whose whole
// validity lies in the past. -rand_serial avoids a serial file; unique_subject=no lets the same CN
// be issued several times.
constexpr const char* kCaConfig = R"([ca]
default_ca = kiq

[kiq]
database = db/index.txt
new_certs_dir = db
default_md = sha256
policy = policy_any
copy_extensions = none
unique_subject = no

[policy_any]
commonName = supplied

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
# clientAuth too, so the same cert could serve for tls-replication/tls-cluster
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth

[wronghost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
)";

void openssl(const QDir& dir, QStringList args)
{
    // Run inside `dir`: `openssl ca` resolves the config's relative database paths against the cwd.
    const ProcessResult r = runProcess(QStringLiteral("openssl"), args, 30000, dir.absolutePath());
    if (r.exitCode != 0)
        throw std::runtime_error("openssl failed: openssl " + args.join(u' ').toStdString() + "\n"
                                 + r.err.toStdString() + r.out.toStdString());
}

void makeCa(const QDir& dir, const QString& name, const QString& cn)
{
    openssl(dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", name + ".key", "-out", name + ".crt", "-days", "3650", "-subj", "/CN=" + cn,
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
}

// Key + CSR, then signed by `ca` with the given config section; `validity` is either
// {"-days", N} or {"-startdate", …, "-enddate", …}.
void makeLeaf(const QDir& dir, const QString& name, const QString& cn, const QString& ca,
              const QString& section, const QStringList& validity)
{
    openssl(dir, {"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn});
    QStringList args{"ca", "-batch", "-config", "ca.cnf", "-cert", ca + ".crt", "-keyfile", ca + ".key",
                     "-in", name + ".csr", "-out", name + ".crt", "-extensions", section, "-notext",
                     "-rand_serial"};
    openssl(dir, args + validity);
}

} // namespace

TlsFiles TlsFiles::generate(const QString& path)
{
    QDir dir(path);
    if (!dir.mkpath(QStringLiteral("db")))
        throw std::runtime_error("cannot create " + path.toStdString());
    QFile config(dir.filePath(QStringLiteral("ca.cnf")));
    QFile index(dir.filePath(QStringLiteral("db/index.txt")));
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate) || !index.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error("cannot write the openssl ca config in " + path.toStdString());
    config.write(kCaConfig);
    config.close();
    index.close();

    const QStringList longValid{"-days", "3650"};
    makeCa(dir, "ca", "Kiqdesk Test CA");
    makeCa(dir, "other-ca", "Kiqdesk Other CA");
    makeLeaf(dir, "server", "localhost", "ca", "server", longValid);
    makeLeaf(dir, "client", "kiqdesk-client", "ca", "client", longValid);
    makeLeaf(dir, "other-ca-client", "kiqdesk-client", "other-ca", "client", longValid);
    makeLeaf(dir, "expired-server", "localhost", "ca", "server",
             {"-startdate", "20200101000000Z", "-enddate", "20200201000000Z"});
    makeLeaf(dir, "wrong-host-server", "other.example", "ca", "wronghost", longValid);

    const auto f = [&dir](const char* name) { return dir.absoluteFilePath(QLatin1String(name)); };
    TlsFiles t;
    t.dir = dir.absolutePath();
    t.caCert = f("ca.crt");
    t.caKey = f("ca.key");
    t.serverCert = f("server.crt");
    t.serverKey = f("server.key");
    t.clientCert = f("client.crt");
    t.clientKey = f("client.key");
    t.otherCaCert = f("other-ca.crt");
    t.otherCaKey = f("other-ca.key");
    t.otherCaClientCert = f("other-ca-client.crt");
    t.otherCaClientKey = f("other-ca-client.key");
    t.expiredServerCert = f("expired-server.crt");
    t.expiredServerKey = f("expired-server.key");
    t.wrongHostServerCert = f("wrong-host-server.crt");
    t.wrongHostServerKey = f("wrong-host-server.key");
    return t;
}

} // namespace kiq::test
