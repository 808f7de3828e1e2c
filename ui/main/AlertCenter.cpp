#include "main/AlertCenter.h"

#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "deployment/DeploymentPoller.h"
#include "health/DesktopNotifier.h"
#include "sidekiq/model/Timestamp.h"

namespace kiq::ui {

namespace {
double nowSeconds()
{
    return kiq::sidekiq::Timestamp::now().seconds();
}

std::string keyOf(const Deployment* d)
{
    return d->profile().name.toStdString();
}
} // namespace

AlertCenter::AlertCenter(DeploymentListModel* deployments, kiq::health::DesktopNotifier* notifier, QObject* parent)
    : QObject(parent)
    , m_deployments(deployments)
    , m_notifier(notifier)
{
    m_deployments->follow(
        this, [this](Deployment* d) { watch(d); },
        [this](Deployment* d) {
            m_tracker.forget(m_watches.value(d).name);
            m_watches.remove(d);
            d->poller()->release(this);
            emit changed();
        });
    connect(
        &m_webhook, &kiq::health::WebhookSender::failed, this, [this](const QString& deployment, const QString& error) {
            emit webhookFailed(QStringLiteral("%1: %2").arg(deployment, error));
        });
    if (m_notifier) {
        connect(m_notifier, &kiq::health::DesktopNotifier::acknowledged, this, &AlertCenter::acknowledge);
        connect(m_notifier, &kiq::health::DesktopNotifier::snoozeRequested, this, &AlertCenter::snooze);
    }
}

void AlertCenter::watch(Deployment* deployment)
{
    if (m_watches.contains(deployment)) return;
    m_watches.insert(deployment, Watch {keyOf(deployment)});
    DeploymentPoller* poller = deployment->poller();
    // A deployment never connected has no client, so no reading; one that lost its server has
    // (unreachable is critical).
    connect(poller, &DeploymentPoller::polled, this,
        [this, deployment](const kiq::health::DeploymentReading& r) { evaluated(deployment, r.health); });
    poller->want(this, kEvaluateEvery);
}

void AlertCenter::evaluateAll()
{
    for (Deployment* d : m_deployments->deployments()) {
        watch(d);
        d->poller()->pollNow();
    }
}

void AlertCenter::evaluated(Deployment* deployment, const kiq::health::HealthReport& report)
{
    const auto it = m_watches.find(deployment);
    if (it == m_watches.end()) return;
    if (it->name != keyOf(deployment)) { // renamed: the old name's checks are no one's
        m_tracker.forget(it->name);
        it->name = keyOf(deployment);
    }
    m_tracker.update(it->name, report);
    deliver();
    emit changed();
}

void AlertCenter::deliver()
{
    for (const kiq::health::Notification& n : m_tracker.due(nowSeconds())) {
        if (m_notifier) m_notifier->notify(n);
        for (const Deployment* d : m_deployments->deployments())
            if (keyOf(d) == n.deployment && d->profile().webhook && !d->profile().webhookUrl.empty())
                m_webhook.post(QUrl(QString::fromStdString(d->profile().webhookUrl)), n);
        emit notified(n);
    }
}

void AlertCenter::acknowledge(const std::vector<kiq::health::AlertKey>& keys)
{
    for (const auto& key : keys) m_tracker.acknowledge(key);
    emit changed();
}

void AlertCenter::acknowledgeAll()
{
    std::vector<kiq::health::AlertKey> keys;
    for (const auto& change : m_tracker.active()) keys.push_back(change.key);
    acknowledge(keys);
}

void AlertCenter::snooze(const std::vector<kiq::health::AlertKey>& keys)
{
    const double until = nowSeconds() + double(std::chrono::seconds(kSnooze).count());
    for (const auto& key : keys) m_tracker.snooze(key, until);
    emit changed();
}

} // namespace kiq::ui
