#pragma once
// The certificates a TLS connection relies on, and when each expires: the sidebar and the Fleet view
// warn two weeks ahead, because certificates rotate every 30 to 90 days and an expired one takes a
// deployment down with nothing more than a handshake error. Files are read afresh on every call, as
// every connect does (TlsTransport), so a rotated file needs no profile edit.

#include "redis/ConnectionOptions.h"
#include "redis/Transport.h"

#include <chrono>
#include <string>
#include <vector>

typedef struct x509_st X509;

namespace kiq::redis {

struct CertificateInfo {
    enum class Role { Server, Ca, Client };
    Role role = Role::Server;
    std::string subject; // the common name, else the one-line subject
    std::string issuer; // the issuer's common name, else its one-line name
    // The names a client may connect with: subjectAltName DNS and IP entries, else the common name (as
    // OpenSSL's host check falls back to it).
    std::vector<std::string> names;
    std::string source; // the file it came from, or "host:port" for what the server sent
    std::chrono::system_clock::time_point notBefore;
    std::chrono::system_clock::time_point notAfter;
};

inline constexpr std::chrono::hours kCertificateWarningWindow {14 * 24};

CertificateInfo certificateInfo(X509* certificate, CertificateInfo::Role role, const std::string& source);
// Whether `host` (a DNS name or an IP literal) is one of `names`, a "*." wildcard covering exactly one
// leftmost label, as TLS verification matches it. For explaining a mismatch, not for verifying.
bool certificateNameMatches(const std::vector<std::string>& names, const std::string& host);
// "2027-01-31" (UTC), for messages.
std::string certificateDate(std::chrono::system_clock::time_point when);
// Every certificate in a PEM file, in order (a CA bundle holds several). Throws TlsError when the file
// cannot be read or holds none.
std::vector<CertificateInfo> certificatesInFile(const std::string& path, CertificateInfo::Role role);
// The CA file's certificates, the client certificate (the first in its file) and, from a TLS handshake
// with `server` (no Redis command is sent), the server's certificate and the chain it was verified with
// (which covers a CA directory and the system store). What cannot be read or reached is left out: the
// connection itself reports those errors.
std::vector<CertificateInfo> connectionCertificates(const Endpoint& server, const TlsOptions& tls, Deadline deadline);
// Those expiring before now + window (or expired already), soonest first.
std::vector<CertificateInfo> expiringWithin(std::vector<CertificateInfo> certificates,
    std::chrono::system_clock::time_point now, std::chrono::hours window = kCertificateWarningWindow);

} // namespace kiq::redis
