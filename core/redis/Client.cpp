#include "redis/Client.h"

#include "redis/Connection.h"
#include "redis/Errors.h"
#include "redis/KeySlot.h"
#include "redis/SlotMap.h"
#include "util/ParseNumber.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace kiq::redis {

namespace {
constexpr int kMaxRedirects = 5;

struct Redirect {
    int slot = -1;
    Endpoint target;
};

// Parses "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381". An empty host means "the node
// you asked", which Redis sends when the node does not know its own address.
Redirect parseRedirect(const std::string& text, const Endpoint& askedNode)
{
    Redirect r;
    const auto first = text.find(' ');
    const auto second = text.find(' ', first + 1);
    if (first == std::string::npos || second == std::string::npos) throw ProtocolError("malformed redirect: " + text);
    const auto slot = util::parseInteger(std::string_view(text).substr(first + 1, second - first - 1));
    if (!slot || *slot < 0 || *slot > 16383) throw ProtocolError("malformed redirect slot: " + text);
    r.slot = static_cast<int>(*slot);
    const std::string address = text.substr(second + 1);
    const auto colon = address.rfind(':');
    const auto port
        = colon == std::string::npos ? std::nullopt : util::parsePort(std::string_view(address).substr(colon + 1));
    if (!port) throw ProtocolError("malformed redirect address: " + text);
    r.target.host = colon == 0 ? askedNode.host : address.substr(0, colon);
    r.target.port = *port;
    return r;
}

bool isReplyOf(const Reply& r, ErrorKind kind)
{
    return r.isError() && classifyReplyError(r.str) == kind;
}

std::vector<Endpoint> replicasFromInfo(const std::string& info)
{
    // "slave0:ip=127.0.0.1,port=6380,state=online,offset=...,lag=0"
    std::vector<Endpoint> out;
    std::size_t pos = 0;
    while ((pos = info.find("\nslave", pos)) != std::string::npos) {
        auto end = info.find('\n', pos + 1);
        std::string line = info.substr(pos + 1, end - pos - 1);
        pos = end;
        auto ip = line.find("ip="), port = line.find(",port=");
        if (ip == std::string::npos || port == std::string::npos) continue;
        Endpoint e;
        e.host = line.substr(ip + 3, line.find(',', ip) - ip - 3);
        const auto number
            = util::parsePort(std::string_view(line).substr(port + 6, line.find(',', port + 6) - port - 6));
        if (!number) continue; // not an address we could connect to
        e.port = *number;
        out.push_back(e);
    }
    return out;
}
} // namespace

Client::Client(ConnectionOptions options)
    : m_options(std::move(options))
{
    if (auto problem = m_options.validate()) throw UsageError(*problem);
}

Client::~Client() = default;

void Client::connect()
{
    if (m_options.topology == Topology::Cluster) {
        if (!m_slots) refreshTopology();
        connectionTo(m_slots->primaries().front());
    } else {
        primaryConnection();
    }
}

Connection& Client::connectionTo(const Endpoint& endpoint)
{
    const std::string id = endpoint.toString();
    if (auto it = m_connections.find(id); it != m_connections.end()) {
        if (!it->second->unusable()) return *it->second;
        forget(it);
    }
    const int db = m_options.topology == Topology::Cluster ? 0 : m_options.db;
    for (int attempt = 0;; ++attempt) {
        try {
            auto conn = std::make_unique<Connection>(
                endpoint, m_options, Connection::Auth {m_options.user, m_options.password}, db);
            return *m_connections.emplace(id, std::move(conn)).first->second;
        } catch (const Error& e) {
            if (!e.isTransient() || attempt + 1 >= std::max(1, m_options.reconnectAttempts)) throw;
            std::this_thread::sleep_for(m_options.reconnectBaseDelay * (1 << attempt));
        }
    }
}

void Client::reauthenticate(const std::string& user, const std::string& password)
{
    m_options.user = user;
    m_options.password = password;
    // Nothing open (the old credentials were refused, say): connecting now brings the server's verdict.
    if (m_connections.empty()) return connect();
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        // A connection that went away reconnects with the new credentials on its next use.
        if (it->second->unusable()) {
            it = forget(it);
            continue;
        }
        Command auth("AUTH");
        if (!user.empty()) auth.arg(user);
        auth.arg(password);
        Reply r;
        try {
            r = it->second->command(auth);
        } catch (const Error&) {
            it = forget(it);
            continue;
        }
        if (r.isError())
            throw ReplyError(r.str, "re-authenticating on " + it->first + (user.empty() ? "" : " as '" + user + "'"));
        ++it;
    }
}

void Client::dropConnection(const Endpoint& endpoint)
{
    if (auto it = m_connections.find(endpoint.toString()); it != m_connections.end()) forget(it);
}

std::map<std::string, std::unique_ptr<Connection>>::iterator Client::forget(
    std::map<std::string, std::unique_ptr<Connection>>::iterator it)
{
    m_forgottenRoundTrips += it->second->sends();
    return m_connections.erase(it);
}

std::uint64_t Client::roundTrips() const
{
    std::uint64_t n = m_forgottenRoundTrips;
    for (const auto& [id, connection] : m_connections) n += connection->sends();
    return n;
}

Endpoint Client::resolvePrimary()
{
    if (m_options.topology == Topology::Standalone) return m_options.endpoint;
    if (m_options.topology == Topology::Cluster) return primaries().front();

    std::string failures;
    ConnectionOptions sentinelOptions = m_options;
    sentinelOptions.db = 0;
    for (const Endpoint& sentinel : m_options.seeds) {
        try {
            Connection c(sentinel, sentinelOptions, {m_options.sentinelUser, m_options.sentinelPassword}, 0);
            Reply r = c.command(Command("SENTINEL").arg("GET-MASTER-ADDR-BY-NAME").arg(m_options.sentinelMaster));
            r.throwIfError();
            if (r.isNil()) {
                failures
                    += "; sentinel " + sentinel.toString() + " does not know master '" + m_options.sentinelMaster + "'";
                continue;
            }
            const auto parts = r.asStringList();
            if (parts.size() != 2) throw ProtocolError("unexpected SENTINEL GET-MASTER-ADDR-BY-NAME reply");
            const auto port = util::parsePort(parts[1]);
            if (!port) throw ProtocolError("SENTINEL GET-MASTER-ADDR-BY-NAME named an invalid port '" + parts[1] + "'");
            return Endpoint {parts[0], *port};
        } catch (const Error& e) {
            failures += "; sentinel " + sentinel.toString() + ": " + e.what();
        }
    }
    throw IoError(
        ErrorKind::Refused, "no sentinel could name the primary of '" + m_options.sentinelMaster + "'" + failures);
}

Connection& Client::primaryConnection()
{
    if (m_options.topology != Topology::Sentinel) {
        if (!m_primaryKnown) {
            m_primary = resolvePrimary();
            m_primaryKnown = true;
        }
        return connectionTo(m_primary);
    }
    // Sentinel: the named primary may be mid-failover (still a replica, or not yet reconfigured), so
    // ask again with backoff until a node that says it is the master answers.
    for (int attempt = 0;; ++attempt) {
        try {
            // A connection the primary closed (Sentinel sends CLIENT KILL when it demotes a node)
            // means the primary may have moved: ask the sentinels again rather than reconnecting.
            if (auto it = m_connections.find(m_primary.toString());
                m_primaryKnown && it != m_connections.end() && it->second->unusable()) {
                forget(it);
                m_primaryKnown = false;
            }
            if (!m_primaryKnown) {
                m_primary = resolvePrimary();
                m_primaryKnown = true;
            }
            const bool fresh = m_connections.find(m_primary.toString()) == m_connections.end();
            Connection& c = connectionTo(m_primary);
            if (fresh) {
                Reply role = c.command(Command("ROLE"));
                if (role.isArray() && !role.elements.empty() && role.elements[0].str != "master")
                    throw IoError(ErrorKind::ReadOnly,
                        "sentinel named " + m_primary.toString() + " but it is a " + role.elements[0].str);
            }
            return c;
        } catch (const Error& e) {
            dropConnection(m_primary);
            m_primaryKnown = false;
            if (!e.isTransient() || attempt >= 8) throw;
            std::this_thread::sleep_for(m_options.reconnectBaseDelay * (1 << std::min(attempt, 4)));
        }
    }
}

Reply Client::command(const Command& cmd)
{
    return pipeline({cmd}).front();
}

std::vector<Reply> Client::pipeline(const std::vector<Command>& cmds)
{
    if (cmds.empty()) return {};
    if (m_options.topology == Topology::Cluster) return clusterPipeline(cmds);

    const auto send = [this](const std::vector<Command>& batch) {
        Connection& c = primaryConnection();
        try {
            return c.pipeline(batch, m_options.keyPrefix);
        } catch (const IoError&) {
            dropConnection(c.endpoint());
            if (m_options.topology == Topology::Sentinel) m_primaryKnown = false;
            throw;
        }
    };
    std::vector<Reply> replies = send(cmds);
    if (m_options.topology != Topology::Sentinel) return replies;
    // After a failover the node we hold may have become a replica, possibly half-way through the
    // pipeline. A READONLY command did not run there, so one more try on the new primary cannot run it
    // twice; the commands before it did run and are not sent again.
    std::vector<std::size_t> refused;
    std::vector<Command> again;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (!isReplyOf(replies[i], ErrorKind::ReadOnly)) continue;
        refused.push_back(i);
        again.push_back(cmds[i]);
    }
    if (refused.empty()) return replies;
    dropConnection(m_primary);
    m_primaryKnown = false;
    std::vector<Reply> retried = send(again);
    for (std::size_t k = 0; k < refused.size(); ++k) replies[refused[k]] = std::move(retried[k]);
    return replies;
}

std::vector<Reply> Client::pipelineOnNode(const Endpoint& node, const std::vector<Command>& cmds)
{
    Connection& c = connectionTo(node);
    try {
        return c.pipeline(cmds, m_options.keyPrefix);
    } catch (const IoError&) {
        dropConnection(node);
        throw;
    }
}

std::vector<Reply> Client::clusterPipeline(const std::vector<Command>& cmds)
{
    if (!m_slots) refreshTopology();

    std::vector<Reply> replies(cmds.size());
    std::vector<Endpoint> target(cmds.size());
    std::map<std::string, std::vector<std::size_t>> byNode;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        const auto key = cmds[i].firstKey();
        const int slot = key.empty() ? -1 : keySlot(m_options.keyPrefix + std::string(key));
        std::optional<Endpoint> node = key.empty() ? m_slots->primaries().front() : m_slots->primaryForSlot(slot);
        if (!node) throw IoError(ErrorKind::ClusterDown, "no Cluster node serves slot " + std::to_string(slot));
        target[i] = *node;
        byNode[node->toString()].push_back(i);
    }
    // One pipelined round trip per node.
    for (const auto& [id, indexes] : byNode) {
        std::vector<Command> group;
        group.reserve(indexes.size());
        for (auto i : indexes) group.push_back(cmds[i]);
        auto groupReplies = pipelineOnNode(target[indexes.front()], group);
        for (std::size_t k = 0; k < indexes.size(); ++k) replies[indexes[k]] = std::move(groupReplies[k]);
    }

    // Follow redirects one command at a time: they are rare (resharding, failover).
    bool moved = false;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        Endpoint asked = target[i];
        for (int hop = 0; hop < kMaxRedirects && replies[i].isError(); ++hop) {
            const ErrorKind kind = classifyReplyError(replies[i].str);
            if (kind == ErrorKind::Moved) {
                Redirect r = parseRedirect(replies[i].str, asked);
                m_slots->assign(r.slot, r.target);
                moved = true;
                asked = r.target;
                replies[i] = pipelineOnNode(r.target, {cmds[i]}).front();
            } else if (kind == ErrorKind::Ask) {
                Redirect r = parseRedirect(replies[i].str, asked);
                asked = r.target;
                replies[i] = pipelineOnNode(r.target, {Command("ASKING"), cmds[i]}).back();
            } else if (kind == ErrorKind::TryAgain) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50 * (hop + 1)));
                replies[i] = pipelineOnNode(asked, {cmds[i]}).front();
            } else {
                break;
            }
        }
    }
    if (moved) {
        try {
            refreshTopology();
        } catch (const Error&) {
            // The per-slot fixes above already route correctly; a full refresh is retried next time.
        }
    }
    return replies;
}

std::vector<Reply> Client::transaction(const std::vector<Command>& cmds)
{
    std::vector<Command> wrapped;
    wrapped.reserve(cmds.size() + 2);
    wrapped.emplace_back("MULTI");
    for (const auto& c : cmds) wrapped.push_back(c);
    wrapped.emplace_back("EXEC");

    std::vector<Reply> replies;
    if (m_options.topology == Topology::Cluster) {
        // MULTI and EXEC have no key: send the whole block to the node of the first key.
        std::string_view routeKey;
        for (const auto& c : cmds)
            if (!c.firstKey().empty()) {
                routeKey = c.firstKey();
                break;
            }
        const Endpoint node = routeKey.empty() ? primaries().front() : nodeForKey(routeKey);
        replies = pipelineOnNode(node, wrapped);
    } else {
        Connection& c = primaryConnection();
        try {
            replies = c.pipeline(wrapped, m_options.keyPrefix);
        } catch (const IoError&) {
            dropConnection(c.endpoint());
            if (m_options.topology == Topology::Sentinel) m_primaryKnown = false;
            throw;
        }
    }
    for (std::size_t i = 1; i + 1 < replies.size(); ++i)
        if (replies[i].isError()) throw ReplyError(replies[i].str, "in transaction");
    Reply& exec = replies.back();
    exec.throwIfError();
    if (exec.isNil()) throw ReplyError("EXECABORT transaction aborted (a watched key changed)");
    for (std::size_t i = 0; i < exec.elements.size(); ++i)
        if (exec.elements[i].isError()) {
            const std::string text = exec.elements[i].str;
            throw TransactionError(text,
                "in transaction, command " + std::to_string(i + 1) + " (" + cmds[i].name() + ")",
                std::move(exec.elements));
        }
    return std::move(exec.elements);
}

Reply Client::blockingCommand(const Command& cmd, std::chrono::milliseconds blockFor)
{
    Connection* c = nullptr;
    if (m_options.topology == Topology::Cluster) {
        if (!m_slots) refreshTopology();
        c = &connectionTo(nodeForKey(cmd.firstKey()));
    } else {
        c = &primaryConnection();
    }
    try {
        c->send({cmd}, m_options.keyPrefix);
        return c->receive(blockFor);
    } catch (const IoError&) {
        dropConnection(c->endpoint());
        if (m_options.topology == Topology::Sentinel) m_primaryKnown = false;
        throw;
    }
}

Endpoint Client::nodeForKey(std::string_view key)
{
    if (m_options.topology != Topology::Cluster) {
        primaryConnection();
        return m_primary;
    }
    if (!m_slots) refreshTopology();
    const std::string full = m_options.keyPrefix + std::string(key);
    auto node = m_slots->primaryForSlot(keySlot(full));
    if (!node) throw IoError(ErrorKind::ClusterDown, "no Cluster node serves slot " + std::to_string(keySlot(full)));
    return *node;
}

std::vector<Endpoint> Client::primaries()
{
    if (m_options.topology != Topology::Cluster) {
        primaryConnection();
        return {m_primary};
    }
    if (!m_slots) refreshTopology();
    return m_slots->primaries();
}

std::vector<Endpoint> Client::replicasOf(const Endpoint& primary)
{
    Reply info = pipelineOnNode(primary, {Command("INFO").arg("replication")}).front();
    if (info.isError()) return {};
    return replicasFromInfo(info.asString());
}

void Client::refreshTopology()
{
    if (m_options.topology == Topology::Sentinel) {
        m_primaryKnown = false;
        primaryConnection();
        return;
    }
    if (m_options.topology == Topology::Standalone) return;

    std::vector<Endpoint> candidates;
    if (m_slots) candidates = m_slots->primaries();
    for (const auto& s : m_options.seeds) candidates.push_back(s);
    std::string failures;
    for (const auto& node : candidates) {
        try {
            Reply r = pipelineOnNode(node, {Command("CLUSTER").arg("SLOTS")}).front();
            r.throwIfError();
            auto map = std::make_unique<SlotMap>(SlotMap::fromClusterSlots(r));
            if (map->primaries().empty()) throw ProtocolError("CLUSTER SLOTS returned no nodes");
            m_slots = std::move(map);
            return;
        } catch (const Error& e) {
            failures += "; " + node.toString() + ": " + e.what();
        }
    }
    throw IoError(ErrorKind::ClusterDown, "cannot read the Cluster slot map from any node" + failures);
}

NodeReply Client::askNode(const Endpoint& node, bool isPrimary, const Command& cmd)
{
    // A node that fails is reported in its own reply, so one dead replica does not hide the others.
    NodeReply nr {node, isPrimary, {}};
    try {
        nr.reply = pipelineOnNode(node, {cmd}).front();
    } catch (const Error& e) {
        nr.reply = Reply::error(e.what());
    }
    return nr;
}

std::vector<NodeReply> Client::onAllPrimaries(const Command& cmd)
{
    std::vector<NodeReply> out;
    for (const Endpoint& node : primaries()) out.push_back(askNode(node, true, cmd));
    return out;
}

std::vector<NodeReply> Client::onAllNodes(const Command& cmd)
{
    std::vector<NodeReply> out = onAllPrimaries(cmd);
    std::vector<Endpoint> replicas;
    if (m_options.topology == Topology::Cluster) {
        replicas = m_slots->replicas();
    } else {
        for (const auto& p : primaries()) {
            try {
                for (auto& r : replicasOf(p)) replicas.push_back(r);
            } catch (const Error&) {
                // the primary's own reply above already carries its error
            }
        }
    }
    for (const Endpoint& node : replicas) out.push_back(askNode(node, false, cmd));
    return out;
}

} // namespace kiq::redis
