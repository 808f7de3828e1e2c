#include "redis/TlsTransport.h"

#include "redis/Errors.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace kiq::redis {

namespace {
bool isIpLiteral(const std::string& host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string opensslErrors()
{
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown OpenSSL error" : out;
}

// Explains a failed certificate verification, naming what the operator should check.
std::string explainVerifyResult(long result, const std::string& host)
{
    const std::string detail = X509_verify_cert_error_string(result);
    switch (result) {
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return "the server's certificate is not signed by a trusted CA (" + detail + "); check the CA file";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return "the server's certificate does not match '" + host + "' (" + detail + ")";
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return "the server's certificate has expired (" + detail + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "the server's certificate is not valid yet (" + detail + "); check the clocks";
    default:
        return "the server's certificate was rejected: " + detail;
    }
}

struct ErrorReason {
    int lib = 0;
    int reason = 0;
};

ErrorReason peekReason()
{
    unsigned long e = ERR_peek_last_error();
    return {ERR_GET_LIB(e), ERR_GET_REASON(e)};
}

// OpenSSL's socket BIO writes with plain send(), so a write to a connection the peer has reset raises
// SIGPIPE and kills the process (GUI, CLI or pool). This BIO is the socket BIO with its write done by
// send(MSG_NOSIGNAL), like TcpTransport: the failure comes back as EPIPE instead. Library code must
// not change the process-wide SIGPIPE disposition, so this is the fix.
int sendNoSignal(BIO* bio, const char* data, int size)
{
    int fd = -1;
    BIO_get_fd(bio, &fd);
    BIO_clear_retry_flags(bio);
    ssize_t n;
    do {
        n = ::send(fd, data, std::size_t(size), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_write(bio);
    return int(n);
}

// OpenSSL's default passphrase callback prompts on the terminal, which blocks a CLI in a script and
// hangs the GUI's connection thread. This one answers with the configured passphrase or refuses.
struct KeyPassphrase {
    const std::string& text;
    bool asked = false;
};

int keyPassphraseCallback(char* buffer, int size, int /*rwflag*/, void* userdata)
{
    auto* passphrase = static_cast<KeyPassphrase*>(userdata);
    passphrase->asked = true;
    const std::size_t length = passphrase->text.size();
    if (length == 0 || length > std::size_t(size)) return -1;
    std::memcpy(buffer, passphrase->text.data(), length);
    return int(length);
}

// Loads the client certificate (with its chain) and key into `ctx`, explaining each way it fails.
void useClientIdentity(SSL_CTX* ctx, const TlsOptions& options)
{
    if (options.certFile.empty()) return;
    KeyPassphrase passphrase {options.keyPassphrase};
    SSL_CTX_set_default_passwd_cb(ctx, keyPassphraseCallback);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &passphrase);
    if (SSL_CTX_use_certificate_chain_file(ctx, options.certFile.c_str()) != 1)
        throw TlsError(ErrorKind::Tls, "cannot load client certificate '" + options.certFile + "': " + opensslErrors());
    const std::string& key = options.keyFile.empty() ? options.certFile : options.keyFile;
    const bool loaded = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr); // `passphrase` dies with this scope
    if (!loaded && passphrase.asked) {
        ERR_clear_error();
        if (options.keyPassphrase.empty())
            throw TlsError(ErrorKind::Tls, "the client key '" + key + "' is encrypted: give its passphrase");
        throw TlsError(ErrorKind::Tls, "wrong passphrase for the client key '" + key + "'");
    }
    if (!loaded) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
            throw TlsError(ErrorKind::Tls,
                "the client key '" + key + "' does not match the client certificate '" + options.certFile + "'");
        throw TlsError(ErrorKind::Tls, "cannot load client key '" + key + "': " + opensslErrors());
    }
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw TlsError(ErrorKind::Tls, "the client key does not match the client certificate");
}

// Called by OpenSSL when the server asks for a client certificate and none is set: note it, send none.
int clientCertRequested(SSL* ssl, X509** /*certificate*/, EVP_PKEY** /*key*/)
{
    if (auto* self = static_cast<bool*>(SSL_get_app_data(ssl))) *self = true;
    return 0;
}

const BIO_METHOD* noSignalSocketMethod()
{
    static const BIO_METHOD* method = [] {
        const BIO_METHOD* socket = BIO_s_socket();
        BIO_METHOD* m = BIO_meth_new(BIO_TYPE_SOCKET, "socket, MSG_NOSIGNAL");
        if (!m) return static_cast<BIO_METHOD*>(nullptr);
        BIO_meth_set_write(m, sendNoSignal);
        BIO_meth_set_read(m, BIO_meth_get_read(socket));
        BIO_meth_set_puts(m, BIO_meth_get_puts(socket));
        BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(socket));
        BIO_meth_set_create(m, BIO_meth_get_create(socket));
        BIO_meth_set_destroy(m, BIO_meth_get_destroy(socket));
        return m;
    }();
    return method;
}
} // namespace

TlsTransport::TlsTransport(const Endpoint& endpoint, const TlsOptions& options, Deadline deadline)
    : m_socket(endpoint, deadline)
    , m_clientCertGiven(!options.certFile.empty())
{
    ERR_clear_error();
    m_ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (!m_ctx) throw TlsError(ErrorKind::Tls, "cannot create TLS context: " + opensslErrors());
    SSL_CTX_set_min_proto_version(m_ctx.get(), TLS1_2_VERSION);

    if (!options.caFile.empty() || !options.caDir.empty()) {
        if (SSL_CTX_load_verify_locations(m_ctx.get(), options.caFile.empty() ? nullptr : options.caFile.c_str(),
                options.caDir.empty() ? nullptr : options.caDir.c_str())
            != 1)
            throw TlsError(ErrorKind::Tls,
                "cannot load CA certificates from '" + (options.caFile.empty() ? options.caDir : options.caFile)
                    + "': " + opensslErrors());
    } else if (SSL_CTX_set_default_verify_paths(m_ctx.get()) != 1) {
        throw TlsError(ErrorKind::Tls, "cannot load the system CA store: " + opensslErrors());
    }
    useClientIdentity(m_ctx.get(), options);
    if (!m_clientCertGiven) SSL_CTX_set_client_cert_cb(m_ctx.get(), clientCertRequested);
    SSL_CTX_set_verify(m_ctx.get(), options.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

    m_ssl.reset(SSL_new(m_ctx.get()));
    if (!m_ssl) throw TlsError(ErrorKind::Tls, "cannot create TLS session: " + opensslErrors());
    BIO* bio = noSignalSocketMethod() ? BIO_new(noSignalSocketMethod()) : nullptr;
    if (!bio) throw TlsError(ErrorKind::Tls, "cannot create the TLS socket layer: " + opensslErrors());
    BIO_set_fd(bio, m_socket.fd(), BIO_NOCLOSE); // the Socket owns the descriptor
    SSL_set_bio(m_ssl.get(), bio, bio); // the SSL owns the BIO (one reference for both directions)
    SSL_set_app_data(m_ssl.get(), &m_clientCertRequested);

    const std::string& name = options.sni.empty() ? endpoint.host : options.sni;
    if (!isIpLiteral(name)) SSL_set_tlsext_host_name(m_ssl.get(), name.c_str()); // SNI is for DNS names only
    if (options.verifyPeer && options.verifyHostname) {
        SSL_set_hostflags(m_ssl.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(m_ssl.get(), name.c_str()) != 1)
            throw TlsError(ErrorKind::Tls, "cannot set the TLS verification name '" + name + "'");
    }

    for (;;) {
        int ret = SSL_connect(m_ssl.get());
        if (ret == 1) break;
        const long verify = SSL_get_verify_result(m_ssl.get());
        if (SSL_get_error(m_ssl.get(), ret) == SSL_ERROR_SSL && verify != X509_V_OK)
            throw TlsError(ErrorKind::Tls,
                "TLS handshake with " + endpoint.toString() + " failed: " + explainVerifyResult(verify, name));
        handleSslResult(ret, deadline, "in the TLS handshake with");
    }
}

TlsTransport::~TlsTransport() = default;

std::vector<CertificateInfo> TlsTransport::peerCertificates() const
{
    std::vector<CertificateInfo> out;
    const std::string source = peerDescription();
    STACK_OF(X509)* chain = SSL_get0_verified_chain(m_ssl.get());
    if (!chain) chain = SSL_get_peer_cert_chain(m_ssl.get());
    if (chain) {
        for (int i = 0; i < sk_X509_num(chain); ++i)
            out.push_back(certificateInfo(
                sk_X509_value(chain, i), i == 0 ? CertificateInfo::Role::Server : CertificateInfo::Role::Ca, source));
    }
    return out;
}

std::string TlsTransport::protocolVersion() const
{
    return SSL_get_version(m_ssl.get());
}

std::string TlsTransport::cipher() const
{
    const char* name = SSL_get_cipher_name(m_ssl.get());
    return name ? name : "";
}

void TlsTransport::checkClientIdentity(const TlsOptions& options)
{
    ERR_clear_error();
    std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw TlsError(ErrorKind::Tls, "cannot create TLS context: " + opensslErrors());
    useClientIdentity(ctx.get(), options);
}

void TlsTransport::CtxDeleter::operator()(SSL_CTX* c) const
{
    SSL_CTX_free(c);
}
void TlsTransport::SslDeleter::operator()(SSL* s) const
{
    SSL_free(s);
}

void TlsTransport::handleSslResult(int ret, Deadline deadline, const char* what)
{
    const int err = SSL_get_error(m_ssl.get(), ret);
    switch (err) {
    case SSL_ERROR_WANT_READ:
        m_socket.waitReadable(deadline, what);
        return;
    case SSL_ERROR_WANT_WRITE:
        m_socket.waitWritable(deadline, what);
        return;
    case SSL_ERROR_ZERO_RETURN:
        throw IoError(ErrorKind::ConnectionLost, "TLS connection closed by server " + peerDescription());
    case SSL_ERROR_SYSCALL: {
        const int saved = errno;
        ERR_clear_error();
        std::string why = saved ? std::strerror(saved) : "unexpected end of stream";
        if (!m_clientCertGiven && !m_replyRead)
            why += " (if the server requires client certificates, configure a certificate and key)";
        throw IoError(ErrorKind::ConnectionLost, "TLS connection to " + peerDescription() + " lost: " + why);
    }
    default: {
        const ErrorReason r = peekReason();
        const std::string detail = opensslErrors();
        // TLS 1.3 sends the server's demand for a client certificate after the handshake, so it
        // surfaces on the first read; TLS 1.2 fails inside the handshake with a generic alert.
        if (r.lib == ERR_LIB_SSL && r.reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED)
            throw TlsError(ErrorKind::ClientCertRequired,
                "the server " + peerDescription()
                    + " requires a client certificate (mTLS); configure a certificate and key");
        if (!m_clientCertGiven && r.lib == ERR_LIB_SSL && r.reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE)
            throw TlsError(ErrorKind::ClientCertRequired,
                "the server " + peerDescription()
                    + " refused the handshake; it probably requires a client certificate (" + detail + ")");
        // The peer vanished without close_notify (killed, link cut): the same transient loss as a
        // plain TCP EOF, so reconnect loops retry it and a Sentinel failover is followed.
        if (r.lib == ERR_LIB_SSL && r.reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            std::string why = "connection closed by server " + peerDescription();
            if (!m_clientCertGiven && !m_replyRead)
                why += " (if the server requires client certificates, configure a certificate and key)";
            throw IoError(ErrorKind::ConnectionLost, why);
        }
        if (r.lib == ERR_LIB_SSL && r.reason == SSL_R_WRONG_VERSION_NUMBER)
            throw TlsError(ErrorKind::Tls,
                "the server " + peerDescription() + " does not speak TLS on this port (" + detail + ")");
        throw TlsError(ErrorKind::Tls, std::string("TLS error ") + what + " " + peerDescription() + ": " + detail);
    }
    }
}

std::size_t TlsTransport::readSome(char* buffer, std::size_t size, Deadline deadline)
{
    for (;;) {
        ERR_clear_error();
        std::size_t got = 0;
        int ret = SSL_read_ex(m_ssl.get(), buffer, size, &got);
        if (ret == 1) {
            m_replyRead = true;
            return got;
        }
        handleSslResult(ret, deadline, "waiting for a reply from");
    }
}

void TlsTransport::writeAll(const char* data, std::size_t size, Deadline deadline)
{
    while (size > 0) {
        ERR_clear_error();
        std::size_t written = 0;
        int ret = SSL_write_ex(m_ssl.get(), data, size, &written);
        if (ret == 1) {
            data += written;
            size -= written;
            continue;
        }
        handleSslResult(ret, deadline, "sending to");
    }
}

bool TlsTransport::hasBufferedData() const
{
    return SSL_pending(m_ssl.get()) > 0;
}

} // namespace kiq::redis
