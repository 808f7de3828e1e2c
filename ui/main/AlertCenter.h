#pragma once
// The fleet's health, watched while the app runs, window open or closed to the tray (issue 21): every
// connected deployment's poller (DeploymentPoller: the one read the Overview and Fleet view share)
// reads at least every kEvaluateEvery, each reading's health report feeds one AlertTracker, and what
// it says is due goes out as desktop notifications, and to the profile's webhook when it has one (its
// URL resolved at connect with the other secrets). The tray icon reads worst() and active();
// acknowledging and snoozing, from a notification's buttons or the tray's menu, go back to the tracker.

#include "health/Alerts.h"
#include "health/Webhook.h"

#include <QHash>
#include <QObject>

#include <chrono>

namespace kiq::health {
class DesktopNotifier;
}

namespace kiq::ui {

class Deployment;
class DeploymentListModel;

class AlertCenter final : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::seconds kEvaluateEvery {30};
    static constexpr std::chrono::hours kSnooze {1};

    AlertCenter(DeploymentListModel* deployments, kiq::health::DesktopNotifier* notifier, QObject* parent = nullptr);

    kiq::health::CheckState worst() const { return m_tracker.worst(); }
    std::vector<kiq::health::AlertChange> active() const { return m_tracker.active(); }
    // Reads every connected deployment now (the pollers read on their own every kEvaluateEvery).
    void evaluateAll();
    void acknowledge(const std::vector<kiq::health::AlertKey>& keys);
    void acknowledgeAll();
    void snooze(const std::vector<kiq::health::AlertKey>& keys);

signals:
    void changed(); // worst() or active() may read differently
    void notified(const kiq::health::Notification& notification);
    // A webhook did not take a notification: "Payments: webhook to hooks.example.com: HTTP 500" (the
    // host alone: the URL is a secret).
    void webhookFailed(const QString& message);

private:
    struct Watch {
        std::string name; // the tracker's name for it: a rename forgets the old one's checks
    };
    void watch(Deployment* deployment);
    void evaluated(Deployment* deployment, const kiq::health::HealthReport& report);
    void deliver();

    DeploymentListModel* m_deployments;
    kiq::health::DesktopNotifier* m_notifier;
    kiq::health::AlertTracker m_tracker;
    kiq::health::WebhookSender m_webhook;
    QHash<const Deployment*, Watch> m_watches;
};

} // namespace kiq::ui
