#pragma once
// One page of a deployment's view (Redis, and later Overview, Queues, Retries, Dead, Scheduled,
// Busy, Local workers). The view creates every registered page (PageRegistry), hands it the
// deployment's client and asks it to refresh; the page does its own layout, polling and error display.
//
// Contract for implementers:
// - Never build or send a Redis command here: call a core service through client->run(...), with
//   `this` as the context, so a closed page never receives a late result.
// - setClient() may be called again (reconnect with a new password, edited profile) or with nullptr
//   (disconnected): drop what belongs to the old client and ignore its late results.
// - refresh() must return at once; F5 calls it on the visible page.

#include "deployment/ConnectionProfile.h"

#include <QIcon>
#include <QString>
#include <QWidget>

#include <memory>

namespace kiq::redis {
class AsyncClient;
}
namespace kiq::write {
class WriteGate;
}

namespace kiq::ui {

class DeploymentPage : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0; // translated, for the page tab
    virtual QIcon icon() const = 0;
    virtual void setClient(kiq::redis::AsyncClient* client) = 0; // not owned; nullptr when disconnected
    virtual void refresh() = 0;

    // Set once by the view before the first setClient(): every write a page makes goes through it.
    // Shared: work queued on the client holds it too, and may run after the deployment is gone.
    void setWriteGate(std::shared_ptr<kiq::write::WriteGate> gate) { m_writeGate = std::move(gate); }
    // Set by the view, again after an edit: what a confirmation names ("Billing (Production)").
    void setDeploymentLabel(const QString& name, kiq::deployment::Environment environment)
    {
        m_deploymentName = name;
        m_environment = environment;
    }

protected:
    // Capture the pointer itself (not the gate by reference) in work handed to the client.
    const std::shared_ptr<kiq::write::WriteGate>& writeGate() const { return m_writeGate; }
    const QString& deploymentName() const { return m_deploymentName; }
    kiq::deployment::Environment environment() const { return m_environment; }

private:
    std::shared_ptr<kiq::write::WriteGate> m_writeGate;
    QString m_deploymentName;
    kiq::deployment::Environment m_environment = kiq::deployment::Environment::Development;
};

} // namespace kiq::ui
