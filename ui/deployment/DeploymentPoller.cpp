#include "deployment/DeploymentPoller.h"

#include "deployment/Deployment.h"
#include "redis/AsyncClient.h"

#include <algorithm>
#include <utility>

namespace kiq::ui {

DeploymentPoller::DeploymentPoller(Deployment* deployment)
    : QObject(deployment)
    , m_deployment(deployment)
    , m_status(int(deployment->status()))
{
    connect(&m_timer, &QTimer::timeout, this, &DeploymentPoller::pollNow);
    connect(deployment, &Deployment::clientChanged, this, &DeploymentPoller::clientChanged);
    // Connected, lost or back: whoever wants readings gets one at once, not at the next tick (nor
    // kUnansweredEvery later). Only a new status counts: a new status text is no news. A server lost
    // because the last reading found none needs no second attempt: the views have that reading.
    connect(deployment, &Deployment::statusChanged, this, [this] {
        const Deployment::Status status = m_deployment->status();
        if (std::exchange(m_status, int(status)) == int(status) || m_wants.isEmpty()) return;
        if (status == Deployment::Status::Reachable || (status == Deployment::Status::Unreachable && !unanswered()))
            pollNow();
    });
    clientChanged(deployment->client());
}

void DeploymentPoller::want(QObject* viewer, std::chrono::milliseconds every)
{
    if (!m_wants.contains(viewer)) connect(viewer, &QObject::destroyed, this, [this, viewer] { release(viewer); });
    m_wants.insert(viewer, every);
    reschedule();
}

void DeploymentPoller::release(QObject* viewer)
{
    if (m_wants.remove(viewer) == 0) return;
    disconnect(viewer, &QObject::destroyed, this, nullptr);
    reschedule();
}

std::chrono::milliseconds DeploymentPoller::interval() const
{
    if (m_wants.isEmpty()) return std::chrono::milliseconds {0};
    const auto shortest = *std::min_element(m_wants.begin(), m_wants.end());
    return unanswered() ? std::max(shortest, kUnansweredEvery) : shortest;
}

bool DeploymentPoller::unanswered() const
{
    return m_last && m_last->health.unreachable();
}

void DeploymentPoller::reschedule()
{
    const auto every = interval();
    if (every.count() <= 0) {
        m_timer.stop();
        return;
    }
    // Keeps the phase when the shortest interval is unchanged (a second view wanting the same).
    if (m_timer.isActive() && m_timer.intervalAsDuration() == every) return;
    m_timer.start(every);
}

void DeploymentPoller::clientChanged(kiq::redis::AsyncClient* client)
{
    m_ticket.next();
    m_inFlight = false;
    m_again = false;
    m_last.reset();
    m_poll = client ? std::make_shared<kiq::health::DeploymentPoll>() : nullptr;
    reschedule();
}

void DeploymentPoller::pollNow()
{
    kiq::redis::AsyncClient* client = m_deployment->client();
    if (!client || !m_poll) return;
    if (m_inFlight) {
        m_again = true; // the read under way may have started before what the caller wants to see
        return;
    }
    m_inFlight = true;
    const int days = std::exchange(m_daily, false) ? kDailyHistoryDays : 0;
    const auto poll = m_poll;
    const auto thresholds = m_deployment->profile().health;
    const auto ticket = m_ticket.current();
    client->run<kiq::health::DeploymentReading>(
        [poll, thresholds, days](kiq::redis::Client& c) { return poll->read(c, thresholds, days); }, this,
        [this, ticket, days](kiq::redis::Result<kiq::health::DeploymentReading> r) {
            if (!m_ticket.isCurrent(ticket)) return; // the old client's
            m_inFlight = false;
            if (!r.ok()) {
                if (days) m_daily = true; // asked again with the next read
                m_again = false;
                emit failed(QString::fromStdString(r.error->message));
                return;
            }
            m_last = std::move(*r.value);
            reschedule();
            emit polled(*m_last);
            if (std::exchange(m_again, false)) pollNow();
        });
}

} // namespace kiq::ui
