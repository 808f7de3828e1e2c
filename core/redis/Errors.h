#pragma once
// One error tree for the whole client, mapped in one place (Errors.cpp). Transport failures
// (IoError and below) are kept apart from what the server said (ReplyError), because the first may be
// retried on a new connection and the second never is.

#include <stdexcept>
#include <string>

namespace kiq::redis {

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

private:
    ErrorKind m_kind;
};

class IoError : public Error {
    using Error::Error;
};
class TimeoutError : public IoError {
public:
    explicit TimeoutError(const std::string& message)
        : IoError(ErrorKind::Timeout, message)
    {
    }
};
class TlsError : public IoError {
    using IoError::IoError;
};
class ProtocolError : public Error {
public:
    explicit ProtocolError(const std::string& message)
        : Error(ErrorKind::Protocol, message)
    {
    }
};
class UsageError : public Error {
public:
    explicit UsageError(const std::string& message)
        : Error(ErrorKind::Usage, message)
    {
    }
};

// An error reply from the server. code() is its first word ("NOPERM", "WRONGPASS", "MOVED", ...).
class ReplyError : public Error {
public:
    explicit ReplyError(const std::string& serverText, const std::string& context = {});
    const std::string& code() const { return m_code; }
    const std::string& serverText() const { return m_serverText; }

private:
    std::string m_code;
    std::string m_serverText;
};

// Classifies an error reply's text ("-NOPERM this user has no permissions ...").
ErrorKind classifyReplyError(const std::string& serverText);

} // namespace kiq::redis
