#pragma once
// The five queues whose oldest job has waited longest, as horizontal bars of latency, each labelled
// with its depth: the queues an operator should look at first. Hovering a bar shows its queue's
// exact numbers; the context menu exports them as CSV.

#include "common/ChartExport.h"
#include "sidekiq/api/Stats.h"

#include <QChartView>

class QBarCategoryAxis;
class QBarSet;
class QHorizontalBarSeries;
class QCategoryAxis;

namespace kiq::ui {

class QueueLatencyChart final : public QChartView {
    Q_OBJECT
public:
    static constexpr int kTopQueues = 5;

    explicit QueueLatencyChart(QWidget* parent = nullptr);
    void showQueues(const std::vector<kiq::sidekiq::QueueSummary>& queues);
    void clearBars();
    int barCount() const;
    ChartTable table() const; // queue, latency_seconds, size: worst first
    QString barText(int index) const; // the hover tooltip of a bar (0: the lowest drawn)

protected:
    void changeEvent(QEvent* event) override;

private:
    QHorizontalBarSeries* m_series;
    QBarSet* m_latency;
    QBarCategoryAxis* m_names;
    QCategoryAxis* m_seconds;
    std::vector<kiq::sidekiq::QueueSummary> m_shown; // worst first
};

} // namespace kiq::ui
