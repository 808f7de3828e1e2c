#pragma once
// Every deployment at a glance: the fleet overview the sidebar's "Fleet overview" entry (Ctrl+0)
// shows. While it is shown, each deployment's poller (DeploymentPoller: the one read the Overview and
// the alerts share) reads every few seconds on the deployment's own AsyncClient, one read in flight
// per deployment, so a slow server delays only its own row and never the GUI thread. Activating a row
// (double-click, Enter) opens that deployment.

#include "health/DeploymentPoll.h"

#include <QSet>
#include <QWidget>

#include <chrono>

class QLabel;
class QTableView;

namespace kiq::ui {

class Deployment;
class DeploymentListModel;
class FleetModel;

class FleetView final : public QWidget {
    Q_OBJECT
public:
    explicit FleetView(DeploymentListModel* deployments, QWidget* parent = nullptr);

    FleetModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    static constexpr std::chrono::seconds kRefreshEvery {5};
    // Reads every deployment now (the pollers read on their own while the view is shown).
    void refresh();
    // Runs the security audit of every connected deployment (each on its own client); the Security
    // column fills in as they finish.
    void auditAll();

signals:
    void deploymentActivated(kiq::ui::Deployment* deployment);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void watch(Deployment* deployment);
    void showReading(Deployment* deployment, const kiq::health::DeploymentReading& reading);

    DeploymentListModel* m_deployments;
    FleetModel* m_model;
    QTableView* m_table;
    QLabel* m_status;
    QSet<const Deployment*> m_watched;
};

} // namespace kiq::ui
