#include "pages/jobs/JobIndexFeed.h"

#include "common/ClientRetirement.h"
#include "redis/AsyncClient.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kiq::ui {

using kiq::sidekiq::JobIndex;
using kiq::sidekiq::JobIndexRefreshStats;

JobIndexFeed::JobIndexFeed(kiq::sidekiq::JobSetKind kind, QObject* parent)
    : QObject(parent)
    , m_kind(kind)
    , m_index(std::make_shared<JobIndex>(kind))
    , m_snapshot(m_index->snapshot())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JobIndexFeed::step);
}

JobIndexFeed::~JobIndexFeed()
{
    if (m_client) retireClient(std::move(m_client));
}

void JobIndexFeed::setClient(kiq::redis::AsyncClient* client)
{
    m_clientTicket.next();
    m_timer.stop();
    if (m_client) retireClient(std::move(m_client)); // a step still running must not hold up the GUI thread
    if (client) {
        m_client = std::make_unique<kiq::redis::AsyncClient>(client->options());
        // Parsing thousands of payloads per step is background work: on Linux a thread has its own
        // nice value, so the GUI thread wins a busy core. (Best effort; a refusal changes nothing.)
        m_client->run<bool>(
            [](kiq::redis::Client&) { return setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10) == 0; }, this,
            [](kiq::redis::Result<bool>) {});
    }
    m_stepping = false;
    m_again = false;
    m_setSize = -1;
    m_index = std::make_shared<JobIndex>(m_kind);
    m_snapshot = m_index->snapshot();
    emit snapshotChanged();
    if (m_started) schedule(0);
}

void JobIndexFeed::start()
{
    m_started = true;
    if (!m_stepping && !m_timer.isActive()) schedule(0);
}

void JobIndexFeed::stop()
{
    m_started = false;
    m_timer.stop();
}

void JobIndexFeed::refreshSoon()
{
    if (m_stepping) {
        m_again = true;
        return;
    }
    schedule(0);
}

void JobIndexFeed::schedule(int delayMs)
{
    if (!m_client) return;
    m_timer.start(delayMs);
}

void JobIndexFeed::step()
{
    if (!m_client || m_stepping) return;
    m_stepping = true;
    const auto ticket = m_clientTicket.current();
    auto index = m_index;
    const std::size_t budget = m_snapshot->complete() ? 0 : kBuildBudget;
    m_client->run<JobIndexRefreshStats>(
        [index, budget](kiq::redis::Client& c) { return budget ? index->refresh(c, budget) : index->refresh(c); }, this,
        [this, ticket](kiq::redis::Result<JobIndexRefreshStats> r) {
            if (!m_clientTicket.isCurrent(ticket)) return;
            m_stepping = false;
            const bool again = std::exchange(m_again, false);
            if (!r.ok()) {
                emit failed(QString::fromStdString(r.error->message));
                if (m_started) schedule(kFollowIntervalMs);
                return;
            }
            if (r.value->setSize >= 0) m_setSize = r.value->setSize;
            auto snap = m_index->snapshot();
            if (snap != m_snapshot) {
                m_snapshot = std::move(snap);
                emit snapshotChanged();
            }
            emit stepFinished(*r.value);
            if (again)
                schedule(0);
            else if (m_started)
                schedule(r.value->complete ? kFollowIntervalMs : 0);
        });
}

} // namespace kiq::ui
