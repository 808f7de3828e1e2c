#pragma once
// One job class's execution times as Sidekiq's Metrics page shows them: how many successful runs fell
// in each of Sidekiq's 26 buckets ("< 20ms" … "< 335s", "Slow"), summed over the period (Sidekiq keeps
// histograms per minute, for 8 hours). Hovering a bar gives the exact count; the context menu exports
// the buckets as CSV.

#include "common/ChartExport.h"
#include "sidekiq/api/Metrics.h"

#include <QChartView>

class QBarCategoryAxis;
class QBarSet;
class QCategoryAxis;

namespace kiq::ui {

class ExecutionHistogramChart final : public QChartView {
    Q_OBJECT
public:
    explicit ExecutionHistogramChart(QWidget* parent = nullptr);
    // `jobClass` names the chart; an empty class clears it with `why` as its title.
    void showHistogram(const QString& jobClass, const std::array<long long, kiq::sidekiq::kHistogramBuckets>& counts);
    void clearBars(const QString& why);
    long long count(std::size_t bucket) const; // what the bar shows; tests read it
    ChartTable table() const; // bucket, upper bound in ms, jobs
    QString barText(int bucket) const; // the hover tooltip

protected:
    void changeEvent(QEvent* event) override;

private:
    QBarSet* m_jobs;
    QBarCategoryAxis* m_buckets;
    QCategoryAxis* m_counts;
    std::array<long long, kiq::sidekiq::kHistogramBuckets> m_shown {};
};

} // namespace kiq::ui
