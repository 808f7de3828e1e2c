#pragma once
// Keeps a connected deployment's helper-given credentials fresh: before the earliest expires_at
// (refreshDelay) it runs the helpers again and re-authenticates the live connection (AsyncClient::
// reauthenticate: AUTH on the open connection, same CLIENT ID; the clients made from it follow through
// credentialsRenewed). After a WRONGPASS it does the same once; a second refusal before a success is
// the caller's to report (the server wants something the helper does not give).
//
// Lives on the client's owner thread (the GUI's). The profile it holds carries the current secrets.

#include "credentials/SecretResolver.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::credentials {

class HelperSession : public QObject {
    Q_OBJECT
public:
    // `client` is not owned; the session stops when it is destroyed.
    HelperSession(deployment::ConnectionProfile profile, redis::AsyncClient* client, QObject* parent = nullptr);

    // Schedules the refresh for credentials that expire at `expiresAt` (none: nothing to schedule).
    void schedule(std::optional<std::chrono::system_clock::time_point> expiresAt);
    // The client met WRONGPASS: false (and nothing done) when this was already tried since the last
    // success; else the helpers run again and the result is signalled.
    bool retryAfterWrongPass();
    bool refreshing() const { return m_running; }
    std::optional<std::chrono::system_clock::time_point> expiresAt() const { return m_expiresAt; }
    void refreshNow();

signals:
    // The server accepted the helper's new credentials on the live connection.
    void renewed();
    // The helper failed, or the server refused what it gave; `message` holds no secret.
    void failed(const QString& message);

private:
    deployment::ConnectionProfile m_profile;
    QPointer<redis::AsyncClient> m_client;
    QTimer m_timer;
    std::optional<std::chrono::system_clock::time_point> m_expiresAt;
    bool m_running = false;
    bool m_retriedSinceSuccess = false;
};

} // namespace kiq::credentials
