#include "redis/Transport.h"

#include "redis/TcpTransport.h"
#include "redis/TlsTransport.h"

namespace kiq::redis {

std::unique_ptr<Transport> openTransport(const Endpoint& endpoint, const TlsOptions& tls, Deadline deadline)
{
    if (tls.enabled) return std::make_unique<TlsTransport>(endpoint, tls, deadline);
    return std::make_unique<TcpTransport>(endpoint, deadline);
}

} // namespace kiq::redis
