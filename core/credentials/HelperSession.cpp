#include "credentials/HelperSession.h"

#include "redis/AsyncClient.h"

#include <climits>

namespace kiq::credentials {

HelperSession::HelperSession(deployment::ConnectionProfile profile, redis::AsyncClient* client, QObject* parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_client(client)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HelperSession::refreshNow);
}

void HelperSession::schedule(std::optional<std::chrono::system_clock::time_point> expiresAt)
{
    m_expiresAt = expiresAt;
    m_timer.stop();
    if (!expiresAt) return;
    m_timer.start(int(std::min<long long>(refreshDelay(*expiresAt).count(), INT_MAX)));
}

bool HelperSession::retryAfterWrongPass()
{
    if (m_retriedSinceSuccess) return false;
    m_retriedSinceSuccess = true;
    refreshNow();
    return true;
}

void HelperSession::refreshNow()
{
    if (m_running || !m_client) return;
    m_running = true;
    resolveSecrets(
        m_profile, this,
        [this](Resolution r) {
            if (!m_client) return;
            if (r.error) {
                m_running = false;
                emit failed(QString::fromStdString(*r.error));
                return;
            }
            m_profile = r.profile;
            const auto expiresAt = r.expiresAt;
            m_client->reauthenticate(m_profile.options.user, m_profile.options.password, this,
                [this, expiresAt](redis::Result<bool> result) {
                    m_running = false;
                    if (!result.ok()) {
                        emit failed(QString::fromStdString(result.error->message));
                        return;
                    }
                    m_retriedSinceSuccess = false;
                    schedule(expiresAt);
                    emit renewed();
                });
        },
        true);
}

} // namespace kiq::credentials
