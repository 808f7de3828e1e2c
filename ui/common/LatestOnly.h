#pragma once
// "Latest request wins": each request takes a ticket; a result whose ticket is no longer current
// (another request, another client or another job came since) is dropped. GUI thread only.
//
//     const auto ticket = m_latest.next();
//     ... later, in the result: if (!m_latest.isCurrent(ticket)) return;

namespace kiq::ui {

class LatestOnly {
public:
    using Ticket = unsigned;

    Ticket next() { return ++m_current; } // a new request: every earlier ticket is stale
    Ticket current() const { return m_current; } // joins the current request (several reads of one client)
    bool isCurrent(Ticket ticket) const { return ticket == m_current; }

private:
    Ticket m_current = 0;
};

} // namespace kiq::ui
