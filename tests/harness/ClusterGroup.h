#pragma once
// A Redis Cluster of three primaries (no replicas) on loopback, slots split by `redis-cli --cluster create`.

#include "harness/RedisServer.h"

#include <QList>
#include <QMap>
#include <QStringList>

#include <memory>
#include <vector>

namespace kiq::test {

class ClusterGroup {
public:
    // Starts three cluster-enabled servers, creates the cluster and waits (<= 15 s) for cluster_state:ok
    // on all three. Throws std::runtime_error on failure.
    ClusterGroup();
    ~ClusterGroup();
    ClusterGroup(const ClusterGroup&) = delete;
    ClusterGroup& operator=(const ClusterGroup&) = delete;

    static constexpr int size() { return 3; }
    RedisServer& node(int i) { return *m_nodes.at(size_t(i)); }
    QList<int> ports() const;
    int seedPort() const { return m_nodes.front()->port(); }
    QString nodeId(int i) const { return m_ids.at(i); } // CLUSTER MYID

    // CLUSTER KEYSLOT key, asked of the server.
    int keySlot(const QString& key);
    // Index of the node that owns `slot` according to CLUSTER NODES on node(0), or -1.
    int ownerIndex(int slot);

    // Puts `slot` into migration from node(fromIndex) to node(toIndex): IMPORTING on the target,
    // MIGRATING on the source, then MIGRATEs `keys` (which must hash to `slot`) to the target. A request
    // for one of those keys sent to the source now answers -ASK <slot> 127.0.0.1:<target port>.
    void migrateSlot(int slot, int fromIndex, int toIndex, const QStringList& keys = {});
    // Moves every remaining key of `slot` to node(toIndex) and assigns the slot to it on all nodes
    // (CLUSTER SETSLOT slot NODE id); waits until every node agrees.
    void finishMigration(int slot, int toIndex);

    // Waits (<= timeoutMs) until every running node reports cluster_state:ok.
    bool waitForOk(int timeoutMs);

private:
    void migrateKeys(int slot, int fromIndex, int toIndex, const QStringList& keys);

    std::vector<std::unique_ptr<RedisServer>> m_nodes;
    QStringList m_ids;
    QMap<int, int> m_migrationSource; // slot -> fromIndex while migrating
};

} // namespace kiq::test
