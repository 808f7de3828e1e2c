#include "util/Error.h"

namespace kiq {

const char* errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Refused:
        return "refused";
    case ErrorKind::Dns:
        return "dns";
    case ErrorKind::Timeout:
        return "timeout";
    case ErrorKind::ConnectionLost:
        return "connection-lost";
    case ErrorKind::Tls:
        return "tls";
    case ErrorKind::ClientCertRequired:
        return "client-cert-required";
    case ErrorKind::Protocol:
        return "protocol";
    case ErrorKind::Usage:
        return "usage";
    case ErrorKind::Config:
        return "config";
    case ErrorKind::Sandbox:
        return "sandbox";
    case ErrorKind::Credentials:
        return "credentials";
    case ErrorKind::WrongPass:
        return "wrongpass";
    case ErrorKind::NoAuth:
        return "noauth";
    case ErrorKind::NoPerm:
        return "noperm";
    case ErrorKind::CrossSlot:
        return "crossslot";
    case ErrorKind::Loading:
        return "loading";
    case ErrorKind::ReadOnly:
        return "readonly";
    case ErrorKind::Moved:
        return "moved";
    case ErrorKind::Ask:
        return "ask";
    case ErrorKind::WrongType:
        return "wrongtype";
    case ErrorKind::Oom:
        return "oom";
    case ErrorKind::TryAgain:
        return "tryagain";
    case ErrorKind::ClusterDown:
        return "clusterdown";
    case ErrorKind::MasterDown:
        return "masterdown";
    case ErrorKind::NoScript:
        return "noscript";
    case ErrorKind::Busy:
        return "busy";
    case ErrorKind::OtherReply:
        return "error";
    }
    return "error";
}

bool Error::isTransient() const
{
    switch (m_kind) {
    case ErrorKind::Refused:
    case ErrorKind::Timeout:
    case ErrorKind::ConnectionLost:
    case ErrorKind::Loading:
    case ErrorKind::TryAgain:
    case ErrorKind::ClusterDown:
    case ErrorKind::MasterDown:
    case ErrorKind::ReadOnly:
        return true;
    default:
        return false;
    }
}

bool Error::isUnreachable() const
{
    switch (m_kind) {
    case ErrorKind::Refused:
    case ErrorKind::Dns:
    case ErrorKind::Timeout:
    case ErrorKind::ConnectionLost:
    case ErrorKind::Tls:
    case ErrorKind::ClientCertRequired:
    case ErrorKind::WrongPass:
    case ErrorKind::NoAuth:
    case ErrorKind::Credentials:
        return true;
    default:
        return false;
    }
}

} // namespace kiq
