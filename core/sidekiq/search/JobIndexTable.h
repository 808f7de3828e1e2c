#pragma once
// An append-only table whose published views are immutable and cheap to take: the values live in
// fixed-size chunks shared through shared_ptr, so a view copies one pointer per 1024 values and the
// writer never touches a chunk a view can see. The one chunk that is still being filled is copied
// once, on the first append after a publish (copy-on-write of at most 1023 values).
//
// Thread model: one writer thread calls append()/publish(); views may be used from any thread.
// The hand-over of a view to another thread must synchronise (JobIndex does it under a mutex).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace kiq::sidekiq {

inline constexpr std::size_t kJobIndexChunkShift = 10;
inline constexpr std::size_t kJobIndexChunkSize = std::size_t(1) << kJobIndexChunkShift;

template <typename T> class JobIndexTableView {
public:
    std::size_t size() const { return m_size; }
    const T& operator[](std::size_t i) const
    {
        return (*m_chunks[i >> kJobIndexChunkShift])[i & (kJobIndexChunkSize - 1)];
    }

private:
    template <typename> friend class JobIndexTable;
    std::vector<std::shared_ptr<const std::vector<T>>> m_chunks;
    std::size_t m_size = 0;
};

template <typename T> class JobIndexTable {
public:
    std::size_t size() const { return m_size; }
    const T& operator[](std::size_t i) const
    {
        return (*m_chunks[i >> kJobIndexChunkShift])[i & (kJobIndexChunkSize - 1)];
    }

    std::uint32_t append(T value)
    {
        if (m_chunks.empty() || m_chunks.back()->size() == kJobIndexChunkSize) {
            m_chunks.push_back(std::make_shared<std::vector<T>>());
            m_chunks.back()->reserve(kJobIndexChunkSize);
            m_tailShared = false;
        } else if (m_tailShared) {
            auto copy = std::make_shared<std::vector<T>>();
            copy->reserve(kJobIndexChunkSize);
            copy->assign(m_chunks.back()->begin(), m_chunks.back()->end());
            m_chunks.back() = std::move(copy);
            m_tailShared = false;
        }
        m_chunks.back()->push_back(std::move(value));
        return static_cast<std::uint32_t>(m_size++);
    }

    // A view of everything appended so far. The current tail chunk becomes shared: the next
    // append copies it instead of writing into memory a reader may be looking at.
    JobIndexTableView<T> publish()
    {
        JobIndexTableView<T> view;
        view.m_chunks.assign(m_chunks.begin(), m_chunks.end());
        view.m_size = m_size;
        m_tailShared = true;
        return view;
    }

private:
    std::vector<std::shared_ptr<std::vector<T>>> m_chunks;
    std::size_t m_size = 0;
    bool m_tailShared = false;
};

} // namespace kiq::sidekiq
