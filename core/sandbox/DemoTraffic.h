#pragma once
// Keeps the sandbox alive: every second a handful of demo jobs are enqueued (about one in twenty
// raises, so retries keep appearing), for the local worker pool to run and the charts to show.
// Pushes go through an AsyncClient, so the timer's thread never waits on Redis.
//
// The sandbox must look like a healthy deployment for hours, so the traffic stays well below what
// demoPoolSetup()'s pool can run: 8 jobs/s on average against five threads whose jobs take 0.12 s
// (the demo classes) or 0.05–0.5 s (Kiqdesk::Sleep), i.e. about a quarter of its capacity. Every
// duration a job asks for is bounded; queues never grow without end.
//
// timeScale > 1 runs the same demo faster (tests: minutes of traffic in seconds): ticks come
// timeScale times as often and every job takes 1/timeScale as long.

#include "redis/AsyncClient.h"
#include "worker/PoolSpec.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <random>

namespace kiq::sandbox {

// The sandbox's own pool: five threads on critical,3 default,2 mailers,1 low,1, the built-in
// handlers, and the demo classes succeeding after 120 ms.
worker::PoolSetup demoPoolSetup(double timeScale = 1.0);

class DemoTraffic : public QObject {
    Q_OBJECT
public:
    struct Settings {
        int jobsPerSecond = 8; // on average
        double timeScale = 1.0;
    };

    DemoTraffic(const redis::ConnectionOptions& options, Settings settings, QObject* parent = nullptr);
    void start();
    void stop();

private:
    void tick();

    std::unique_ptr<redis::AsyncClient> m_client;
    QTimer m_timer;
    Settings m_settings;
    std::mt19937 m_rng {7};
    int m_counter = 0;
};

} // namespace kiq::sandbox
