#pragma once
// The Overview page (first tab): Sidekiq's summary cards, live charts of throughput, load and Redis
// itself, the queues with the worst latency, and Sidekiq's daily history.
//
// Each refresh is one AsyncClient::run: StatsReader::read (one round trip once the queue and process
// names are known) plus loadServerCounters, and, every few minutes, readHistory. The StatsReader lives
// in a shared_ptr captured by the closure so its name cache survives between refreshes; it is used
// only on the client's thread, one refresh at a time. Samples are kept in SampleHistory (SQLite, on
// the HistoryWorker's thread), so the charts show the last hours again after a restart.

#include "deployment/DeploymentPage.h"
#include "health/OverviewSample.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSpinBox;

namespace kiq::sidekiq {
class StatsReader;
}

namespace kiq::ui {

class DailyHistoryChart;
class StatusLine;
class InfoCard;
class QueueLatencyChart;
class HistoryWorker;
class TimeSeriesChart;
struct OverviewLoad;

class OverviewPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit OverviewPage(QWidget* parent = nullptr);
    ~OverviewPage() override;

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    std::vector<std::pair<QString, QByteArray>> chartImages() const override;

    static constexpr int kDefaultIntervalSeconds = 2;
    void setRefreshIntervalSeconds(int seconds);
    void setPaused(bool paused);

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void showLoad(const OverviewLoad& load);
    void plot(const kiq::health::OverviewSample& sample, const std::optional<kiq::health::OverviewSample>& previous);
    void replotFromHistory();
    void commitCharts();
    void clearData();
    void arrangeCards();
    double windowSeconds() const;

    bool m_loading = false;
    std::shared_ptr<kiq::sidekiq::StatsReader> m_reader; // one per client; touched only on its thread
    QString m_historyKey; // which deployment the stored samples belong to
    std::shared_ptr<HistoryWorker> m_history;
    LatestOnly m_replot; // per history read: only the latest one is plotted
    bool m_replotPending = false;
    std::vector<kiq::health::OverviewSample> m_liveSinceReplot; // shown while the history was read: replotted after it
    std::optional<kiq::health::OverviewSample> m_last;
    QElapsedTimer m_sinceDailyHistory; // Sidekiq's day counters change slowly: reread every few minutes
    QElapsedTimer m_sinceLoad;
    QTimer m_timer;

    QSpinBox* m_interval;
    QCheckBox* m_pause;
    QComboBox* m_window;
    StatusLine* m_status;
    QGridLayout* m_cards;
    int m_cardColumns = 0;
    InfoCard* m_processed;
    InfoCard* m_failed;
    InfoCard* m_enqueued;
    InfoCard* m_scheduled;
    InfoCard* m_retries;
    InfoCard* m_dead;
    InfoCard* m_processes;
    InfoCard* m_busy;
    InfoCard* m_latency;
    TimeSeriesChart* m_throughput;
    TimeSeriesChart* m_load;
    TimeSeriesChart* m_redis;
    QueueLatencyChart* m_queues;
    DailyHistoryChart* m_daily;
};

} // namespace kiq::ui
