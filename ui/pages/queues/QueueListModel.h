#pragma once
// The Queues page's list of queues: name, size, latency, paused, and the drain forecast (when it will
// be empty, whether it breaches its latency SLO first). Merged by name on every refresh
// (SnapshotTableModel), so the selected queue stays selected while sizes change.

#include "common/SnapshotTableModel.h"
#include "health/DrainForecast.h"
#include "sidekiq/api/Stats.h"

#include <map>

#include <string>

namespace kiq::ui {

class QueueListModel final : public SnapshotTableModel<kiq::sidekiq::QueueSummary, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueListModel)
public:
    enum Column { NameColumn, SizeColumn, LatencyColumn, ForecastColumn, ColumnCount };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit QueueListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The deployment's forecasts (Deployment::queueForecasts), by queue; a queue without one shows none.
    void setForecasts(const std::vector<kiq::health::QueueForecast>& forecasts);
    const kiq::health::QueueForecast* forecastOf(const std::string& queue) const;

private:
    std::string keyOf(const kiq::sidekiq::QueueSummary& q) const override { return q.name; }
    QVariant forecastData(const kiq::sidekiq::QueueSummary& q, int role) const;

    std::map<std::string, kiq::health::QueueForecast> m_forecasts;
};

} // namespace kiq::ui
