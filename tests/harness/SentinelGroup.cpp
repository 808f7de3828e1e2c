#include "harness/SentinelGroup.h"

#include "harness/TestEnv.h"

#include <stdexcept>

namespace kiq::test {
namespace {

[[noreturn]] void fail(const QString& what, RedisServer& sentinel)
{
    throw std::runtime_error(("SentinelGroup: " + what + "\nSentinel log tail:\n" + sentinel.logTail()).toStdString());
}

QString firstLine(const QString& text)
{
    return text.section(u'\n', 0, 0).trimmed();
}

} // namespace

SentinelGroup::SentinelGroup(const TlsFiles* tls)
{
    const auto withTls = [tls](RedisServer::Options o) {
        o.tls = tls != nullptr;
        o.tlsFiles = tls;
        return o;
    };
    // Without a zero diskless-sync delay the replica needs ~5 s to link (platform notes).
    RedisServer::Options p;
    p.name = QStringLiteral("sentinel-primary");
    p.extraArgs = {"--repl-diskless-sync-delay", "0"};
    m_primary = std::make_unique<RedisServer>(withTls(p));

    RedisServer::Options r;
    r.name = QStringLiteral("sentinel-replica");
    r.extraArgs = {"--replicaof", "127.0.0.1", QString::number(m_primary->port()), "--repl-diskless-sync-delay", "0"};
    m_replica = std::make_unique<RedisServer>(withTls(r));

    RedisServer::Options s;
    s.name = QStringLiteral("sentinel");
    s.sentinel = true;
    // Sentinel rewrites this file, so it lives in the sentinel's own temp dir (RedisServer writes it).
    s.configText = QStringLiteral("sentinel monitor mymaster 127.0.0.1 %1 1\n"
                                  "sentinel down-after-milliseconds mymaster 1000\n"
                                  "sentinel failover-timeout mymaster 5000\n")
                       .arg(m_primary->port());
    m_sentinel = std::make_unique<RedisServer>(withTls(s));

    if (!waitUntil(
            [this] { return m_replica->info("replication", "master_link_status") == QLatin1String("up"); }, 10000))
        fail(QStringLiteral("replica did not link to the primary. Replica log:\n") + m_replica->logTail(), *m_sentinel);
    if (!waitUntil([this] { return reportedMasterPort() == m_primary->port(); }, 10000))
        fail(QStringLiteral("sentinel does not report the master"), *m_sentinel);
    // SENTINEL FAILOVER answers NOGOODREPLICA until the sentinel has seen the replica in the primary's INFO.
    const QString replicaPort = QString::number(m_replica->port());
    if (!waitUntil(
            [&] {
                const QStringList lines = m_sentinel->cli({"SENTINEL", "REPLICAS", "mymaster"}).split(u'\n');
                const int portIdx = lines.indexOf(QStringLiteral("port"));
                const int flagsIdx = lines.indexOf(QStringLiteral("flags"));
                return portIdx >= 0 && flagsIdx >= 0 && lines.value(portIdx + 1) == replicaPort
                    && lines.value(flagsIdx + 1) == QLatin1String("slave");
            },
            10000))
        fail(QStringLiteral("sentinel did not discover the replica"), *m_sentinel);
}

SentinelGroup::~SentinelGroup()
{
    // Sentinel first, so it does not start a failover while the servers go down.
    m_sentinel.reset();
    m_replica.reset();
    m_primary.reset();
}

int SentinelGroup::reportedMasterPort() const
{
    const QStringList lines = m_sentinel->cli({"SENTINEL", "get-master-addr-by-name", "mymaster"}).split(u'\n');
    return lines.size() == 2 ? lines[1].trimmed().toInt() : 0;
}

RedisServer& SentinelGroup::currentMaster()
{
    const int port = reportedMasterPort();
    if (port == m_primary->port()) return *m_primary;
    if (port == m_replica->port()) return *m_replica;
    fail(QStringLiteral("sentinel reports an unknown master port %1").arg(port), *m_sentinel);
}

void SentinelGroup::failover()
{
    RedisServer& oldMaster = currentMaster();
    RedisServer& target = &oldMaster == m_primary.get() ? *m_replica : *m_primary;
    QString answer;
    // Retry briefly: right after a previous failover the sentinel may still refuse (INPROG/NOGOODREPLICA).
    if (!waitUntil(
            [&] {
                answer = m_sentinel->cli({"SENTINEL", "FAILOVER", "mymaster"});
                return answer == QLatin1String("OK");
            },
            10000, 200))
        fail("SENTINEL FAILOVER answered: " + answer, *m_sentinel);
    if (!waitUntil(
            [&] {
                return reportedMasterPort() == target.port()
                    && firstLine(target.cli({"ROLE"})) == QLatin1String("master");
            },
            15000, 50))
        fail(QStringLiteral("failover to port %1 did not complete in 15 s").arg(target.port()), *m_sentinel);
    // Sentinel itself demotes the old master only ~10 s later (+convert-to-slave after its next INFO
    // refresh); until then there would be two masters. Do what it would do, now, and wait for the link,
    // so the group is coherent and can fail over again.
    oldMaster.cli({"REPLICAOF", target.host(), QString::number(target.port())});
    if (!waitUntil([&] { return oldMaster.info("replication", "master_link_status") == QLatin1String("up"); }, 10000))
        fail(QStringLiteral("old master on port %1 did not link to the new one").arg(oldMaster.port()), *m_sentinel);
}

} // namespace kiq::test
