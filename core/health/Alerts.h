#pragma once
// From health reports to what a person is told (issue 21): the desktop notifications and the webhook
// of every deployment are decided here, the same way, from the checks' states.
//
// The tracker keeps each check's current state and the state the user was last told of. A check whose
// current state differs from the told one is news; a deployment's news goes out as one notification
// (grouped), at most once per `minIntervalSeconds` per deployment (rate-limited: what changes
// meanwhile waits and goes out merged, and a check that went bad and back within the wait is no news
// at all). A check the user acknowledged stays silent until it is OK again; a snoozed check stays
// silent until the snooze ends, and if it is still not as last told, it is news then.
//
//     AlertTracker alerts;
//     alerts.update("payments", report);      // after each evaluation
//     for (const Notification& n : alerts.due(now)) notifier.notify(n), webhook.post(n);
//
// Plain data and no clock of its own (callers pass epoch seconds), so tests drive time.

#include "health/HealthChecks.h"

#include <compare>
#include <map>
#include <string>
#include <vector>

namespace kiq::health {

// One check of one deployment (a queue check once per queue).
struct AlertKey {
    std::string deployment;
    std::string check; // check::k*
    std::string subject; // the queue, or empty
    auto operator<=>(const AlertKey&) const = default;
};

struct AlertChange {
    AlertKey key;
    CheckState from = CheckState::Ok; // as the user was last told (Ok for a check never told)
    CheckState to = CheckState::Ok;
    std::string message; // the check's line, e.g. "queue default: latency 75 s over the 60 s SLO"
};

struct Notification {
    std::string deployment;
    CheckState worst = CheckState::Ok; // the worst of the changes' new states
    std::vector<AlertChange> changes; // in check order
    double at = 0; // epoch seconds

    // "payments: 1 critical, 1 warning" / "payments: 2 checks recovered"
    std::string summary() const;
    // One line per change: "critical: queue default: latency 75 s over the 60 s SLO" / "ok again: …".
    std::string body() const;
    // For a webhook: {"deployment", "state", "summary", "at", "changes": [{"check", "subject", "from",
    // "to", "message"}]}. Check messages hold no secrets (names, figures and thresholds only).
    std::string toJson() const;
};

struct AlertPolicy {
    double minIntervalSeconds = 60; // per deployment, between two notifications
    bool notifyRecovery = true; // a check back to OK is news (unless it was acknowledged)
};

class AlertTracker {
public:
    explicit AlertTracker(AlertPolicy policy = {});

    // One evaluation of `deployment`. A check reported Unknown keeps its last known state (a refused
    // INFO is not a recovery); a check no longer reported while Redis answers is gone (a queue
    // removed): forgotten without a word. Unreachable Redis leaves the other checks as they were.
    void update(const std::string& deployment, const HealthReport& report);
    // The notifications due at `now`, one per deployment with news whose wait is over; their changes
    // count as told. Call after each update and on a timer (the rate limit may hold news back).
    std::vector<Notification> due(double now);

    // Silent until the check is OK again (then told nothing: the user knew).
    void acknowledge(const AlertKey& key);
    // Silent until `until` (epoch seconds); 0 or a past time ends the snooze.
    void snooze(const AlertKey& key, double until);
    bool acknowledged(const AlertKey& key) const;
    bool snoozed(const AlertKey& key, double now) const;

    // The worst current state of one deployment or of all, for the tray: Unknown only when nothing is
    // known. Acknowledged and snoozed checks count (silence is not health).
    CheckState worst(const std::string& deployment) const;
    CheckState worst() const;
    // Every check currently not OK, worst first.
    std::vector<AlertChange> active() const;
    // A deployment removed from the fleet: its checks, acknowledgements and snoozes go with it.
    void forget(const std::string& deployment);

private:
    struct Tracked {
        CheckState current = CheckState::Ok;
        CheckState told = CheckState::Ok;
        std::string message;
        std::size_t order = 0; // the check's place in its report
        bool acknowledged = false;
        double snoozedUntil = 0;
    };
    bool silent(const Tracked& t, double now) const;
    CheckState worstOf(const std::string* deployment) const; // null: the whole fleet

    AlertPolicy m_policy;
    std::map<AlertKey, Tracked> m_checks;
    std::map<std::string, double> m_lastSent; // by deployment
};

} // namespace kiq::health
