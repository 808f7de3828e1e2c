#pragma once
// Test PKI made with the openssl CLI at test time (EC P-256: fast to generate).

#include <QString>

namespace kiq::test {

// All paths are absolute PEM files inside `dir`.
struct TlsFiles {
    QString dir;
    QString caCert, caKey; // the CA every server and client trusts
    QString serverCert, serverKey; // SAN DNS:localhost, IP:127.0.0.1; signed by the CA
    QString clientCert, clientKey; // extendedKeyUsage clientAuth; signed by the CA
    QString otherCaCert, otherCaKey; // an independent CA ("wrong CA" tests)
    QString otherCaClientCert, otherCaClientKey; // a client cert signed by the other CA (server must refuse it)
    QString expiredServerCert, expiredServerKey; // like serverCert but valid only in Jan 2020
    QString wrongHostServerCert, wrongHostServerKey; // signed by the CA, SAN DNS:other.example only
    QString soonServerCert, soonServerKey; // like serverCert but expiring in 5 days (expiry warnings)
    QString soonClientCert, soonClientKey; // like clientCert but expiring in 5 days

    // Generates everything into `dir` (created if missing). Throws std::runtime_error with openssl's
    // output if a step fails.
    static TlsFiles generate(const QString& dir);
};

} // namespace kiq::test
