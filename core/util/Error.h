#pragma once
// The root of every error Kiqdesk raises on purpose: the Redis client's tree (redis/Errors.h), bad
// configuration, the sandbox. Callers catch kiq::Error and read kind() to decide (retry, exit code,
// how to show it); what() is meant for the user as it stands and never holds a secret.

#include <stdexcept>
#include <string>

namespace kiq {

enum class ErrorKind {
    // transport
    Refused,
    Dns,
    Timeout,
    ConnectionLost,
    Tls,
    ClientCertRequired,
    // protocol and usage
    Protocol,
    Usage,
    Config, // a handler configuration or pool spec that cannot be used
    Sandbox, // the local sandbox could not start
    Credentials, // a secret could not be had: the credential helper failed, the keychain is unreachable

    // server replies
    WrongPass,
    NoAuth,
    NoPerm,
    CrossSlot,
    Loading,
    ReadOnly,
    Moved,
    Ask,
    WrongType,
    Oom,
    TryAgain,
    ClusterDown,
    MasterDown,
    NoScript,
    Busy,
    OtherReply,
};

const char* errorKindName(ErrorKind kind);

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message)
        : std::runtime_error(message)
        , m_kind(kind)
    {
    }
    ErrorKind kind() const { return m_kind; }
    // True for failures where a fresh connection may succeed (transport, LOADING, TRYAGAIN, failover).
    bool isTransient() const;
    // True when the deployment could not be reached or logged into at all (transport, TLS, AUTH, the
    // secret's source): what the CLI's exit code and the health check's "unreachable" both mean.
    bool isUnreachable() const;

private:
    ErrorKind m_kind;
};

// A configuration that cannot be used (a handler file, a queue list, a pool spec); says where and why.
class ConfigError : public Error {
public:
    explicit ConfigError(const std::string& message)
        : Error(ErrorKind::Config, message)
    {
    }
};

} // namespace kiq
