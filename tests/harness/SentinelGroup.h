#pragma once
// A primary, one replica and one sentinel monitoring them as "mymaster", all on loopback; with
// TlsFiles all three speak TLS only (replication and the sentinel's links included).

#include "harness/RedisServer.h"

#include <memory>

namespace kiq::test {

class SentinelGroup {
public:
    // Starts all three and waits until the replica is linked (master_link_status:up) and the sentinel
    // knows both the master and the replica (so a failover can be asked for at once). Throws
    // std::runtime_error on timeout.
    explicit SentinelGroup(const TlsFiles* tls = nullptr); // tls must outlive the group
    ~SentinelGroup();
    SentinelGroup(const SentinelGroup&) = delete;
    SentinelGroup& operator=(const SentinelGroup&) = delete;

    RedisServer& primary() { return *m_primary; } // the initial primary
    RedisServer& replica() { return *m_replica; } // the initial replica
    RedisServer& sentinel() { return *m_sentinel; }
    int sentinelPort() const { return m_sentinel->port(); }
    QString masterName() const { return QStringLiteral("mymaster"); }

    // Port the sentinel currently reports for the master (SENTINEL get-master-addr-by-name), or 0.
    int reportedMasterPort() const;
    // Whichever of primary()/replica() the sentinel reports as master now.
    RedisServer& currentMaster();

    // SENTINEL FAILOVER mymaster, then waits (<= 15 s) until the sentinel reports the old replica as
    // master and that node's ROLE says master; then makes the old master a replica of the new one and
    // waits until it is linked (sentinel alone would take ~10 s more). Throws std::runtime_error on
    // timeout. Afterwards the roles of primary() and replica() are swapped; failover() again swaps back.
    void failover();

private:
    std::unique_ptr<RedisServer> m_primary, m_replica, m_sentinel;
};

} // namespace kiq::test
