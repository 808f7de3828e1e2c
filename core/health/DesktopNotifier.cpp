#include "health/DesktopNotifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

namespace kiq::health {

namespace {
// The spec lets servers read markup in the body: a queue named "<b>" must show as written.
QString plain(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

// The spec's urgency levels: 0 low, 1 normal, 2 critical (stays until dismissed on most servers).
uchar urgencyOf(CheckState s)
{
    return s == CheckState::Critical ? 2 : s == CheckState::Ok ? 0 : 1;
}
} // namespace

DesktopNotifier::DesktopNotifier(QObject* parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{
}

DesktopNotifier::~DesktopNotifier() = default;

DesktopNotifier::DesktopNotifier(const QDBusConnection& bus, QObject* parent)
    : QObject(parent)
    , m_bus(std::make_unique<QDBusConnection>(bus))
{
    m_bus->connect(QString::fromLatin1(kService), QString::fromLatin1(kPath), QString::fromLatin1(kInterface),
        QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
    m_bus->connect(QString::fromLatin1(kService), QString::fromLatin1(kPath), QString::fromLatin1(kInterface),
        QStringLiteral("NotificationClosed"), this, SLOT(onClosed(uint)));
}

bool DesktopNotifier::available() const
{
    return m_bus->isConnected() && m_bus->interface()
        && m_bus->interface()->isServiceRegistered(QString::fromLatin1(kService)).value();
}

void DesktopNotifier::notify(const Notification& n)
{
    // The bubble to replace is known only once the server answers: a second notification sent before
    // that would open a second bubble. It waits for the answer instead (only the newest is kept).
    if (m_inFlight.contains(n.deployment)) {
        m_held.insert_or_assign(n.deployment, n);
        return;
    }
    send(n);
}

void DesktopNotifier::send(const Notification& n)
{
    std::vector<AlertKey> keys;
    for (const auto& c : n.changes)
        if (c.to != CheckState::Ok) keys.push_back(c.key); // nothing to acknowledge in a recovery
    QStringList actions;
    if (!keys.empty())
        actions << QString::fromLatin1(kAcknowledge) << m_acknowledgeLabel << QString::fromLatin1(kSnooze)
                << m_snoozeLabel;
    const QVariantMap hints {
        {QStringLiteral("urgency"), QVariant::fromValue<uchar>(urgencyOf(n.worst))},
        {QStringLiteral("desktop-entry"), QStringLiteral("kiqdesk")},
        {QStringLiteral("category"), QStringLiteral("x-kiqdesk.health")},
    };
    const auto previous = m_idOf.find(n.deployment);
    const uint replaces = previous == m_idOf.end() ? 0 : previous->second;
    QDBusMessage call = QDBusMessage::createMethodCall(QString::fromLatin1(kService), QString::fromLatin1(kPath),
        QString::fromLatin1(kInterface), QStringLiteral("Notify"));
    // A critical state stays on screen until the user sees it (0: never expires); the rest as the
    // server likes (-1).
    call << QStringLiteral("Kiqdesk") << replaces << QStringLiteral("kiqdesk") << plain(n.summary()) << plain(n.body())
         << actions << hints << qint32(n.worst == CheckState::Critical ? 0 : -1);
    m_inFlight.insert(n.deployment);
    auto* watcher = new QDBusPendingCallWatcher(m_bus->asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
        [this, watcher, deployment = n.deployment, replaces, keys = std::move(keys)] {
            watcher->deleteLater();
            m_inFlight.erase(deployment);
            const QDBusPendingReply<uint> reply = *watcher;
            if (reply.isError()) {
                emit failed(reply.error().message());
            } else {
                const uint id = reply.value();
                if (replaces && replaces != id) m_keysOf.erase(replaces);
                m_idOf[deployment] = id;
                m_keysOf[id] = keys;
            }
            const auto held = m_held.find(deployment);
            if (held == m_held.end()) return;
            const Notification next = std::move(held->second);
            m_held.erase(held);
            send(next);
        });
}

void DesktopNotifier::setActionLabels(const QString& acknowledge, const QString& snooze)
{
    m_acknowledgeLabel = acknowledge;
    m_snoozeLabel = snooze;
}

void DesktopNotifier::onActionInvoked(uint id, const QString& action)
{
    const auto it = m_keysOf.find(id);
    if (it == m_keysOf.end()) return; // another application's notification
    if (action == QLatin1String(kAcknowledge))
        emit acknowledged(it->second);
    else if (action == QLatin1String(kSnooze))
        emit snoozeRequested(it->second);
}

void DesktopNotifier::onClosed(uint id)
{
    const auto it = m_keysOf.find(id);
    if (it == m_keysOf.end()) return;
    m_keysOf.erase(it);
    std::erase_if(m_idOf, [id](const auto& entry) { return entry.second == id; });
}

} // namespace kiq::health
