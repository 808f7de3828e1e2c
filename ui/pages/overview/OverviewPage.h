#pragma once
// The Overview page (first tab): Sidekiq's summary cards, live charts of throughput, load and Redis
// itself, the queues with the worst latency, and Sidekiq's daily history.
//
// It reads through the deployment's poller (DeploymentPoller: one round trip a refresh, shared with the
// Fleet view and the alerts), at the page's interval while it is visible and not paused; every few
// minutes the reading carries Sidekiq's daily history too. Samples are kept in SampleHistory (SQLite,
// on the HistoryWorker's thread), so the charts show the last hours again after a restart.

#include "deployment/DeploymentPage.h"
#include "health/DeploymentPoll.h"
#include "health/OverviewSample.h"

#include <QElapsedTimer>
#include <QPointer>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSpinBox;

namespace kiq::ui {

class DailyHistoryChart;
class DeploymentPoller;
class StatusLine;
class InfoCard;
class QueueLatencyChart;
class HistoryWorker;
class TimeSeriesChart;

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
    void hideEvent(QHideEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void showReading(const kiq::health::DeploymentReading& reading);
    // Wants readings from the poller at the page's interval while visible and not paused, else none.
    void followPoller();
    void plot(const kiq::health::OverviewSample& sample, const std::optional<kiq::health::OverviewSample>& previous);
    void replotFromHistory();
    void commitCharts();
    void clearData();
    void arrangeCards();
    double windowSeconds() const;

    QPointer<DeploymentPoller> m_poller; // the deployment's, connected once
    bool m_asked = false; // refresh() asked for a reading: shown even while paused
    QString m_historyKey; // which deployment the stored samples belong to
    std::shared_ptr<HistoryWorker> m_history;
    LatestOnly m_replot; // per history read: only the latest one is plotted
    bool m_replotPending = false;
    std::vector<kiq::health::OverviewSample> m_liveSinceReplot; // shown while the history was read: replotted after it
    std::optional<kiq::health::OverviewSample> m_last;
    QElapsedTimer m_sinceDailyHistory; // Sidekiq's day counters change slowly: reread every few minutes
    QElapsedTimer m_sinceLoad;

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
