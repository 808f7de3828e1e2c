#pragma once
// Keeps one page's local job index in step with Redis, off the GUI thread: a sorted set's JobIndex
// (core/sidekiq/search/JobIndex.h) or a queue's QueueIndex (QueueIndex.h), both publishing
// JobIndexSnapshots. Each step is one refresh on a connection of the index's own (an AsyncClient
// opened with the deployment client's options), so a long first build never queues in front of
// Overview's charts or the pages' reads, and its thread runs at a lower CPU priority than the GUI on
// a busy machine.
//
// While the first read is incomplete, steps follow each other at once with a large budget; after
// that a step every few seconds checks counts and re-reads what changed. The GUI thread only takes
// the published snapshot (an O(1) shared_ptr copy) and says so with snapshotChanged().

#include "common/LatestOnly.h"
#include "redis/LoadBudget.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobIndexSnapshot.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::ui {

class JobIndexFeed final : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kBuildBudget = 20000; // members per step until the first read is complete
    static constexpr int kFollowIntervalMs = 2000; // between steps afterwards

    // The index of a sorted set.
    explicit JobIndexFeed(kiq::sidekiq::JobSetKind kind, QObject* parent = nullptr);
    // The index of a queue, chosen with setQueue (none until then).
    explicit JobIndexFeed(QObject* parent = nullptr);
    ~JobIndexFeed() override;

    // A new client (or none) starts a new, empty index: the old one may describe another deployment.
    // The index connects with the client's options; the client itself is not used.
    void setClient(kiq::redis::AsyncClient* client);
    // A queue feed follows this queue from now on, with a new, empty index ("" for none).
    void setQueue(const std::string& queue);
    const std::string& queue() const { return m_queue; }
    // Steps run only while started (the page is shown); a step already running finishes either way.
    void start();
    void stop();
    // One step as soon as possible (after an action changed the set).
    void refreshSoon();
    // How much of Redis the index's reads may take (the profile's); from the next step on.
    void setLoadBudget(const kiq::redis::LoadBudget& budget) { m_loadBudget = budget; }

    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot() const { return m_snapshot; }
    // ZCARD or LLEN at the last step that read it; -1 before the first one.
    long long setSize() const { return m_setSize; }
    // Why the last step failed; empty once a step succeeds (the feed retries by itself).
    const QString& problem() const { return m_problem; }

    // One index behind the feed (a set's or a queue's), as the worker thread drives it.
    class Source;
    struct Step {
        bool complete = false;
        long long size = -1; // ZCARD / LLEN when the step read it
    };

signals:
    void snapshotChanged();
    // After each step, whether it succeeded or not (problem() says).
    void stepFinished();

private:
    void step();
    void schedule(int delayMs);
    void newIndex();

    std::optional<kiq::sidekiq::JobSetKind> m_kind; // none: a queue feed
    std::string m_queue;
    std::unique_ptr<kiq::redis::AsyncClient> m_client; // the index's own connection
    QMetaObject::Connection m_renewal; // the deployment client's renewed credentials, passed on to m_client
    kiq::redis::LoadBudget m_loadBudget;
    std::shared_ptr<Source> m_index; // shared with the step running on the worker thread (null: no queue)
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> m_snapshot;
    QTimer m_timer;
    LatestOnly m_indexTicket; // per index: a late step of an old one is ignored
    bool m_started = false;
    bool m_stepping = false;
    bool m_again = false; // refreshSoon() while a step was running
    long long m_setSize = -1;
    QString m_problem;
};

} // namespace kiq::ui
