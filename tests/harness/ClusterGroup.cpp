#include "harness/ClusterGroup.h"

#include "harness/Process.h"
#include "harness/TestEnv.h"

#include <stdexcept>

namespace kiq::test {
namespace {

[[noreturn]] void fail(const QString& what)
{
    throw std::runtime_error(("ClusterGroup: " + what).toStdString());
}

// The line of CLUSTER NODES output that describes node `id`.
QString nodesLine(const QString& nodes, const QString& id)
{
    for (const QString& line : nodes.split(u'\n'))
        if (line.section(u' ', 0, 0) == id) return line;
    return {};
}

// Whether a CLUSTER NODES line lists `slot` among its ranges ("0-5460", "42"; fields 8+), ignoring the
// "[slot->-id]" / "[slot-<-id]" migration markers.
bool nodeLineOwns(const QString& line, int slot)
{
    const QStringList fields = line.split(u' ', Qt::SkipEmptyParts);
    for (qsizetype i = 8; i < fields.size(); ++i) {
        const QString& f = fields[i];
        if (f.startsWith(u'[')) continue;
        const int dash = int(f.indexOf(u'-'));
        const int lo = (dash < 0 ? f : f.left(dash)).toInt();
        const int hi = dash < 0 ? lo : f.mid(dash + 1).toInt();
        if (slot >= lo && slot <= hi) return true;
    }
    return false;
}

} // namespace

ClusterGroup::ClusterGroup()
{
    for (int i = 0; i < size(); ++i) {
        RedisServer::Options o;
        o.cluster = true;
        o.name = QStringLiteral("cluster%1").arg(i);
        m_nodes.push_back(std::make_unique<RedisServer>(o));
        m_ids << m_nodes.back()->cli({"CLUSTER", "MYID"});
    }
    QStringList args {"--cluster", "create"};
    for (const auto& n : m_nodes) args << n->address();
    args << "--cluster-replicas"
         << "0"
         << "--cluster-yes";
    const ProcessResult r = runProcess(QStringLiteral("redis-cli"), args, 30000);
    if (r.exitCode != 0) fail("redis-cli --cluster create failed:\n" + r.out + r.err);
    if (!waitForOk(15000))
        fail("cluster_state is not ok after 15 s. Node 0 CLUSTER INFO:\n" + node(0).cli({"CLUSTER", "INFO"})
            + "\nlog tail:\n" + node(0).logTail());
}

ClusterGroup::~ClusterGroup() = default;

QList<int> ClusterGroup::ports() const
{
    QList<int> p;
    for (const auto& n : m_nodes) p << n->port();
    return p;
}

bool ClusterGroup::waitForOk(int timeoutMs)
{
    return waitUntil(
        [this] {
            for (const auto& n : m_nodes) {
                if (n->isRunning() && !n->cli({"CLUSTER", "INFO"}).contains(QLatin1String("cluster_state:ok")))
                    return false;
            }
            return true;
        },
        timeoutMs, 50);
}

int ClusterGroup::keySlot(const QString& key)
{
    bool ok = false;
    const int slot = node(0).cli({"CLUSTER", "KEYSLOT", key}).toInt(&ok);
    if (!ok) fail("CLUSTER KEYSLOT failed for " + key);
    return slot;
}

int ClusterGroup::ownerIndex(int slot)
{
    const QString nodes = node(0).cli({"CLUSTER", "NODES"});
    for (int i = 0; i < size(); ++i)
        if (nodeLineOwns(nodesLine(nodes, nodeId(i)), slot)) return i;
    return -1;
}

void ClusterGroup::migrateSlot(int slot, int fromIndex, int toIndex, const QStringList& keys)
{
    for (const QString& key : keys) {
        if (keySlot(key) != slot) fail(QStringLiteral("key %1 is not in slot %2").arg(key).arg(slot));
    }
    // Target first, then source (the order the Redis docs give), so no request bounces in between.
    const QString a = node(toIndex).cli({"CLUSTER", "SETSLOT", QString::number(slot), "IMPORTING", nodeId(fromIndex)});
    const QString b = node(fromIndex).cli({"CLUSTER", "SETSLOT", QString::number(slot), "MIGRATING", nodeId(toIndex)});
    if (a != QLatin1String("OK") || b != QLatin1String("OK"))
        fail(QStringLiteral("CLUSTER SETSLOT %1 IMPORTING/MIGRATING answered %2 / %3").arg(slot).arg(a, b));
    m_migrationSource.insert(slot, fromIndex);
    migrateKeys(slot, fromIndex, toIndex, keys);
}

void ClusterGroup::migrateKeys(int slot, int fromIndex, int toIndex, const QStringList& keys)
{
    if (keys.isEmpty()) return;
    QStringList args {"MIGRATE", node(toIndex).host(), QString::number(node(toIndex).port()), "", "0", "5000", "KEYS"};
    const QString answer = node(fromIndex).cli(args + keys);
    if (answer != QLatin1String("OK") && answer != QLatin1String("NOKEY"))
        fail(QStringLiteral("MIGRATE of slot %1 answered %2").arg(slot).arg(answer));
}

void ClusterGroup::finishMigration(int slot, int toIndex)
{
    const int fromIndex = m_migrationSource.value(slot, -1);
    if (fromIndex < 0) fail(QStringLiteral("finishMigration(%1): the slot is not being migrated").arg(slot));
    for (;;) {
        const QString keys = node(fromIndex).cli({"CLUSTER", "GETKEYSINSLOT", QString::number(slot), "100"});
        if (keys.isEmpty()) break;
        migrateKeys(slot, fromIndex, toIndex, keys.split(u'\n'));
    }
    // Every node, target first, so that its IMPORTING state is cleared before anyone redirects to it.
    QList<int> order {toIndex};
    for (int i = 0; i < size(); ++i)
        if (i != toIndex) order << i;
    for (int i : order) {
        const QString a = node(i).cli({"CLUSTER", "SETSLOT", QString::number(slot), "NODE", nodeId(toIndex)});
        if (a != QLatin1String("OK"))
            fail(QStringLiteral("CLUSTER SETSLOT %1 NODE on node %2 answered %3").arg(slot).arg(i).arg(a));
    }
    m_migrationSource.remove(slot);
    const bool agreed = waitUntil(
        [&] {
            for (int i = 0; i < size(); ++i) {
                if (!nodeLineOwns(nodesLine(node(i).cli({"CLUSTER", "NODES"}), nodeId(toIndex)), slot)) return false;
            }
            return true;
        },
        10000, 50);
    if (!agreed) fail(QStringLiteral("nodes do not agree that slot %1 moved to node %2").arg(slot).arg(toIndex));
}

} // namespace kiq::test
