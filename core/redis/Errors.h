#pragma once
// The Redis client's errors, under kiq::Error (util/Error.h), mapped from replies in one place
// (Errors.cpp). Transport failures (IoError and below) are kept apart from what the server said
// (ReplyError), because the first may be retried on a new connection and the second never is.

#include "util/Error.h"

#include <string>

namespace kiq::redis {

// The root and its kinds live in util/Error.h; the client names them as its own.
using kiq::Error;
using kiq::ErrorKind;
using kiq::errorKindName;

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
// What a NOPERM refusal (anywhere in `text`) says the ACL user lacks, as the rule that grants it: "+info",
// "+acl|users", "+client|list", or "~<the keys>" / "&<the channels>" when it is about keys or channels.
// Empty when `text` is no NOPERM. For "not permitted for user X: needs +info" instead of a raw error.
std::string missingPermission(const std::string& text);

} // namespace kiq::redis
