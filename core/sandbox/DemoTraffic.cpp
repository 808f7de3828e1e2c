#include "sandbox/DemoTraffic.h"

#include "sandbox/DemoData.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Keys.h"

#include <algorithm>
#include <cstdio>

namespace kiq::sandbox {

namespace {
constexpr double kMinSleepSeconds = 0.05, kMaxSleepSeconds = 0.5;

std::chrono::milliseconds scaled(std::chrono::milliseconds d, double timeScale)
{
    return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(double(d.count()) / timeScale)));
}
} // namespace

worker::PoolSetup demoPoolSetup(double timeScale)
{
    worker::PoolSetup setup;
    worker::WorkerOptions& o = setup.options;
    o.queues = worker::QueueList::parse({"critical,3", "default,2", "mailers,1", "low,1"});
    o.concurrency = 5;
    o.pollIntervalAverage = scaled(std::chrono::milliseconds(2000), timeScale);
    o.unknownClassSucceedsAfter = scaled(std::chrono::milliseconds(120), timeScale);
    o.logLevel = worker::LogLevel::Warn;
    o.builtinHandlers = true;
    return setup;
}

DemoTraffic::DemoTraffic(const redis::ConnectionOptions& options, Settings settings, QObject* parent)
    : QObject(parent)
    , m_client(std::make_unique<redis::AsyncClient>(options, this))
    , m_settings(settings)
{
    m_settings.timeScale = std::max(m_settings.timeScale, 1e-3);
    m_timer.setInterval(std::max(1, int(1000 / m_settings.timeScale)));
    connect(&m_timer, &QTimer::timeout, this, &DemoTraffic::tick);
}

void DemoTraffic::start()
{
    m_timer.start();
}
void DemoTraffic::stop()
{
    m_timer.stop();
}

void DemoTraffic::tick()
{
    static const char* const kQueues[] = {"default", "mailers", "critical", "low"};
    std::vector<redis::Command> cmds;
    const int n = int(m_rng() % unsigned(m_settings.jobsPerSecond * 2 + 1));
    std::uniform_real_distribution<double> sleepSeconds(kMinSleepSeconds, kMaxSleepSeconds);
    for (int i = 0; i < n; ++i) {
        const bool fails = m_rng() % 20 == 0;
        const std::string cls = fails ? "Kiqdesk::Fail" : demoJobClasses()[m_rng() % demoJobClasses().size()];
        std::string args = "[" + std::to_string(++m_counter) + "]";
        if (fails) {
            args = R"(["Net::ReadTimeout","demo timeout talking to payments"])";
        } else if (cls == "Kiqdesk::Sleep") {
            // Its first argument is a duration: the counter there put every thread to sleep for minutes.
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%.4f", sleepSeconds(m_rng) / m_settings.timeScale);
            args = std::string("[") + seconds + "," + std::to_string(m_counter) + "]";
        }
        const std::string queue = kQueues[m_rng() % 4];
        sidekiq::JobBuilder b(cls, args);
        b.setQueue(queue);
        cmds.push_back(redis::Command("SADD").key(sidekiq::keys::kQueues).arg(queue));
        cmds.push_back(redis::Command("LPUSH").key(sidekiq::keys::queue(queue)).arg(b.build().json));
    }
    if (!cmds.empty()) m_client->pipeline(std::move(cmds), this, [](redis::Result<std::vector<redis::Reply>>) {});
}

} // namespace kiq::sandbox
