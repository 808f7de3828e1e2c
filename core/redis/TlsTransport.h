#pragma once
// TLS transport on OpenSSL 3 over a non-blocking socket. Verification is on by default: the chain
// against the CA file/dir or the system store, and the host (or SNI name) against the certificate.
// Failures are explained in plain words (unknown CA, hostname mismatch, expired, client certificate
// required) because "handshake failed" tells an operator nothing.

#include "redis/Certificates.h"
#include "redis/Socket.h"
#include "redis/Transport.h"

#include <memory>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace kiq::redis {

class TlsTransport final : public Transport {
public:
    TlsTransport(const Endpoint& endpoint, const TlsOptions& options, Deadline deadline);
    ~TlsTransport() override;

    std::size_t readSome(char* buffer, std::size_t size, Deadline deadline) override;
    void writeAll(const char* data, std::size_t size, Deadline deadline) override;
    bool hasBufferedData() const override;
    bool peerClosed() const override { return m_socket.idleReadable(); }
    std::string peerDescription() const override { return m_socket.endpoint().toString(); }
    // What the server sent: its certificate first (Role::Server), then the chain it was verified with
    // (or, without verification, the rest of what it sent) as Role::Ca.
    std::vector<CertificateInfo> peerCertificates() const;
    std::string protocolVersion() const; // "TLSv1.3"
    std::string cipher() const; // "TLS_AES_256_GCM_SHA384"
    // The server asked for a client certificate and none was configured (a server that only asks
    // still lets the connection through; one that requires it refuses at the first read on TLS 1.3).
    bool clientCertificateRequested() const { return m_clientCertRequested; }

    // Loads the client certificate and key of `options` as a connect would, without connecting: throws
    // TlsError with the same explanation (unreadable file, encrypted key without passphrase, wrong
    // passphrase, key and certificate that do not match). Does nothing without a certificate.
    static void checkClientIdentity(const TlsOptions& options);

private:
    // Waits as OpenSSL asks after `ret` from an SSL_* call; throws a classified error otherwise.
    void handleSslResult(int ret, Deadline deadline, const char* what);

    struct CtxDeleter {
        void operator()(SSL_CTX* c) const;
    };
    struct SslDeleter {
        void operator()(SSL* s) const;
    };

    Socket m_socket;
    bool m_clientCertGiven;
    // Once the server has answered, a lost connection is not its refusal of a missing client certificate.
    bool m_replyRead = false;
    bool m_clientCertRequested = false;
    std::unique_ptr<SSL_CTX, CtxDeleter> m_ctx;
    std::unique_ptr<SSL, SslDeleter> m_ssl;
};

} // namespace kiq::redis
