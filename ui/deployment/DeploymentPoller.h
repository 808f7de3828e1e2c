#pragma once
// The periodic read every live view of one deployment shares (health/DeploymentPoll.h): the Overview,
// the Fleet view and the alerts together cost one round trip a refresh. Each view says how often it
// wants a reading while it looks (want, until release or its destruction); the poller reads at the
// shortest of those intervals, one read in flight at a time, and hands every view the same reading.
// Nobody wanting: no reads but those asked for (pollNow). A new client (connect, reconnect, edit) starts a new
// DeploymentPoll (its names and history belong to the old server) and drops the old one's late answer.

#include "common/LatestOnly.h"
#include "health/DeploymentPoll.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::ui {

class Deployment;

class DeploymentPoller final : public QObject {
    Q_OBJECT
public:
    explicit DeploymentPoller(Deployment* deployment);

    void want(QObject* viewer, std::chrono::milliseconds every);
    void release(QObject* viewer);
    // The shortest wanted, or kUnansweredEvery if longer while the server is not answering; 0 when
    // nobody wants readings.
    std::chrono::milliseconds interval() const;
    // Reads now, wanted or not (a view just opened, the deployment just connected, the user refreshed);
    // with a read in flight, once more when it ends.
    void pollNow();
    // The next reading carries the daily history too (the Overview's, every few minutes).
    void requestDailyHistory() { m_daily = true; }
    const std::optional<kiq::health::DeploymentReading>& last() const { return m_last; }
    bool inFlight() const { return m_inFlight; }

    static constexpr int kDailyHistoryDays = 30;
    // A server that did not answer the last reading is read no more often than this: the deployment's
    // probe watches it meanwhile (every 10 s), and a reading follows as soon as it answers again.
    static constexpr std::chrono::milliseconds kUnansweredEvery {30000};

signals:
    void polled(const kiq::health::DeploymentReading& reading);
    // The read could not run (the client was dropped meanwhile, a protocol error): in its words.
    void failed(const QString& message);

private:
    void clientChanged(kiq::redis::AsyncClient* client);
    void reschedule();
    bool unanswered() const; // the last reading found no server

    Deployment* m_deployment;
    std::shared_ptr<kiq::health::DeploymentPoll> m_poll; // one per client; used on its thread only
    QHash<QObject*, std::chrono::milliseconds> m_wants;
    QTimer m_timer;
    LatestOnly m_ticket; // per client: an old client's late reading is dropped
    bool m_inFlight = false;
    bool m_again = false; // pollNow() during a read
    bool m_daily = false;
    std::optional<kiq::health::DeploymentReading> m_last;
    int m_status = -1; // the deployment's Status, last seen
};

} // namespace kiq::ui
