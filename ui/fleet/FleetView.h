#pragma once
// Every deployment at a glance: the fleet overview the sidebar's "Fleet overview" entry (Ctrl+0)
// shows. Each reachable deployment is read every few seconds through its own AsyncClient, one read
// in flight per deployment, so a slow server delays only its own row and never the GUI thread.
// Activating a row (double-click, Enter) opens that deployment.

#include "sidekiq/api/Stats.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QTableView;

namespace kiq::redis {
class AsyncClient;
}

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
    struct Reading {
        kiq::redis::AsyncClient* client = nullptr; // the client the reader belongs to
        std::shared_ptr<kiq::sidekiq::StatsReader> reader;
        bool inFlight = false;
    };
    void refreshOne(Deployment* deployment);

    DeploymentListModel* m_deployments;
    FleetModel* m_model;
    QTableView* m_table;
    QLabel* m_status;
    QTimer m_timer;
    QHash<const Deployment*, Reading> m_readings;
};

} // namespace kiq::ui
