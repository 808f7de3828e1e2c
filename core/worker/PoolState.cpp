#include "worker/PoolState.h"

namespace kiq::worker {

PoolState::PoolState(int processors)
{
    m_slots.reserve(std::size_t(processors));
    for (int i = 0; i < processors; ++i) m_slots.push_back(std::make_unique<Slot>());
}

void PoolState::begin(int processor, InFlightJob job)
{
    Slot& slot = *m_slots.at(std::size_t(processor));
    {
        std::lock_guard lock(slot.mutex);
        slot.job = std::move(job);
    }
    m_busy.fetch_add(1, std::memory_order_relaxed);
}

void PoolState::end(int processor, bool failed)
{
    Slot& slot = *m_slots.at(std::size_t(processor));
    {
        std::lock_guard lock(slot.mutex);
        slot.job.reset();
    }
    m_busy.fetch_sub(1, std::memory_order_relaxed);
    m_processed.fetch_add(1, std::memory_order_relaxed);
    m_unflushedProcessed.fetch_add(1, std::memory_order_relaxed);
    if (failed) {
        m_failed.fetch_add(1, std::memory_order_relaxed);
        m_unflushedFailed.fetch_add(1, std::memory_order_relaxed);
    }
}

std::vector<InFlightJob> PoolState::inFlight() const
{
    std::vector<InFlightJob> out;
    for (const auto& slot : m_slots) {
        std::lock_guard lock(slot->mutex);
        if (slot->job) out.push_back(*slot->job);
    }
    return out;
}

PoolState::Unflushed PoolState::takeUnflushed()
{
    return {m_unflushedProcessed.exchange(0, std::memory_order_relaxed),
        m_unflushedFailed.exchange(0, std::memory_order_relaxed)};
}

void PoolState::restoreUnflushed(Unflushed counts)
{
    m_unflushedProcessed.fetch_add(counts.processed, std::memory_order_relaxed);
    m_unflushedFailed.fetch_add(counts.failed, std::memory_order_relaxed);
}

} // namespace kiq::worker
