#pragma once
// Keeps one page's JobIndex (core/sidekiq/search/JobIndex.h) in step with Redis, off the GUI thread: each
// step is one JobIndex::refresh on a connection of the index's own (an AsyncClient opened with the
// deployment client's options), so a long first build never queues in front of Overview's charts
// or the pages' reads, and its thread runs at a lower CPU priority than the GUI on a busy machine.
//
// While the first read is incomplete, steps follow each other at once with a large budget; after
// that a step every few seconds checks counts and re-reads what changed. The GUI thread only takes
// the published snapshot (an O(1) shared_ptr copy) and says so with snapshotChanged().

#include "common/LatestOnly.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/search/JobIndex.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::ui {

class JobIndexFeed final : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kBuildBudget = 20000; // members per step until the first read is complete
    static constexpr int kFollowIntervalMs = 2000; // between steps afterwards

    explicit JobIndexFeed(kiq::sidekiq::JobSetKind kind, QObject* parent = nullptr);
    ~JobIndexFeed() override;

    // A new client (or none) starts a new, empty index: the old one may describe another deployment.
    // The index connects with the client's options; the client itself is not used.
    void setClient(kiq::redis::AsyncClient* client);
    // Steps run only while started (the page is shown); a step already running finishes either way.
    void start();
    void stop();
    // One step as soon as possible (after an action changed the set).
    void refreshSoon();

    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot() const { return m_snapshot; }
    // ZCARD at the last count check; -1 before the first one.
    long long setSize() const { return m_setSize; }

signals:
    void snapshotChanged();
    void stepFinished(const kiq::sidekiq::JobIndexRefreshStats& stats);
    void failed(const QString& message);

private:
    void step();
    void schedule(int delayMs);

    kiq::sidekiq::JobSetKind m_kind;
    std::unique_ptr<kiq::redis::AsyncClient> m_client; // the index's own connection
    std::shared_ptr<kiq::sidekiq::JobIndex> m_index; // shared with the step running on the worker thread
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> m_snapshot;
    QTimer m_timer;
    LatestOnly m_clientTicket; // per client: a late step of an old index is ignored
    bool m_started = false;
    bool m_stepping = false;
    bool m_again = false; // refreshSoon() while a step was running
    long long m_setSize = -1;
};

} // namespace kiq::ui
