#include "health/Alerts.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <set>

namespace kiq::health {

namespace {
int severity(CheckState s)
{
    switch (s) {
    case CheckState::Critical:
        return 3;
    case CheckState::Warn:
        return 2;
    case CheckState::Unknown:
        return 1;
    case CheckState::Ok:
        return 0;
    }
    return 0;
}

CheckState worse(CheckState a, CheckState b)
{
    return severity(a) >= severity(b) ? a : b;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

std::string Notification::summary() const
{
    int critical = 0, warn = 0, recovered = 0;
    for (const auto& c : changes) {
        if (c.to == CheckState::Critical) ++critical;
        if (c.to == CheckState::Warn) ++warn;
        if (c.to == CheckState::Ok) ++recovered;
    }
    std::vector<std::string> parts;
    if (critical) parts.push_back(std::to_string(critical) + " critical");
    if (warn) parts.push_back(std::to_string(warn) + (warn == 1 ? " warning" : " warnings"));
    if (recovered) parts.push_back(std::to_string(recovered) + " recovered");
    std::string text = deployment + ":";
    for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : " ") + parts[i];
    return text;
}

std::string Notification::body() const
{
    std::string text;
    for (const auto& c : changes) {
        if (!text.empty()) text += '\n';
        text += c.to == CheckState::Ok ? std::string("ok again") : std::string(checkStateName(c.to));
        text += ": " + (c.message.empty() ? c.key.check : c.message);
    }
    return text;
}

std::string Notification::toJson() const
{
    QJsonArray list;
    for (const auto& c : changes)
        list.append(QJsonObject {{"check", q(c.key.check)}, {"subject", q(c.key.subject)},
            {"from", checkStateName(c.from)}, {"to", checkStateName(c.to)}, {"message", q(c.message)}});
    const QJsonObject o {{"deployment", q(deployment)}, {"state", checkStateName(worst)}, {"summary", q(summary())},
        {"at", at}, {"changes", list}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

AlertTracker::AlertTracker(AlertPolicy policy)
    : m_policy(policy)
{
}

void AlertTracker::update(const std::string& deployment, const HealthReport& report)
{
    bool reachable = true;
    std::set<AlertKey> seen;
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const CheckResult& r = report.results[i];
        AlertKey key {deployment, r.id, r.subject};
        if (r.id == check::kReachable && r.state != CheckState::Ok) reachable = false;
        seen.insert(key);
        if (r.state == CheckState::Unknown) continue; // keeps what was last known
        Tracked& t = m_checks[key];
        t.current = r.state;
        t.message = r.message;
        t.order = i;
        if (r.state == CheckState::Ok && t.acknowledged) {
            t.acknowledged = false; // the user knew it was bad; that it is over is no news to them
            t.told = CheckState::Ok;
        }
    }
    if (!reachable) return;
    for (auto it = m_checks.lower_bound(AlertKey {deployment, {}, {}});
         it != m_checks.end() && it->first.deployment == deployment;)
        it = seen.count(it->first) ? std::next(it) : m_checks.erase(it);
}

bool AlertTracker::silent(const Tracked& t, double now) const
{
    return t.acknowledged || t.snoozedUntil > now;
}

std::vector<Notification> AlertTracker::due(double now)
{
    std::map<std::string, std::vector<std::pair<const AlertKey*, Tracked*>>> news;
    for (auto& [key, t] : m_checks) {
        if (t.current == t.told || silent(t, now)) continue;
        if (t.current == CheckState::Ok && !m_policy.notifyRecovery) {
            t.told = CheckState::Ok;
            continue;
        }
        news[key.deployment].emplace_back(&key, &t);
    }
    std::vector<Notification> out;
    for (auto& [deployment, changed] : news) {
        const auto last = m_lastSent.find(deployment);
        if (last != m_lastSent.end() && now - last->second < m_policy.minIntervalSeconds) continue;
        std::sort(changed.begin(), changed.end(), [](const auto& a, const auto& b) {
            return a.second->order != b.second->order ? a.second->order < b.second->order : *a.first < *b.first;
        });
        Notification n;
        n.deployment = deployment;
        n.at = now;
        for (auto& [key, t] : changed) {
            n.changes.push_back(AlertChange {*key, t->told, t->current, t->message});
            n.worst = worse(n.worst, t->current);
            t->told = t->current;
        }
        m_lastSent[deployment] = now;
        out.push_back(std::move(n));
    }
    return out;
}

void AlertTracker::acknowledge(const AlertKey& key)
{
    const auto it = m_checks.find(key);
    if (it == m_checks.end() || it->second.current == CheckState::Ok) return;
    it->second.acknowledged = true;
    it->second.told = it->second.current;
}

void AlertTracker::snooze(const AlertKey& key, double until)
{
    if (const auto it = m_checks.find(key); it != m_checks.end()) it->second.snoozedUntil = until;
}

bool AlertTracker::acknowledged(const AlertKey& key) const
{
    const auto it = m_checks.find(key);
    return it != m_checks.end() && it->second.acknowledged;
}

bool AlertTracker::snoozed(const AlertKey& key, double now) const
{
    const auto it = m_checks.find(key);
    return it != m_checks.end() && it->second.snoozedUntil > now;
}

CheckState AlertTracker::worstOf(const std::string* deployment) const
{
    bool known = false;
    CheckState w = CheckState::Ok;
    for (const auto& [key, t] : m_checks)
        if (!deployment || key.deployment == *deployment) {
            known = true;
            w = worse(w, t.current);
        }
    return known ? w : CheckState::Unknown;
}

CheckState AlertTracker::worst(const std::string& deployment) const
{
    return worstOf(&deployment);
}

CheckState AlertTracker::worst() const
{
    return worstOf(nullptr);
}

std::vector<AlertChange> AlertTracker::active() const
{
    std::vector<AlertChange> out;
    for (const auto& [key, t] : m_checks)
        if (t.current != CheckState::Ok) out.push_back(AlertChange {key, t.told, t.current, t.message});
    std::stable_sort(out.begin(), out.end(),
        [](const AlertChange& a, const AlertChange& b) { return severity(a.to) > severity(b.to); });
    return out;
}

void AlertTracker::forget(const std::string& deployment)
{
    std::erase_if(m_checks, [&](const auto& entry) { return entry.first.deployment == deployment; });
    m_lastSent.erase(deployment);
}

} // namespace kiq::health
