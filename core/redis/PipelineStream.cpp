#include "redis/PipelineStream.h"

#include "redis/Errors.h"

namespace kiq::redis {

PipelineStream::PipelineStream(Client& client, std::string_view routingKey)
    : m_keyPrefix(client.keyPrefix())
{
    const ConnectionOptions& o = client.options();
    const int db = o.topology == Topology::Cluster ? 0 : o.db;
    m_connection
        = std::make_unique<Connection>(client.nodeForKey(routingKey), o, Connection::Auth {o.user, o.password}, db);
}

void PipelineStream::send(const std::vector<Command>& cmds)
{
    if (cmds.empty()) return;
    m_connection->send(cmds, m_keyPrefix);
    m_pending += cmds.size();
}

Reply PipelineStream::receive()
{
    if (m_pending == 0) throw UsageError("PipelineStream::receive with no command outstanding");
    Reply r = m_connection->receive();
    --m_pending;
    return r;
}

} // namespace kiq::redis
