#include "worker/LocalPool.h"

#include "worker/Launcher.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace kiq::worker {

using State = LocalPoolStatus::State;

namespace {
constexpr auto kHardStopGrace = std::chrono::seconds(3); // Launcher::stop's grace for stuck handlers
constexpr auto kStopAllMargin = std::chrono::seconds(2); // the last flush and heartbeat removal

// -q specs back from the expanded list: a weighted queue appears `weight` times.
std::vector<std::string> queueSpecs(const QueueList& queues)
{
    std::vector<std::string> out;
    for (const auto& name : queues.unique()) {
        if (queues.strict()) {
            out.push_back(name);
            continue;
        }
        long weight = 0;
        for (const auto& q : queues.expanded()) weight += q == name;
        out.push_back(name + "," + std::to_string(weight));
    }
    return out;
}

struct Request {
    enum class Kind { Start, Quiet, Stop, Exit };
    Kind kind;
    std::optional<PoolSetup> setup;
    std::string note;
    std::optional<std::chrono::milliseconds> timeout;
};
} // namespace

struct LocalPool::Engine : std::enable_shared_from_this<Engine> {
    explicit Engine(redis::ConnectionOptions conn)
        : connection(std::move(conn))
        , target(connection.describe())
    {
    }

    redis::ConnectionOptions connection; // under mutex: a start may bring new credentials
    const std::string target;
    // Shared with the Launcher's log sink, which may be called from a detached thread after the
    // engine is gone.
    const std::shared_ptr<PoolLog> log = std::make_shared<PoolLog>(kLogCapacity);

    mutable std::mutex mutex;
    std::condition_variable wake; // a request was posted
    std::condition_variable settled; // the state became Stopped or Failed
    std::deque<Request> requests;
    State state = State::Stopped;
    std::string error;
    std::string note;
    std::optional<std::chrono::system_clock::time_point> startedAt;
    std::vector<std::string> queues;
    bool strictOrder = true;
    std::optional<WorkerOptions> options;
    std::unique_ptr<Launcher> launcher; // the current or last run; replaced only on the control thread
    bool threadStarted = false; // at the first start(): a pool never started costs no thread

    void post(Request request)
    {
        {
            std::lock_guard lock(mutex);
            requests.push_back(std::move(request));
        }
        wake.notify_one();
    }

    void requestStop(std::optional<std::chrono::milliseconds> timeout)
    {
        {
            std::lock_guard lock(mutex);
            if (state != State::Starting && state != State::Running && state != State::Quiet) return;
            state = State::Stopping;
            requests.push_back({Request::Kind::Stop, std::nullopt, {}, timeout});
        }
        wake.notify_one();
    }

    void setState(State s, std::string why = {})
    {
        {
            std::lock_guard lock(mutex);
            state = s;
            error = std::move(why);
        }
        if (s == State::Stopped || s == State::Failed) settled.notify_all();
    }

    void run();
    void doStart(PoolSetup setup, std::string runNote);
    void doStop(std::optional<std::chrono::milliseconds> timeout);
};

namespace {
struct Registry {
    std::mutex mutex;
    std::vector<std::weak_ptr<LocalPool>> pools; // for forTarget
    std::vector<std::shared_ptr<LocalPool::Engine>> engines; // control threads still running
};

Registry& registry()
{
    // Never destroyed: a control thread may still unregister itself while the process exits.
    static auto* r = new Registry;
    return *r;
}

void launchControlThread(const std::shared_ptr<LocalPool::Engine>& engine)
{
    {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        r.engines.push_back(engine);
    }
    // The thread holds the engine, so a stop posted by ~LocalPool still finds it.
    std::thread([engine] {
        engine->run();
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        std::erase(r.engines, engine);
    }).detach();
}
} // namespace

void LocalPool::Engine::run()
{
    setThreadName("pool-control");
    for (;;) {
        Request request;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return !requests.empty(); });
            request = std::move(requests.front());
            requests.pop_front();
        }
        switch (request.kind) {
        case Request::Kind::Start:
            doStart(std::move(*request.setup), std::move(request.note));
            break;
        case Request::Kind::Quiet:
            if (launcher) launcher->quiet();
            break;
        case Request::Kind::Stop:
            doStop(request.timeout);
            break;
        case Request::Kind::Exit:
            return;
        }
    }
}

void LocalPool::Engine::doStart(PoolSetup setup, std::string runNote)
{
    {
        std::unique_lock lock(mutex);
        if (state == State::Stopping) { // stopped before it began
            lock.unlock();
            setState(State::Stopped);
            return;
        }
    }
    auto sink = [log = log](LogLevel level, std::string_view text) { log->append(level, text); };
    std::unique_ptr<Launcher> previous;
    try {
        const redis::ConnectionOptions runConnection = [&] {
            std::lock_guard lock(mutex);
            return connection;
        }();
        auto fresh = std::make_unique<Launcher>(runConnection, setup.options, std::move(setup.handlers), sink);
        // A TERM from Sidekiq's API: stop like the panel's Stop button (weak: the Launcher is ours).
        fresh->setOnStopRequested([weak = weak_from_this()] {
            if (auto engine = weak.lock()) engine->requestStop(std::nullopt);
        });
        std::lock_guard lock(mutex);
        previous = std::move(launcher);
        launcher = std::move(fresh);
        note = std::move(runNote);
        queues = queueSpecs(setup.options.queues);
        strictOrder = setup.options.queues.strict();
        options = setup.options;
        startedAt.reset();
    } catch (const std::exception& e) {
        log->append(LogLevel::Error, std::string("could not start the pool: ") + e.what());
        setState(State::Failed, e.what());
        return;
    }
    previous.reset(); // a stopped Launcher: its destructor has nothing left to wait for
    log->append(LogLevel::Info, "starting against " + target);
    try {
        launcher->start();
    } catch (const std::exception& e) {
        log->append(LogLevel::Error, std::string("could not start the pool: ") + e.what());
        setState(State::Failed, e.what());
        return;
    }
    std::lock_guard lock(mutex);
    startedAt = std::chrono::system_clock::now();
    // A stop posted while starting keeps the state at Stopping; its request is next in line.
    if (state == State::Starting) state = State::Running;
}

void LocalPool::Engine::doStop(std::optional<std::chrono::milliseconds> timeout)
{
    if (launcher && launcher->running()) {
        try {
            if (timeout)
                launcher->stop(*timeout);
            else
                launcher->stop();
        } catch (const std::exception& e) {
            log->append(LogLevel::Error, std::string("stop: ") + e.what());
        }
    }
    std::unique_lock lock(mutex);
    if (state != State::Stopping) return; // a start that failed stays Failed
    lock.unlock();
    setState(State::Stopped);
}

std::shared_ptr<LocalPool> LocalPool::forTarget(const redis::ConnectionOptions& connection)
{
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    const std::string target = connection.describe();
    std::erase_if(r.pools, [](const auto& p) { return p.expired(); });
    for (const auto& weak : r.pools)
        if (auto pool = weak.lock(); pool && pool->m_engine->target == target) return pool;

    std::shared_ptr<LocalPool> pool(new LocalPool(connection));
    r.pools.push_back(pool);
    return pool;
}

bool LocalPool::stopAll(std::chrono::milliseconds jobTimeout)
{
    std::vector<std::shared_ptr<Engine>> engines;
    {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        engines = r.engines;
    }
    for (const auto& e : engines) e->requestStop(jobTimeout);
    const auto deadline = std::chrono::steady_clock::now() + jobTimeout + kHardStopGrace + kStopAllMargin;
    bool all = true;
    for (const auto& e : engines) {
        std::unique_lock lock(e->mutex);
        all &= e->settled.wait_until(
            lock, deadline, [&] { return e->state == State::Stopped || e->state == State::Failed; });
    }
    return all;
}

LocalPool::LocalPool(redis::ConnectionOptions connection)
    : m_engine(std::make_shared<Engine>(std::move(connection)))
{
}

LocalPool::~LocalPool()
{
    m_engine->requestStop(std::nullopt);
    bool threadStarted = false;
    {
        std::lock_guard lock(m_engine->mutex);
        threadStarted = m_engine->threadStarted;
    }
    if (threadStarted) m_engine->post({Request::Kind::Exit, std::nullopt, {}, std::nullopt});
}

bool LocalPool::start(PoolSetup setup, std::string note, std::optional<redis::ConnectionOptions> connection)
{
    bool launch = false;
    {
        std::lock_guard lock(m_engine->mutex);
        if (m_engine->state != State::Stopped && m_engine->state != State::Failed) return false;
        if (connection && connection->describe() == m_engine->target) m_engine->connection = std::move(*connection);
        m_engine->state = State::Starting;
        m_engine->error.clear();
        launch = !std::exchange(m_engine->threadStarted, true);
    }
    if (launch) launchControlThread(m_engine);
    m_engine->post({Request::Kind::Start, std::move(setup), std::move(note), std::nullopt});
    return true;
}

void LocalPool::quiet()
{
    {
        std::lock_guard lock(m_engine->mutex);
        if (m_engine->state != State::Running) return;
        m_engine->state = State::Quiet;
    }
    m_engine->post({Request::Kind::Quiet, std::nullopt, {}, std::nullopt});
}

void LocalPool::stop()
{
    m_engine->requestStop(std::nullopt);
}

LocalPoolStatus LocalPool::status() const
{
    const Engine& e = *m_engine;
    LocalPoolStatus s;
    std::lock_guard lock(e.mutex);
    s.state = e.state;
    s.error = e.error;
    s.target = e.target;
    s.note = e.note;
    s.startedAt = e.startedAt;
    s.queues = e.queues;
    s.strictOrder = e.strictOrder;
    s.options = e.options;
    if (e.launcher) {
        s.pool = e.launcher->snapshot();
        // Quieted from outside (TSTP through Sidekiq's API) shows as Quiet too.
        if (s.state == State::Running && s.pool.quiet) s.state = State::Quiet;
    }
    return s;
}

const PoolLog& LocalPool::log() const
{
    return *m_engine->log;
}

redis::ConnectionOptions LocalPool::connection() const
{
    std::lock_guard lock(m_engine->mutex);
    return m_engine->connection;
}

} // namespace kiq::worker
