#pragma once
// One job class's execution times as Sidekiq's Metrics page shows them: how many successful runs fell
// in each of Sidekiq's 26 buckets ("< 20ms" … "< 335s", "Slow"), summed over the period (Sidekiq keeps
// histograms per minute, for 8 hours). Hovering a bar gives the exact count; the context menu exports
// the buckets as CSV.

#include "common/BarChartView.h"
#include "sidekiq/api/Metrics.h"

class QBarSet;

namespace kiq::ui {

class ExecutionHistogramChart final : public BarChartView {
    Q_OBJECT
public:
    explicit ExecutionHistogramChart(QWidget* parent = nullptr);
    // `jobClass` names the chart; an empty class clears it with `why` as its title.
    void showHistogram(const QString& jobClass, const std::array<long long, kiq::sidekiq::kHistogramBuckets>& counts);
    void clearBars(const QString& why);
    long long count(std::size_t bucket) const; // what the bar shows; tests read it
    ChartTable table() const; // bucket, upper bound in ms, jobs
    QString barText(int bucket) const; // the hover tooltip

private:
    QBarSet* m_jobs;
    std::array<long long, kiq::sidekiq::kHistogramBuckets> m_shown {};
};

} // namespace kiq::ui
