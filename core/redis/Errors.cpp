#include "redis/Errors.h"

#include <array>
#include <utility>

namespace kiq::redis {

ErrorKind classifyReplyError(const std::string& text)
{
    static const std::array<std::pair<const char*, ErrorKind>, 16> codes {{
        {"WRONGPASS", ErrorKind::WrongPass},
        {"NOAUTH", ErrorKind::NoAuth},
        {"NOPERM", ErrorKind::NoPerm},
        {"CROSSSLOT", ErrorKind::CrossSlot},
        {"LOADING", ErrorKind::Loading},
        {"READONLY", ErrorKind::ReadOnly},
        {"MOVED", ErrorKind::Moved},
        {"ASK", ErrorKind::Ask},
        {"WRONGTYPE", ErrorKind::WrongType},
        {"OOM", ErrorKind::Oom},
        {"TRYAGAIN", ErrorKind::TryAgain},
        {"CLUSTERDOWN", ErrorKind::ClusterDown},
        {"MASTERDOWN", ErrorKind::MasterDown},
        {"NOSCRIPT", ErrorKind::NoScript},
        {"BUSY", ErrorKind::Busy},
        {"NOREPLICAS", ErrorKind::ReadOnly},
    }};
    const auto space = text.find(' ');
    const std::string code = text.substr(0, space);
    for (const auto& [name, kind] : codes)
        if (code == name) return kind;
    // Redis < 6 answers a failed AUTH with a generic ERR.
    if (text.rfind("ERR invalid password", 0) == 0) return ErrorKind::WrongPass;
    return ErrorKind::OtherReply;
}

std::string missingPermission(const std::string& text)
{
    if (text.find("NOPERM") == std::string::npos) return {};
    // Redis 6/7: "... no permissions to run the 'info' command"; Redis 7.2+: "User x has no permissions to
    // run the 'acl|users' command".
    const std::string run = "to run the '";
    if (const auto at = text.find(run); at != std::string::npos) {
        const auto from = at + run.size();
        const auto to = text.find('\'', from);
        if (to != std::string::npos && to > from) return "+" + text.substr(from, to - from);
    }
    if (text.find("key") != std::string::npos) return "~<the keys>";
    if (text.find("channel") != std::string::npos) return "&<the channels>";
    return "more rights";
}

namespace {
std::string describeReplyError(const std::string& text, const std::string& context)
{
    std::string message;
    switch (classifyReplyError(text)) {
    case ErrorKind::WrongPass:
        message = "authentication failed: wrong username or password";
        break;
    case ErrorKind::NoAuth:
        message = "the server requires a password (NOAUTH)";
        break;
    case ErrorKind::NoPerm:
        message = "permission denied by the server's ACL";
        break;
    case ErrorKind::CrossSlot:
        message = "keys of one command are in different Cluster slots";
        break;
    case ErrorKind::Loading:
        message = "the server is loading its dataset; try again shortly";
        break;
    case ErrorKind::ReadOnly:
        message = "the node is a read-only replica";
        break;
    case ErrorKind::Oom:
        message = "the server is out of memory (maxmemory reached); the write was refused";
        break;
    default:
        break;
    }
    std::string out = message.empty() ? text : message + " (" + text + ")";
    if (!context.empty()) out = context + ": " + out;
    return out;
}
} // namespace

ReplyError::ReplyError(const std::string& serverText, const std::string& context)
    : Error(classifyReplyError(serverText), describeReplyError(serverText, context))
    , m_code(serverText.substr(0, serverText.find(' ')))
    , m_serverText(serverText)
{
}

} // namespace kiq::redis
