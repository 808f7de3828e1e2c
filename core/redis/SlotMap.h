#pragma once
// Which node serves which Cluster slot, from CLUSTER SLOTS.

#include "redis/ConnectionOptions.h"
#include "redis/Reply.h"

#include <array>
#include <optional>
#include <vector>

namespace kiq::redis {

class SlotMap {
public:
    static constexpr int kSlots = 16384;

    // Builds from a CLUSTER SLOTS reply. Throws ProtocolError on a malformed reply.
    static SlotMap fromClusterSlots(const Reply& reply);

    std::optional<Endpoint> primaryForSlot(int slot) const;
    const std::vector<Endpoint>& primaries() const { return m_primaries; }
    const std::vector<Endpoint>& replicas() const { return m_replicas; }
    bool covers() const; // every slot has a primary
    void assign(int slot, const Endpoint& node); // after a MOVED

private:
    std::array<int, kSlots> m_slotToPrimary {}; // index into m_primaries, -1 when unassigned
    std::vector<Endpoint> m_primaries;
    std::vector<Endpoint> m_replicas;
};

} // namespace kiq::redis
