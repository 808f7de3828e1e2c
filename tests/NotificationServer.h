#pragma once
// A freedesktop notification server (org.freedesktop.Notifications), as a desktop runs one, on its own
// connection to the test's private session bus (tests/with-session-bus.sh): it records each Notify and
// sends the signals a user's click would.
#include "health/DesktopNotifier.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace kiq::test {

class NotificationServer : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call {
        uint replaces = 0;
        QString summary, body;
        QStringList actions;
        QVariantMap hints;
        int timeout = 0;
        uint id = 0;
    };
    QList<Call> calls;
    QDBusConnection bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("server"));

    bool start()
    {
        return bus.registerObject(
                   QString::fromLatin1(kiq::health::DesktopNotifier::kPath), this, QDBusConnection::ExportAllSlots)
            && bus.registerService(QString::fromLatin1(kiq::health::DesktopNotifier::kService));
    }
    void stop()
    {
        bus.unregisterService(QString::fromLatin1(kiq::health::DesktopNotifier::kService));
        bus.unregisterObject(QString::fromLatin1(kiq::health::DesktopNotifier::kPath));
    }
    void emitSignal(const QString& name, const QVariantList& args)
    {
        QDBusMessage m = QDBusMessage::createSignal(QString::fromLatin1(kiq::health::DesktopNotifier::kPath),
            QString::fromLatin1(kiq::health::DesktopNotifier::kInterface), name);
        m.setArguments(args);
        bus.send(m);
    }

public slots:
    uint Notify(const QString& app, uint replaces, const QString& icon, const QString& summary, const QString& body,
        const QStringList& actions, const QVariantMap& hints, int timeout)
    {
        Q_UNUSED(app);
        Q_UNUSED(icon);
        const uint id = replaces ? replaces : uint(calls.size() + 100);
        calls.append(Call {replaces, summary, body, actions, hints, timeout, id});
        return id;
    }
    void CloseNotification(uint id) { Q_UNUSED(id); }
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
};

} // namespace kiq::test
