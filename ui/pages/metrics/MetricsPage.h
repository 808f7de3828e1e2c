#pragma once
// The Metrics page (issue 20, item 1): Sidekiq ≥ 7's job metrics (sidekiq/api/Metrics.h) over 1 h to
// 72 h. A sortable table of job classes (filterable by name) with processed, failed, failure rate, mean
// and total execution time; for the selected class a chart of its executions per bucket with the deploy
// marks drawn across it, and its execution-time histogram (up to 8 h, as Sidekiq keeps them). Reads only,
// while the page is visible, once a minute (Sidekiq's buckets are minutes); on Sidekiq 6 it says why there
// is nothing rather than show zeros.

#include "common/LatestOnly.h"
#include "deployment/DeploymentPage.h"
#include "sidekiq/api/Metrics.h"

#include <QElapsedTimer>
#include <QTimer>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace kiq::ui {

class ExecutionHistogramChart;
class MetricsClassModel;
class StatusLine;
class TimeSeriesChart;

class MetricsPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit MetricsPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr int kRefreshIntervalMs = 60'000;
    // The periods offered, as Sidekiq's Metrics page offers them.
    static constexpr int kPeriodHours[] = {1, 2, 4, 8, 24, 72};

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void showResult(kiq::sidekiq::MetricsResult result);
    void showSelectedClass();
    void loadHistogram(const std::string& jobClass);
    std::string selectedClass() const;
    double periodSeconds() const;

    bool m_loading = false;
    bool m_again = false; // the period changed during a load: load once more when it ends
    QElapsedTimer m_sinceLoad;
    QTimer m_timer;
    LatestOnly m_histogramRequest;
    kiq::sidekiq::MetricsResult m_result;
    std::string m_chartedClass; // whose series and histogram are shown

    QComboBox* m_period;
    QLineEdit* m_filter;
    StatusLine* m_status;
    MetricsClassModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    TimeSeriesChart* m_chart;
    ExecutionHistogramChart* m_histogram;
};

} // namespace kiq::ui
