#include "redis/Certificates.h"

#include "redis/Errors.h"
#include "redis/TlsTransport.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>

namespace kiq::redis {

CertificateInfo certificateInfo(X509* certificate, CertificateInfo::Role role, const std::string& source)
{
    CertificateInfo info;
    info.role = role;
    info.source = source;
    X509_NAME* name = X509_get_subject_name(certificate);
    char buf[512];
    if (X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf) > 0)
        info.subject = buf;
    else if (X509_NAME_oneline(name, buf, sizeof buf))
        info.subject = buf;
    std::tm tm {};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &tm) == 1)
        info.notAfter = std::chrono::system_clock::from_time_t(timegm(&tm));
    return info;
}

std::vector<CertificateInfo> certificatesInFile(const std::string& path, CertificateInfo::Role role)
{
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw TlsError(ErrorKind::Tls, "cannot read the certificate file '" + path + "'");
    std::vector<CertificateInfo> out;
    while (X509* x = PEM_read_X509(file.get(), nullptr, nullptr, nullptr)) {
        out.push_back(certificateInfo(x, role, path));
        X509_free(x);
    }
    ERR_clear_error(); // the end of the file reads as an error
    if (out.empty()) throw TlsError(ErrorKind::Tls, "no PEM certificate in '" + path + "'");
    return out;
}

std::vector<CertificateInfo> connectionCertificates(const Endpoint& server, const TlsOptions& tls, Deadline deadline)
{
    std::vector<CertificateInfo> out;
    auto add = [&out](const std::vector<CertificateInfo>& more) {
        for (const auto& c : more) {
            const bool known = std::any_of(out.begin(), out.end(),
                [&](const CertificateInfo& o) { return o.subject == c.subject && o.notAfter == c.notAfter; });
            if (!known) out.push_back(c);
        }
    };
    try {
        add(TlsTransport(server, tls, deadline).peerCertificates());
    } catch (const Error&) {
    }
    try {
        if (!tls.caFile.empty()) add(certificatesInFile(tls.caFile, CertificateInfo::Role::Ca));
    } catch (const Error&) {
    }
    try {
        if (!tls.certFile.empty()) add({certificatesInFile(tls.certFile, CertificateInfo::Role::Client).front()});
    } catch (const Error&) {
    }
    return out;
}

std::vector<CertificateInfo> expiringWithin(
    std::vector<CertificateInfo> certificates, std::chrono::system_clock::time_point now, std::chrono::hours window)
{
    std::erase_if(certificates, [&](const CertificateInfo& c) { return c.notAfter > now + window; });
    std::stable_sort(certificates.begin(), certificates.end(),
        [](const CertificateInfo& a, const CertificateInfo& b) { return a.notAfter < b.notAfter; });
    return certificates;
}

} // namespace kiq::redis
