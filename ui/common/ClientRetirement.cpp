#include "common/ClientRetirement.h"

#include "redis/AsyncClient.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace kiq::ui {

namespace {
// Owns the destroyer threads and joins them at exit, so none outlives the program's static destructors.
class Retirees {
public:
    ~Retirees()
    {
        std::lock_guard lock(m_mutex);
        for (auto& r : m_running) r.thread.join();
    }

    void retire(std::unique_ptr<kiq::redis::AsyncClient> client)
    {
        auto done = std::make_shared<std::atomic_bool>(false);
        std::thread t([c = std::move(client), done]() mutable {
            c.reset();
            *done = true;
        });
        std::lock_guard lock(m_mutex);
        // Join the finished ones (instantly) so the list stays short in a long session.
        std::erase_if(m_running, [](Running& r) {
            if (!*r.done) return false;
            r.thread.join();
            return true;
        });
        m_running.push_back({std::move(t), std::move(done)});
    }

private:
    struct Running {
        std::thread thread;
        std::shared_ptr<std::atomic_bool> done;
    };
    std::mutex m_mutex;
    std::vector<Running> m_running;
};

Retirees& retirees()
{
    static Retirees instance;
    return instance;
}
} // namespace

void retireClient(std::unique_ptr<kiq::redis::AsyncClient> client)
{
    if (!client) return;
    client->cancelPending();
    // Destroying a QObject off its thread is safe here: AsyncClient has no parent, children, timers
    // or connections; its only Qt use is emitting results to contexts through couriers of their own.
    retirees().retire(std::move(client));
}

} // namespace kiq::ui
