#pragma once
// The blocking client for worker threads and the CLI. Knows the topology: standalone, Sentinel
// (resolves the primary and follows failovers) and Cluster (slot map, MOVED/ASK, fan-out).
// Applies the namespace prefix to every key (Command::key) in one place: here.
//
// Reconnection: a transport failure marks the node's connection broken and throws; the next call
// reconnects with backoff (ConnectionOptions::reconnectAttempts). A command is never re-sent after it
// may have reached the server, so nothing runs twice behind the caller's back.
//
// Not thread-safe: give each thread its own Client (they are cheap).

#include "redis/Command.h"
#include "redis/ConnectionOptions.h"
#include "redis/Errors.h"
#include "redis/Reply.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiq::redis {

class Connection;
class SlotMap;

// A transaction that ran (EXEC answered) but where some commands failed (WRONGTYPE and the like).
// Redis does not roll back: the other commands took effect. replies() are EXEC's, errors included.
class TransactionError : public ReplyError {
public:
    TransactionError(const std::string& serverText, const std::string& context, std::vector<Reply> replies)
        : ReplyError(serverText, context)
        , m_replies(std::move(replies))
    {
    }
    const std::vector<Reply>& replies() const { return m_replies; }

private:
    std::vector<Reply> m_replies;
};

struct NodeReply {
    Endpoint node;
    bool isPrimary = true;
    Reply reply; // an Error reply if the node failed (transport errors are turned into Error replies)
};

class Client {
public:
    explicit Client(ConnectionOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    const ConnectionOptions& options() const { return m_options; }
    const std::string& keyPrefix() const { return m_options.keyPrefix; }

    // Connects now (instead of on first use), so errors surface early. Throws Error.
    void connect();

    Reply command(const Command& cmd);
    // Replies in the order of `cmds`. On Cluster the commands are grouped per node, each group is one
    // pipelined round trip, and MOVED/ASK replies are followed per command. On Sentinel, commands a
    // demoted primary answered with READONLY (and only those: the others ran) are sent once more to
    // the new primary.
    std::vector<Reply> pipeline(const std::vector<Command>& cmds);
    // MULTI/EXEC around `cmds`; returns EXEC's replies. On Cluster all keys must share one slot.
    // Throws ReplyError when nothing ran (a command refused while queued, EXECABORT) and
    // TransactionError when EXEC ran but a command in it answered with an error.
    std::vector<Reply> transaction(const std::vector<Command>& cmds);
    // A blocking command (BRPOP, BLMOVE, ...) whose server-side timeout is `blockFor`.
    Reply blockingCommand(const Command& cmd, std::chrono::milliseconds blockFor);

    // Fan-out for INFO, ACL, SCAN and friends. Standalone and Sentinel: the one primary (and, for
    // allNodes, its replicas as reported by INFO replication).
    std::vector<NodeReply> onAllPrimaries(const Command& cmd);
    std::vector<NodeReply> onAllNodes(const Command& cmd);

    // The node a key lives on (Cluster) or the primary; for display and tests.
    Endpoint nodeForKey(std::string_view key);
    // Every primary currently known (one for standalone/Sentinel).
    std::vector<Endpoint> primaries();
    // Re-reads the Cluster slot map or re-asks the sentinels.
    void refreshTopology();

    // New credentials (a rotated password, a refreshed token): AUTH on every open connection, which
    // stays open (same CLIENT ID), and the new ones for later connections; with none open, connects.
    // Throws ReplyError (WRONGPASS) when a node refuses them; connections already switched keep them.
    void reauthenticate(const std::string& user, const std::string& password);

    // Network round trips so far (one per write of one or more commands, handshakes included, on every
    // node): what "cheap on Redis" is counted in by tests and benches.
    std::uint64_t roundTrips() const;

private:
    Connection& connectionTo(const Endpoint& endpoint);
    Connection& primaryConnection();
    Endpoint resolvePrimary();
    std::vector<Reply> pipelineOnNode(const Endpoint& node, const std::vector<Command>& cmds);
    std::vector<Reply> clusterPipeline(const std::vector<Command>& cmds);
    std::vector<Endpoint> replicasOf(const Endpoint& primary);
    NodeReply askNode(const Endpoint& node, bool isPrimary, const Command& cmd);
    void dropConnection(const Endpoint& endpoint);
    // Erases a connection, keeping its round trips in the count.
    std::map<std::string, std::unique_ptr<Connection>>::iterator forget(
        std::map<std::string, std::unique_ptr<Connection>>::iterator it);

    ConnectionOptions m_options;
    std::map<std::string, std::unique_ptr<Connection>> m_connections; // by Endpoint::toString()
    std::unique_ptr<SlotMap> m_slots;
    Endpoint m_primary;
    bool m_primaryKnown = false;
    std::uint64_t m_forgottenRoundTrips = 0; // of connections closed since
};

} // namespace kiq::redis
