#include "redis/Certificates.h"

#include "redis/Errors.h"
#include "redis/TlsTransport.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

namespace kiq::redis {

namespace {
std::string nameText(X509_NAME* name)
{
    char buf[512];
    if (X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf) > 0) return buf;
    if (X509_NAME_oneline(name, buf, sizeof buf)) return buf;
    return {};
}

std::chrono::system_clock::time_point asTimePoint(const ASN1_TIME* time)
{
    std::tm tm {};
    if (ASN1_TIME_to_tm(time, &tm) != 1) return {};
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string lower(std::string s)
{
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
} // namespace

bool certificateNameMatches(const std::vector<std::string>& names, const std::string& host)
{
    const std::string h = lower(host);
    for (const auto& n : names) {
        const std::string name = lower(n);
        if (name == h) return true;
        // "*.example.com" covers "a.example.com", not "example.com" nor "a.b.example.com"
        const auto dot = h.find('.');
        if (name.starts_with("*.") && dot != std::string::npos && dot > 0 && name.substr(1) == h.substr(dot))
            return true;
    }
    return false;
}

std::string certificateDate(std::chrono::system_clock::time_point when)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

CertificateInfo certificateInfo(X509* certificate, CertificateInfo::Role role, const std::string& source)
{
    CertificateInfo info;
    info.role = role;
    info.source = source;
    info.subject = nameText(X509_get_subject_name(certificate));
    info.issuer = nameText(X509_get_issuer_name(certificate));
    if (auto* sans
        = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr))) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
            if (n->type == GEN_DNS) {
                const ASN1_STRING* dns = n->d.dNSName;
                info.names.emplace_back(
                    reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)), std::size_t(ASN1_STRING_length(dns)));
            } else if (n->type == GEN_IPADD) {
                const ASN1_OCTET_STRING* ip = n->d.iPAddress;
                char text[INET6_ADDRSTRLEN] = {};
                const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
                if (ASN1_STRING_length(ip) == 4 || ASN1_STRING_length(ip) == 16)
                    if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text)) info.names.emplace_back(text);
            }
        }
        GENERAL_NAMES_free(sans);
    }
    if (info.names.empty() && !info.subject.empty()) info.names.push_back(info.subject);
    info.notBefore = asTimePoint(X509_get0_notBefore(certificate));
    info.notAfter = asTimePoint(X509_get0_notAfter(certificate));
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
