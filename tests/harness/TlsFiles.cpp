#include "harness/TlsFiles.h"

#include "harness/Process.h"

#include <QDir>
#include <QFile>

#include <future>
#include <stdexcept>
#include <vector>

namespace kiq::test {
namespace {

// Certificates are signed with `openssl ca` rather than `openssl x509 -req` because OpenSSL 3.0
// (Debian 12) has no -not_before/-not_after for x509: `ca -startdate/-enddate` is the way to make a
// certificate whose whole validity lies in the past. Each leaf gets its own [ca_<leaf>] section and
// database, so the signings can run concurrently; -rand_serial means the serial file is never used.
constexpr const char* kExtensions = R"(
[policy_any]
commonName = supplied

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
# clientAuth too, so the same cert can serve for tls-replication/tls-cluster
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

QString caSection(const QString& leaf)
{
    return QStringLiteral("[ca_%1]\n"
                          "database = db-%1/index.txt\n"
                          "new_certs_dir = db-%1\n"
                          "serial = db-%1/serial\n"
                          "default_md = sha256\n"
                          "policy = policy_any\n"
                          "copy_extensions = none\n"
                          "unique_subject = no\n\n")
        .arg(leaf);
}

struct Leaf {
    QString name, cn, ca, extensions;
    QStringList validity; // {"-days", N} or {"-startdate", …, "-enddate", …}
};

// Runs `openssl args` for every job at once, inside `dir` (`openssl ca` resolves the config's relative
// paths against the cwd); throws with openssl's output if any fails.
void opensslAll(const QDir& dir, const std::vector<QStringList>& jobs)
{
    std::vector<std::future<ProcessResult>> running;
    for (const QStringList& args : jobs)
        running.push_back(std::async(std::launch::async,
            [&dir, args] { return runProcess(QStringLiteral("openssl"), args, 30000, dir.absolutePath()); }));
    for (size_t i = 0; i < jobs.size(); ++i) {
        const ProcessResult r = running[i].get();
        if (r.exitCode != 0)
            throw std::runtime_error("openssl failed: openssl " + jobs[i].join(u' ').toStdString() + "\n"
                + r.err.toStdString() + r.out.toStdString());
    }
}

QStringList newKey(const QString& name)
{
    return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key"};
}

} // namespace

TlsFiles TlsFiles::generate(const QString& path)
{
    QDir dir(path);
    if (!dir.mkpath(QStringLiteral("."))) throw std::runtime_error("cannot create " + path.toStdString());

    const QStringList longValid {"-days", "3650"};
    const std::vector<Leaf> leaves {
        {"server", "localhost", "ca", "server", longValid},
        {"client", "kiqdesk-client", "ca", "client", longValid},
        {"other-ca-client", "kiqdesk-client", "other-ca", "client", longValid},
        {"expired-server", "localhost", "ca", "server",
            {"-startdate", "20200101000000Z", "-enddate", "20200201000000Z"}},
        {"wrong-host-server", "other.example", "ca", "wronghost", longValid},
        {"soon-server", "localhost", "ca", "server", {"-days", "5"}},
        {"soon-client", "kiqdesk-client", "ca", "client", {"-days", "5"}},
    };

    QString config;
    for (const Leaf& leaf : leaves) {
        config += caSection(leaf.name);
        QFile index(dir.filePath("db-" + leaf.name + "/index.txt"));
        if (!dir.mkpath("db-" + leaf.name) || !index.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw std::runtime_error("cannot create the openssl ca database in " + path.toStdString());
    }
    QFile configFile(dir.filePath(QStringLiteral("ca.cnf")));
    if (!configFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error("cannot write the openssl ca config in " + path.toStdString());
    configFile.write((config + QLatin1String(kExtensions)).toUtf8());
    configFile.close();

    // Phase 1: both CAs (self-signed) and every leaf's key + CSR.
    std::vector<QStringList> jobs;
    for (const auto& [name, cn] : {std::pair {"ca", "Kiqdesk Test CA"}, std::pair {"other-ca", "Kiqdesk Other CA"}}) {
        jobs.push_back(QStringList {"req", "-x509"} + newKey(name)
            + QStringList {"-out", QString(name) + ".crt", "-days", "3650", "-subj", QString("/CN=") + cn, "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    }
    for (const Leaf& leaf : leaves)
        jobs.push_back(QStringList {"req", "-new"} + newKey(leaf.name)
            + QStringList {"-out", leaf.name + ".csr", "-subj", "/CN=" + leaf.cn});
    opensslAll(dir, jobs);

    // Phase 2: sign the leaves.
    jobs.clear();
    for (const Leaf& leaf : leaves)
        jobs.push_back(QStringList {"ca", "-batch", "-config", "ca.cnf", "-name", "ca_" + leaf.name, "-cert",
                           leaf.ca + ".crt", "-keyfile", leaf.ca + ".key", "-in", leaf.name + ".csr", "-out",
                           leaf.name + ".crt", "-extensions", leaf.extensions, "-notext", "-rand_serial"}
            + leaf.validity);
    opensslAll(dir, jobs);

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
    t.soonServerCert = f("soon-server.crt");
    t.soonServerKey = f("soon-server.key");
    t.soonClientCert = f("soon-client.crt");
    t.soonClientKey = f("soon-client.key");
    return t;
}

} // namespace kiq::test
