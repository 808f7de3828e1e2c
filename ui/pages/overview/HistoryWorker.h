#pragma once
// SampleHistory off the GUI thread. SQLite reads and commits are local, but on a busy disk a commit
// or a 24 h read takes tens of milliseconds, and the GUI thread must never wait that long. One worker
// thread serves every Overview page (one SQLite connection, created and used only there); it lives
// while any page holds it and finishes the queued writes before it goes.

#include "health/OverviewSample.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <vector>

namespace kiq::storage {
class SampleHistory;
}

namespace kiq::ui {

class HistoryWorker final {
    Q_DISABLE_COPY_MOVE(HistoryWorker)
public:
    // The one worker on the default file, made on first use.
    static std::shared_ptr<HistoryWorker> shared();
    explicit HistoryWorker(const QString& file = {}); // empty: kiq::storage::SampleHistory's default file
    ~HistoryWorker();

    void append(const QString& deployment, const kiq::health::OverviewSample& sample);
    // Samples newer than `sinceEpochSeconds`, oldest first, handed to `done` on `context`'s thread;
    // dropped if `context` is gone by then.
    void load(const QString& deployment, double sinceEpochSeconds, QObject* context,
        std::function<void(std::vector<kiq::health::OverviewSample>)> done);

private:
    void post(std::function<void()> work);

    QThread m_thread;
    QObject* m_receiver; // lives in m_thread: queued calls to it run there
    std::unique_ptr<kiq::storage::SampleHistory> m_history; // touched on m_thread only
};

} // namespace kiq::ui
