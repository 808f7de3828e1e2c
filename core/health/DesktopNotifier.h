#pragma once
// Health alerts as desktop notifications, through the freedesktop notification interface on the
// session bus (org.freedesktop.Notifications: what GNOME, KDE, XFCE and notification daemons such as
// dunst serve). One bubble per deployment: a new notification replaces that deployment's last one
// (grouped, never a pile). Each carries "Acknowledge" and "Snooze 1 hour"; the user's choice comes back
// as a signal with the checks it names, for the AlertTracker.
//
// Asynchronous throughout (the GUI thread never waits on the bus). Without a notification server the
// notifier says so (available() false) and the tray remains the only alert.

#include "health/Alerts.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <set>
#include <vector>

class QDBusConnection; // QtDBus stays inside core (linked privately)

namespace kiq::health {

class DesktopNotifier : public QObject {
    Q_OBJECT
public:
    static constexpr const char* kService = "org.freedesktop.Notifications";
    static constexpr const char* kPath = "/org/freedesktop/Notifications";
    static constexpr const char* kInterface = "org.freedesktop.Notifications";
    static constexpr const char* kAcknowledge = "acknowledge"; // the actions' keys
    static constexpr const char* kSnooze = "snooze";

    explicit DesktopNotifier(QObject* parent = nullptr); // on the session bus
    DesktopNotifier(const QDBusConnection& bus, QObject* parent);
    ~DesktopNotifier() override;

    // A notification server is registered on the bus (asks the bus: not for the GUI thread's hot path).
    bool available() const;
    void notify(const Notification& notification);
    // The buttons' labels in the app's language (core is not translated; the app's tr() is).
    void setActionLabels(const QString& acknowledge, const QString& snooze);

signals:
    void acknowledged(const std::vector<kiq::health::AlertKey>& keys);
    void snoozeRequested(const std::vector<kiq::health::AlertKey>& keys);
    // The server refused or could not be reached, in its words (a notification holds no secret).
    void failed(const QString& error);

private slots:
    void onActionInvoked(uint id, const QString& action);
    void onClosed(uint id); // expired, dismissed or closed: the bubble is gone either way

private:
    void send(const Notification& notification);

    std::unique_ptr<QDBusConnection> m_bus;
    QString m_acknowledgeLabel = QStringLiteral("Acknowledge");
    QString m_snoozeLabel = QStringLiteral("Snooze 1 hour");
    std::map<std::string, uint> m_idOf; // by deployment: the bubble a new notification replaces
    std::map<uint, std::vector<AlertKey>> m_keysOf; // by notification id: what its actions name
    std::set<std::string> m_inFlight; // deployments whose Notify awaits its answer (and id)
    std::map<std::string, Notification> m_held; // by deployment: the newest notification sent after it
};

} // namespace kiq::health
