#pragma once
// Keeps the sandbox alive: every second a handful of demo jobs are enqueued (about one in twenty
// raises, so retries keep appearing), for the local worker pool to run and the charts to show.
// Pushes go through an AsyncClient, so the timer's thread never waits on Redis.

#include "redis/AsyncClient.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <random>

namespace kiq::sandbox {

class DemoTraffic : public QObject {
    Q_OBJECT
public:
    DemoTraffic(const redis::ConnectionOptions& options, int jobsPerSecond, QObject* parent = nullptr);
    void start();
    void stop();

private:
    void tick();

    std::unique_ptr<redis::AsyncClient> m_client;
    QTimer m_timer;
    int m_perSecond;
    std::mt19937 m_rng{7};
    int m_counter = 0;
};

} // namespace kiq::sandbox
