#include "pages/jobs/JobIndexFeed.h"

#include "common/ClientRetirement.h"
#include "redis/AsyncClient.h"
#include "sidekiq/search/JobIndex.h"
#include "sidekiq/search/QueueIndex.h"
#include "util/ThreadPriority.h"

namespace kiq::ui {

class JobIndexFeed::Source {
public:
    virtual ~Source() = default;
    // budget 0: the index's own per-call limits.
    virtual Step refresh(kiq::redis::Client& client, std::size_t budget) = 0;
    virtual void setBudget(const kiq::redis::LoadBudget& budget) = 0; // on the worker thread, before refresh
    virtual std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot() const = 0;
};

namespace {
class SetSource final : public JobIndexFeed::Source {
public:
    explicit SetSource(kiq::sidekiq::JobSetKind kind)
        : m_index(kind)
    {
    }
    JobIndexFeed::Step refresh(kiq::redis::Client& client, std::size_t budget) override
    {
        const auto st = budget ? m_index.refresh(client, budget) : m_index.refresh(client);
        return {st.complete, st.setSize};
    }
    void setBudget(const kiq::redis::LoadBudget& budget) override { m_index.setBudget(budget); }
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot() const override { return m_index.snapshot(); }

private:
    kiq::sidekiq::JobIndex m_index;
};

class QueueSource final : public JobIndexFeed::Source {
public:
    explicit QueueSource(const std::string& queue)
        : m_index(queue)
    {
    }
    JobIndexFeed::Step refresh(kiq::redis::Client& client, std::size_t budget) override
    {
        const auto st = budget ? m_index.refresh(client, budget) : m_index.refresh(client);
        return {st.complete, st.listSize};
    }
    void setBudget(const kiq::redis::LoadBudget& budget) override { m_index.setBudget(budget); }
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot() const override { return m_index.snapshot(); }

private:
    kiq::sidekiq::QueueIndex m_index;
};

// What a feed shows while it has no index (a queue feed before a queue is chosen).
std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> emptySnapshot()
{
    kiq::sidekiq::JobIndexSnapshot::Parts parts;
    parts.listOrder = true;
    return std::make_shared<const kiq::sidekiq::JobIndexSnapshot>(std::move(parts));
}
} // namespace

JobIndexFeed::JobIndexFeed(kiq::sidekiq::JobSetKind kind, QObject* parent)
    : QObject(parent)
    , m_kind(kind)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JobIndexFeed::step);
    newIndex();
}

JobIndexFeed::JobIndexFeed(QObject* parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JobIndexFeed::step);
    newIndex();
}

JobIndexFeed::~JobIndexFeed()
{
    if (m_client) retireClient(std::move(m_client));
}

void JobIndexFeed::newIndex()
{
    // A step still running on the old index finishes there; its result is dropped by the ticket.
    m_indexTicket.next();
    m_timer.stop();
    m_stepping = false;
    m_again = false;
    m_setSize = -1;
    m_problem.clear();
    if (m_kind)
        m_index = std::make_shared<SetSource>(*m_kind);
    else if (!m_queue.empty())
        m_index = std::make_shared<QueueSource>(m_queue);
    else
        m_index.reset();
    m_snapshot = m_index ? m_index->snapshot() : emptySnapshot();
}

void JobIndexFeed::setClient(kiq::redis::AsyncClient* client)
{
    disconnect(m_renewal);
    if (m_client) retireClient(std::move(m_client)); // a step still running must not hold up the GUI thread
    if (client) {
        m_client = std::make_unique<kiq::redis::AsyncClient>(client->options());
        // A credential helper's refreshed token reaches this connection too, without dropping it.
        m_renewal = connect(client, &kiq::redis::AsyncClient::credentialsRenewed, this, [this, client] {
            if (m_client) m_client->reauthenticate(client->options().user, client->options().password, nullptr, {});
        });
        // Parsing thousands of payloads per step is background work: the GUI thread (and a Redis on
        // this host) win a busy core. (Best effort; a refusal changes nothing.)
        m_client->run<bool>([](kiq::redis::Client&) { return kiq::util::BackgroundPriority::lowerForGood(); }, this,
            [](kiq::redis::Result<bool>) {});
    }
    newIndex();
    emit snapshotChanged();
    if (m_started) schedule(0);
}

void JobIndexFeed::setQueue(const std::string& queue)
{
    m_queue = queue;
    newIndex();
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
    if (!m_client || !m_index) return;
    m_timer.start(delayMs);
}

void JobIndexFeed::step()
{
    if (!m_client || !m_index || m_stepping) return;
    m_stepping = true;
    const auto ticket = m_indexTicket.current();
    auto index = m_index;
    const std::size_t budget = m_snapshot->complete() ? 0 : kBuildBudget;
    m_client->run<Step>(
        [index, budget, load = m_loadBudget](kiq::redis::Client& c) {
            index->setBudget(load);
            return index->refresh(c, budget);
        },
        this,
        [this, ticket](kiq::redis::Result<Step> r) {
            if (!m_indexTicket.isCurrent(ticket)) return;
            m_stepping = false;
            const bool again = std::exchange(m_again, false);
            if (!r.ok()) {
                m_problem = QString::fromStdString(r.error->message);
                emit stepFinished();
                if (m_started) schedule(kFollowIntervalMs);
                return;
            }
            m_problem.clear();
            if (r.value->size >= 0) m_setSize = r.value->size;
            auto snap = m_index->snapshot();
            if (snap != m_snapshot) {
                m_snapshot = std::move(snap);
                emit snapshotChanged();
            }
            emit stepFinished();
            if (again)
                schedule(0);
            else if (m_started)
                schedule(r.value->complete ? kFollowIntervalMs : 0);
        });
}

} // namespace kiq::ui
