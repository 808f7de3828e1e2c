#pragma once
// The GUI's face of the client: the same blocking Client, run on a worker thread of its own, with
// results delivered on the caller's thread through the Qt event loop. Nothing here blocks the caller.
//
// run() is the general form: any function of Client& (a data-model read of several dependent round
// trips, say) runs off-thread, and its result or Error comes back to `context`'s thread. If `context`
// is destroyed first, the result is dropped, so a closed view never receives a late callback.
// Work runs in submission order, one item at a time.
//
// Credentials the server refused (WRONGPASS, NOAUTH) are not tried again: later items fail with the same
// error without connecting, so a wrong password costs one failed AUTH in the server's ACL LOG rather than
// one per page that loads (the app drops such a client and asks for the password again).

#include "redis/Client.h"
#include "redis/Errors.h"

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

namespace kiq::redis {

// What a failed async call reports: kind + readable message, copyable across threads.
struct ErrorInfo {
    ErrorKind kind = ErrorKind::OtherReply;
    std::string message;
};

// Carries one result to its context. A queued signal connection is what makes a late result safe:
// Qt drops the connection and any call already posted under its own lock when the receiver dies, so
// the context may be deleted on its thread at any moment. (Checking a QPointer on the worker thread
// and then posting to the object races with that deletion.)
class Courier final : public QObject {
    Q_OBJECT
signals:
    void arrived();
};

template <typename T> struct Result {
    std::optional<T> value;
    std::optional<ErrorInfo> error;
    bool ok() const { return !error.has_value(); }
};

class AsyncClient : public QObject {
    Q_OBJECT
public:
    // Throws UsageError for an impossible configuration; connects lazily, on the worker thread.
    explicit AsyncClient(ConnectionOptions options, QObject* parent = nullptr);
    ~AsyncClient() override; // asks the running item to stop, drops the rest, joins the thread

    // Read on the owner's thread only (reauthenticate() changes the credentials in it).
    const ConnectionOptions& options() const { return m_options; }

    template <typename T>
    void run(std::function<T(Client&)> work, QObject* context, std::function<void(Result<T>)> done)
    {
        auto result = std::make_shared<Result<T>>();
        auto courier = std::make_shared<Courier>();
        if (context)
            QObject::connect(
                courier.get(), &Courier::arrived, context,
                [done = std::move(done), result] { done(std::move(*result)); }, Qt::QueuedConnection);
        // `this` is safe in the item: items run only on m_thread, which the destructor joins.
        enqueue([this, work = std::move(work), courier, result](Client& c) {
            if (m_credentialsRefused) {
                result->error = *m_credentialsRefused;
            } else {
                try {
                    result->value.emplace(work(c));
                } catch (const Error& e) {
                    result->error = ErrorInfo {e.kind(), e.what()};
                    if (e.kind() == ErrorKind::WrongPass || e.kind() == ErrorKind::NoAuth)
                        m_credentialsRefused = result->error;
                } catch (const std::exception& e) {
                    result->error = ErrorInfo {ErrorKind::OtherReply, e.what()};
                }
            }
            emit courier->arrived();
        });
    }

    void command(Command cmd, QObject* context, std::function<void(Result<Reply>)> done);

    // New credentials for this client (a credential helper's refreshed token): queued like any work,
    // AUTH on the live connection without dropping it; on success a refused-credentials state is cleared
    // and credentialsRenewed() tells the clients made from options() (a job index feed's) to follow.
    // Call it on the thread that owns this object (options() changes at once).
    void reauthenticate(
        std::string user, std::string password, QObject* context, std::function<void(Result<bool>)> done);

    void pipeline(std::vector<Command> cmds, QObject* context, std::function<void(Result<std::vector<Reply>>)> done);

    // True once the client is being destroyed. Long work (a bulk action) polls it through the client
    // pointer it captured, and returns early where stopping loses nothing, so the destructor (and
    // with it removing a deployment or quitting) does not wait for all of it.
    bool stopRequested() const { return m_stopRequested.load(); }

    // Items waiting (not the running one); for tests and a busy indicator.
    std::size_t pending() const;
    // Drops every item not yet started. Their callbacks never run.
    void cancelPending();

signals:
    // The server accepted the credentials given to reauthenticate() (now in options()).
    void credentialsRenewed();

private:
    using Item = std::function<void(Client&)>;
    void enqueue(Item item);
    void loop();

    ConnectionOptions m_options;
    std::unique_ptr<Client> m_client; // used only on m_thread after construction
    std::optional<ErrorInfo> m_credentialsRefused; // used only on m_thread
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Item> m_queue;
    bool m_stopping = false;
    std::atomic<bool> m_stopRequested {false};
    std::thread m_thread;
};

} // namespace kiq::redis
