#pragma once
// Sidekiq's own daily history (stat:processed:<date>, stat:failed:<date>) as grouped bars: the long
// view that the live charts, limited to what Kiqdesk has sampled, cannot give. Hovering a day shows
// its date and exact counts; the context menu exports the days as CSV.

#include "common/BarChartView.h"
#include "sidekiq/api/Stats.h"

class QBarSet;

namespace kiq::ui {

class DailyHistoryChart final : public BarChartView {
    Q_OBJECT
public:
    explicit DailyHistoryChart(QWidget* parent = nullptr);
    void showDays(const std::vector<kiq::sidekiq::DailyCount>& newestFirst);
    void clearBars();
    int dayCount() const;
    ChartTable table() const; // date, processed, failed: oldest first
    QString dayText(int index) const; // the hover tooltip of a day (0: the oldest)

private:
    QBarSet* m_processed;
    QBarSet* m_failed;
    std::vector<kiq::sidekiq::DailyCount> m_shown; // oldest first
};

} // namespace kiq::ui
