#pragma once
// The fleet overview's table: one row per deployment of the sidebar, in the sidebar's order, with its
// reachability and the latest FleetRow read from it.

#include "health/FleetRow.h"

#include <QAbstractTableModel>
#include <QHash>

namespace kiq::ui {

class Deployment;
class DeploymentListModel;

class FleetModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FleetModel)
public:
    // Status last: it holds the error text when a deployment cannot be read, which can be long.
    enum Column {
        Name,
        Enqueued,
        MaxLatency,
        Busy,
        Processes,
        Retries,
        Dead,
        DeadLastHour,
        Memory,
        Security, // the last security audit's fails and warnings
        Status,
        ColumnCount
    };

    explicit FleetModel(DeploymentListModel* deployments, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    Deployment* deploymentAt(int row) const;
    void setSample(Deployment* deployment, const kiq::health::FleetRow& row);
    void setError(Deployment* deployment, const QString& error);
    // Forget a deployment's samples (its client changed: another server, maybe).
    void clearSamples(Deployment* deployment);

private:
    QVariant securityData(const Deployment* d, int role) const;
    struct State {
        std::optional<kiq::health::FleetRow> last;
        QString error; // the last refresh's failure
    };
    void rowChanged(Deployment* deployment);

    DeploymentListModel* m_deployments;
    QHash<const Deployment*, State> m_state;
};

} // namespace kiq::ui
