#include "redis/AsyncClient.h"

namespace kiq::redis {

AsyncClient::AsyncClient(ConnectionOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_client(std::make_unique<Client>(m_options))
{
    m_thread = std::thread([this] { loop(); });
}

AsyncClient::~AsyncClient()
{
    m_stopRequested = true;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void AsyncClient::command(Command cmd, QObject* context, std::function<void(Result<Reply>)> done)
{
    run<Reply>([cmd = std::move(cmd)](Client& c) { return c.command(cmd); }, context, std::move(done));
}

void AsyncClient::pipeline(
    std::vector<Command> cmds, QObject* context, std::function<void(Result<std::vector<Reply>>)> done)
{
    run<std::vector<Reply>>([cmds = std::move(cmds)](Client& c) { return c.pipeline(cmds); }, context, std::move(done));
}

void AsyncClient::reauthenticate(
    std::string user, std::string password, QObject* context, std::function<void(Result<bool>)> done)
{
    m_options.user = user;
    m_options.password = password;
    auto result = std::make_shared<Result<bool>>();
    auto courier = std::make_shared<Courier>();
    // The signal goes out on this object's thread, after the server said yes.
    QObject::connect(
        courier.get(), &Courier::arrived, this,
        [this, result] {
            if (result->ok()) emit credentialsRenewed();
        },
        Qt::QueuedConnection);
    if (context)
        QObject::connect(
            courier.get(), &Courier::arrived, context, [done = std::move(done), result] { done(*result); },
            Qt::QueuedConnection);
    enqueue([this, user = std::move(user), password = std::move(password), courier, result](Client& c) {
        try {
            c.reauthenticate(user, password);
            m_credentialsRefused.reset();
            result->value = true;
        } catch (const Error& e) {
            result->error = ErrorInfo {e.kind(), e.what()};
        }
        emit courier->arrived();
    });
}

std::size_t AsyncClient::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void AsyncClient::cancelPending()
{
    std::lock_guard lock(m_mutex);
    m_queue.clear();
}

void AsyncClient::enqueue(Item item)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(item));
    }
    m_wake.notify_one();
}

void AsyncClient::loop()
{
    for (;;) {
        Item item;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) return;
            item = std::move(m_queue.front());
            m_queue.pop_front();
        }
        item(*m_client);
    }
}

} // namespace kiq::redis
