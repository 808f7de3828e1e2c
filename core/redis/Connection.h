#pragma once
// One authenticated connection to one server node: transport + RESP parser + handshake
// (AUTH, SELECT, CLIENT SETNAME). Blocking, with deadlines. Not thread-safe: one owner at a time.

#include "redis/Command.h"
#include "redis/ConnectionOptions.h"
#include "redis/Reply.h"
#include "redis/RespParser.h"
#include "redis/Transport.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace kiq::redis {

class Connection {
public:
    // Connects and runs the handshake. `password`/`user` are taken from `auth` (so the sentinel
    // credentials can differ from the data nodes'). Throws Error on any failure.
    struct Auth {
        std::string user;
        std::string password;
    };
    Connection(const Endpoint& endpoint, const ConnectionOptions& options, const Auth& auth, int db);

    const Endpoint& endpoint() const { return m_endpoint; }
    bool broken() const { return m_broken; }
    // Broken, or closed by the server while idle (restart, CLIENT KILL, timeout).
    bool unusable() const { return m_broken || m_transport->peerClosed(); }

    // Sends one command and reads its reply. Server errors come back as Reply::Type::Error, not thrown.
    Reply command(const Command& cmd);
    // Sends all commands in one write, then reads the replies in order. `keyPrefix` is applied to
    // every key while formatting (the namespace).
    std::vector<Reply> pipeline(const std::vector<Command>& cmds, const std::string& keyPrefix = {});

    // Lower level, for blocking commands with their own timeout (BRPOP, BLMOVE): the deadline for
    // reading is extended by `extra`.
    void send(const std::vector<Command>& cmds, const std::string& keyPrefix = {});
    Reply receive(std::chrono::milliseconds extra = std::chrono::milliseconds {0});
    // Writes made so far (the handshake's included): each is one round trip, however many commands.
    std::uint64_t sends() const { return m_sends; }

private:
    Reply readReply(Deadline deadline);

    Endpoint m_endpoint;
    std::chrono::milliseconds m_commandTimeout;
    std::unique_ptr<Transport> m_transport;
    RespParser m_parser;
    std::string m_sendBuffer; // reused between calls
    std::vector<char> m_readBuffer;
    std::uint64_t m_sends = 0;
    bool m_broken = false; // set after any transport or protocol error; the owner must drop it
};

} // namespace kiq::redis
