#pragma once
// The Metrics page's table: one row per job class over the chosen period (sidekiq/api/Metrics.h),
// processed, failed, failure rate, mean and total execution time. Display text and raw values
// (UnderlyingDataRole, for the sort proxy) are kept apart; refreshes merge by class, so the selection
// survives them.

#include "common/SnapshotTableModel.h"
#include "sidekiq/api/Metrics.h"

#include <string>

namespace kiq::ui {

class MetricsClassModel final : public SnapshotTableModel<kiq::sidekiq::ClassMetrics, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsClassModel)
public:
    enum Column { ClassColumn, ProcessedColumn, FailedColumn, FailureRateColumn, MeanColumn, TotalColumn, ColumnCount };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit MetricsClassModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The row of `jobClass`, or -1.
    int rowOf(const std::string& jobClass) const;

private:
    std::string keyOf(const kiq::sidekiq::ClassMetrics& c) const override { return c.jobClass; }
};

} // namespace kiq::ui
