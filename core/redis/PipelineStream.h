#pragma once
// Commands sent now and their replies read later, in order, on a connection of its own to the node
// that serves one key. For callers that work while the server does: the bulk executor parses and
// prepares the next page while Redis runs the writes of the current one. Client::pipeline, by
// contrast, waits for every reply before returning.
//
// After any error the stream is unusable (the replies still owed are unknown): make a new one.

#include "redis/Client.h"
#include "redis/Connection.h"

#include <memory>
#include <string_view>

namespace kiq::redis {

class PipelineStream {
public:
    // Connects to the node serving `routingKey` (the primary outside Cluster). Throws Error.
    PipelineStream(Client& client, std::string_view routingKey);

    void send(const std::vector<Command>& cmds);
    // The reply to the oldest command sent and not yet received. Server errors are Error replies.
    Reply receive();
    std::size_t pending() const { return m_pending; }

private:
    std::unique_ptr<Connection> m_connection;
    std::string m_keyPrefix;
    std::size_t m_pending = 0;
};

} // namespace kiq::redis
