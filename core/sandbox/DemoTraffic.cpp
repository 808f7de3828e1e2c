#include "DemoTraffic.h"

#include "DemoData.h"
#include "sidekiq/JobBuilder.h"
#include "sidekiq/Keys.h"

namespace kiq::sandbox {

DemoTraffic::DemoTraffic(const redis::ConnectionOptions& options, int jobsPerSecond, QObject* parent)
    : QObject(parent), m_client(std::make_unique<redis::AsyncClient>(options, this)), m_perSecond(jobsPerSecond)
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &DemoTraffic::tick);
}

void DemoTraffic::start() { m_timer.start(); }
void DemoTraffic::stop() { m_timer.stop(); }

void DemoTraffic::tick()
{
    static const char* const kQueues[] = {"default", "mailers", "critical", "low"};
    std::vector<redis::Command> cmds;
    const int n = int(m_rng() % unsigned(m_perSecond * 2 + 1));
    for (int i = 0; i < n; ++i) {
        const bool fails = m_rng() % 20 == 0;
        const std::string queue = kQueues[m_rng() % 4];
        const std::string cls = fails ? "Kiqdesk::Fail" : demoJobClasses()[m_rng() % demoJobClasses().size()];
        const std::string args = fails ? R"(["Net::ReadTimeout","demo timeout talking to payments"])" : "[" + std::to_string(++m_counter) + "]";
        sidekiq::JobBuilder b(cls, args);
        b.setQueue(queue);
        cmds.push_back(redis::Command("SADD").key(sidekiq::keys::kQueues).arg(queue));
        cmds.push_back(redis::Command("LPUSH").key(sidekiq::keys::queue(queue)).arg(b.build().json));
    }
    if (!cmds.empty()) m_client->pipeline(std::move(cmds), this, [](redis::Result<std::vector<redis::Reply>>) {});
}

} // namespace kiq::sandbox
