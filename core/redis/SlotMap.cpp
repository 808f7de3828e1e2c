#include "redis/SlotMap.h"

#include "redis/Errors.h"

#include <algorithm>

namespace kiq::redis {

namespace {
Endpoint endpointFrom(const Reply& node)
{
    const auto& parts = node.asArray();
    if (parts.size() < 2) throw ProtocolError("CLUSTER SLOTS: node entry too short");
    Endpoint e;
    e.host = parts[0].asString();
    e.port = int(parts[1].asInteger());
    return e;
}
} // namespace

SlotMap SlotMap::fromClusterSlots(const Reply& reply)
{
    SlotMap map;
    map.m_slotToPrimary.fill(-1);
    for (const auto& range : reply.asArray()) {
        const auto& r = range.asArray();
        if (r.size() < 3) throw ProtocolError("CLUSTER SLOTS: range entry too short");
        const long long from = r[0].asInteger(), to = r[1].asInteger();
        if (from < 0 || to >= kSlots || from > to) throw ProtocolError("CLUSTER SLOTS: bad slot range");
        const Endpoint primary = endpointFrom(r[2]);
        auto it = std::find(map.m_primaries.begin(), map.m_primaries.end(), primary);
        int index = int(it - map.m_primaries.begin());
        if (it == map.m_primaries.end()) map.m_primaries.push_back(primary);
        for (long long s = from; s <= to; ++s) map.m_slotToPrimary[std::size_t(s)] = index;
        for (std::size_t i = 3; i < r.size(); ++i) {
            Endpoint replica = endpointFrom(r[i]);
            if (std::find(map.m_replicas.begin(), map.m_replicas.end(), replica) == map.m_replicas.end())
                map.m_replicas.push_back(replica);
        }
    }
    return map;
}

std::optional<Endpoint> SlotMap::primaryForSlot(int slot) const
{
    if (slot < 0 || slot >= kSlots) return std::nullopt;
    int index = m_slotToPrimary[std::size_t(slot)];
    if (index < 0) return std::nullopt;
    return m_primaries[std::size_t(index)];
}

bool SlotMap::covers() const
{
    return std::none_of(m_slotToPrimary.begin(), m_slotToPrimary.end(), [](int i) { return i < 0; });
}

void SlotMap::assign(int slot, const Endpoint& node)
{
    if (slot < 0 || slot >= kSlots) return;
    auto it = std::find(m_primaries.begin(), m_primaries.end(), node);
    int index = int(it - m_primaries.begin());
    if (it == m_primaries.end()) m_primaries.push_back(node);
    m_slotToPrimary[std::size_t(slot)] = index;
}

} // namespace kiq::redis
