#pragma once
// The fleet overview's table: one row per deployment of the sidebar, in the sidebar's order, with its
// reachability and the latest FleetRow read from it.

#include "health/DrainForecast.h"
#include "health/FleetRow.h"
#include "health/HealthChecks.h"

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
        Forecast, // the most urgent queue's drain forecast (Deployment::queueForecasts)
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
    // The deployment's forecasts are read from it: feed it the row first (Deployment::addQueueSample).
    void setSample(Deployment* deployment, const kiq::health::FleetRow& row);
    void setError(Deployment* deployment, const QString& error);
    // Forget a deployment's samples (its client changed: another server, maybe).
    void clearSamples(Deployment* deployment);

private:
    QVariant securityData(const Deployment* d, int role) const;
    struct State {
        std::optional<kiq::health::FleetRow> last;
        std::optional<kiq::health::QueueForecast> urgent; // DrainForecaster::mostUrgent
        bool measuring = false; // no urgent queue yet, and some queue's trend is still unknown
        QString error; // the last refresh's failure
        std::vector<kiq::health::DeadSample> deadSizes; // the last hour's, oldest first
        std::optional<long long> deadDropped; // by Sidekiq's caps in the last hour, once watched that long
    };
    QVariant forecastData(const Deployment* d, const State& state, int role) const;
    QVariant deadData(const Deployment* d, const State& state, int role) const;
    void rowChanged(Deployment* deployment);

    DeploymentListModel* m_deployments;
    QHash<const Deployment*, State> m_state;
};

} // namespace kiq::ui
