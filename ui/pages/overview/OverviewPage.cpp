#include "pages/overview/OverviewPage.h"

#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "common/StatusLine.h"
#include "common/TimeSeriesChart.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPoller.h"
#include "pages/overview/DailyHistoryChart.h"
#include "pages/overview/HistoryWorker.h"
#include "pages/overview/QueueLatencyChart.h"
#include "redis/AsyncClient.h"

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QResizeEvent>
#include <QScrollArea>
#include <QShowEvent>
#include <QSpinBox>
#include <QStyle>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <utility>

namespace kiq::ui {

namespace {
constexpr qint64 kDailyHistoryEveryMs = 5 * 60 * 1000;
constexpr std::size_t kMaxPlottedSamples = 1500; // per series; more only slows the chart down
constexpr int kComfortableCardWidth = 130; // room for "37.50 s" in large type; narrower, the cards take two rows

double nowSeconds()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// Nine cards share a row: a large counter in compact form ("808M") fits a narrow card; the exact
// figure is the card's tooltip.
void showCount(InfoCard* card, long long count, const QString& detail = {})
{
    constexpr long long kExactBelow = 10000;
    card->setValue(count < kExactBelow ? formatCount(count) : formatCompact(double(count)), detail);
    card->setToolTip(formatCount(count));
}
} // namespace

OverviewPage::OverviewPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_interval(new QSpinBox(this))
    , m_pause(new QCheckBox(tr("Pause"), this))
    , m_window(new QComboBox(this))
    , m_status(new StatusLine(QStringLiteral("overviewStatus"), this))
    , m_cards(new QGridLayout)
    , m_processed(new InfoCard(tr("Processed"), QStringLiteral("processed"), this))
    , m_failed(new InfoCard(tr("Failed"), QStringLiteral("failed"), this))
    , m_enqueued(new InfoCard(tr("Enqueued"), QStringLiteral("enqueued"), this))
    , m_scheduled(new InfoCard(tr("Scheduled"), QStringLiteral("scheduled"), this))
    , m_retries(new InfoCard(tr("Retries"), QStringLiteral("retries"), this))
    , m_dead(new InfoCard(tr("Dead"), QStringLiteral("dead"), this))
    , m_processes(new InfoCard(tr("Processes"), QStringLiteral("processes"), this))
    , m_busy(new InfoCard(tr("Busy"), QStringLiteral("busy"), this))
    , m_latency(new InfoCard(tr("Default queue latency"), QStringLiteral("latency"), this))
    , m_throughput(new TimeSeriesChart(tr("Throughput"), QStringLiteral("throughputChart"), this))
    , m_load(new TimeSeriesChart(tr("Enqueued and busy"), QStringLiteral("loadChart"), this))
    , m_redis(new TimeSeriesChart(tr("Redis"), QStringLiteral("redisChart"), this))
    , m_queues(new QueueLatencyChart(this))
    , m_daily(new DailyHistoryChart(this))
{
    setObjectName(QStringLiteral("overviewPage"));
    m_interval->setObjectName(QStringLiteral("refreshInterval"));
    m_interval->setRange(1, 60);
    m_interval->setValue(kDefaultIntervalSeconds);
    m_interval->setSuffix(tr(" s"));
    m_interval->setToolTip(tr("How often the page reloads while it is visible"));
    m_pause->setObjectName(QStringLiteral("pause"));
    m_window->setObjectName(QStringLiteral("chartWindow"));
    m_window->addItem(tr("Last 10 minutes"), 600);
    m_window->addItem(tr("Last hour"), 3600);
    m_window->addItem(tr("Last 6 hours"), 6 * 3600);
    m_window->addItem(tr("Last 24 hours"), 24 * 3600);
    m_window->setCurrentIndex(1);

    m_throughput->addSeries(tr("Processed/s"));
    m_throughput->addSeries(tr("Failed/s"));
    m_throughput->setAxisTitles(tr("jobs/s"));
    m_load->addSeries(tr("Enqueued"));
    m_load->addSeries(tr("Busy"), true);
    m_load->setAxisTitles(tr("enqueued"), tr("busy"));
    m_redis->addSeries(tr("Memory (MiB)"));
    m_redis->addSeries(tr("Ops/s"), true);
    m_redis->setAxisTitles(tr("MiB"), tr("ops/s"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Refresh every"), this));
    controls->addWidget(m_interval);
    controls->addWidget(m_pause);
    controls->addSpacing(16);
    controls->addWidget(m_window);
    controls->addWidget(m_status, 1);

    m_cards->setSpacing(8);
    arrangeCards();

    auto* charts = new QGridLayout;
    charts->addWidget(m_throughput, 0, 0);
    charts->addWidget(m_load, 0, 1);
    charts->addWidget(m_redis, 1, 0);
    charts->addWidget(m_queues, 1, 1);
    charts->addWidget(m_daily, 2, 0, 1, 2);
    charts->setRowStretch(0, 1);
    charts->setRowStretch(1, 1);
    charts->setRowStretch(2, 1);

    // Five charts need more height than a small screen has: they scroll, under the cards, rather than
    // make the window taller than the screen.
    auto* chartsBox = new QWidget;
    chartsBox->setLayout(charts);
    charts->setContentsMargins(0, 0, 0, 0);
    auto* chartsScroll = new QScrollArea(this);
    chartsScroll->setObjectName(QStringLiteral("chartsScroll"));
    chartsScroll->setFrameShape(QFrame::NoFrame);
    chartsScroll->setWidgetResizable(true);
    chartsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    chartsScroll->setWidget(chartsBox);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(m_cards);
    layout->addWidget(chartsScroll, 1);

    connect(m_interval, &QSpinBox::valueChanged, this, [this] { followPoller(); });
    connect(m_pause, &QCheckBox::toggled, this, [this](bool paused) {
        followPoller();
        if (!paused) refresh();
    });
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] { replotFromHistory(); });
    clearData();
}

OverviewPage::~OverviewPage() = default;

QString OverviewPage::title() const
{
    return tr("Overview");
}

QIcon OverviewPage::icon() const
{
    return style()->standardIcon(QStyle::SP_ComputerIcon);
}

void OverviewPage::setRefreshIntervalSeconds(int seconds)
{
    m_interval->setValue(seconds);
}

void OverviewPage::setPaused(bool paused)
{
    m_pause->setChecked(paused);
}

double OverviewPage::windowSeconds() const
{
    return m_window->currentData().toDouble();
}

void OverviewPage::clientChanged()
{
    m_replot.next(); // a history read for the old client is not plotted
    m_replotPending = false;
    m_last.reset();
    m_sinceLoad.invalidate();
    m_sinceDailyHistory.invalidate();
    clearData();
    if (!m_poller && deployment()) {
        m_poller = deployment()->poller();
        connect(m_poller, &DeploymentPoller::polled, this, &OverviewPage::showReading);
        connect(m_poller, &DeploymentPoller::failed, this,
            [this](const QString& error) { m_status->showLoadError(explainError(error.toStdString()), m_sinceLoad); });
    }
    if (!client()) {
        followPoller();
        m_status->showInfo(tr("Not connected."));
        return;
    }
    m_historyKey = QString::fromStdString(client()->options().describe());
    if (!m_history) m_history = HistoryWorker::shared();
    replotFromHistory();
    m_status->showInfo(tr("Loading…"));
    followPoller();
    refresh();
}

void OverviewPage::followPoller()
{
    if (!m_poller) return;
    // Hidden pages do not poll: a console with ten deployments open must not load ten servers.
    if (client() && isVisible() && !m_pause->isChecked())
        m_poller->want(this, std::chrono::seconds(m_interval->value()));
    else
        m_poller->release(this);
}

std::vector<std::pair<QString, QByteArray>> OverviewPage::chartImages() const
{
    std::vector<std::pair<QString, QByteArray>> out;
    const std::pair<const char*, QWidget*> charts[] = {{"throughput.png", m_throughput}, {"load.png", m_load},
        {"redis-memory.png", m_redis}, {"queue-latency.png", m_queues}, {"daily-history.png", m_daily}};
    for (const auto& [name, chart] : charts) {
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        if (chart->grab().save(&buffer, "PNG")) out.emplace_back(QString::fromLatin1(name), png);
    }
    return out;
}

void OverviewPage::refresh()
{
    if (!client() || !m_poller) return;
    m_asked = true;
    // Sidekiq's day counters change slowly: read again every few minutes, in the same round trip.
    if (!m_sinceDailyHistory.isValid() || m_sinceDailyHistory.elapsed() >= kDailyHistoryEveryMs)
        m_poller->requestDailyHistory();
    m_poller->pollNow();
}

void OverviewPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    followPoller();
    if (!m_sinceLoad.isValid() || m_sinceLoad.elapsed() >= m_interval->value() * 1000) refresh();
}

void OverviewPage::hideEvent(QHideEvent* event)
{
    DeploymentPage::hideEvent(event);
    followPoller();
}

void OverviewPage::resizeEvent(QResizeEvent* event)
{
    DeploymentPage::resizeEvent(event);
    arrangeCards();
}

void OverviewPage::arrangeCards()
{
    const QList<InfoCard*> all {
        m_processed, m_failed, m_enqueued, m_scheduled, m_retries, m_dead, m_processes, m_busy, m_latency};
    // One row when each card gets room for a large figure ("808M", "5 min 2 s"), else two.
    const int oneRow = int(all.size()) * (kComfortableCardWidth + m_cards->spacing());
    const int columns = width() >= oneRow ? int(all.size()) : (int(all.size()) + 1) / 2;
    if (columns == m_cardColumns) return;
    m_cardColumns = columns;
    for (InfoCard* card : all) m_cards->removeWidget(card);
    for (int c = 0; c < m_cards->columnCount(); ++c) m_cards->setColumnStretch(c, 0);
    for (int i = 0; i < all.size(); ++i) m_cards->addWidget(all[i], i / columns, i % columns);
    for (int c = 0; c < columns; ++c) m_cards->setColumnStretch(c, 1);
}

void OverviewPage::showReading(const kiq::health::DeploymentReading& reading)
{
    // A reading for the alerts or the Fleet view costs this page nothing: shown, hidden or not, but a
    // paused page shows only what it asked for (a refresh by hand).
    if (!client()) return;
    if (!std::exchange(m_asked, false) && m_pause->isChecked()) return;
    if (!reading.health.stats) {
        m_status->showLoadError(explainError(reading.health.statsError), m_sinceLoad);
        return;
    }
    m_sinceLoad.start();
    const auto& s = *reading.health.stats;
    kiq::health::OverviewSample sample;
    sample.takenAt = s.takenAt > 0 ? s.takenAt : nowSeconds();
    sample.processed = s.processed;
    sample.failed = s.failed;
    sample.enqueued = s.enqueued;
    sample.busy = s.workersSize;
    sample.usedMemory = reading.health.usedMemory.value_or(0);
    sample.opsPerSec = reading.health.opsPerSec.value_or(0);

    const kiq::health::OverviewRates rates
        = m_last ? kiq::health::ratesBetween(*m_last, sample) : kiq::health::OverviewRates {};
    showCount(m_processed, s.processed,
        rates.valid ? tr("%1/s").arg(QLocale().toString(rates.processedPerSec, 'f', 1)) : QString());
    showCount(
        m_failed, s.failed, rates.valid ? tr("%1/s").arg(QLocale().toString(rates.failedPerSec, 'f', 1)) : QString());
    showCount(m_enqueued, s.enqueued, tr("%n queue(s)", nullptr, int(s.queues.size())));
    showCount(m_scheduled, s.scheduledSize);
    showCount(m_retries, s.retrySize);
    showCount(m_dead, s.deadSize);
    showCount(m_processes, s.processesSize);
    showCount(m_busy, s.workersSize);
    const auto defaultQueue = std::find_if(
        s.queues.begin(), s.queues.end(), [](const kiq::sidekiq::QueueSummary& q) { return q.name == "default"; });
    // No job waiting has no latency: "0 µs" would read as a measured, very fast queue.
    m_latency->setValue(
        defaultQueue == s.queues.end() || defaultQueue->size == 0 ? tr("empty") : formatSeconds(s.defaultQueueLatency));

    plot(sample, m_last);
    commitCharts();
    if (m_replotPending) m_liveSinceReplot.push_back(sample);
    m_queues->showQueues(s.queues);
    if (reading.daily) {
        m_sinceDailyHistory.start();
        m_daily->showDays(*reading.daily);
    }
    if (m_history) m_history->append(m_historyKey, sample);
    m_last = sample;

    const QString updated = tr("Updated at %1").arg(QLocale().toString(QTime::currentTime(), QLocale::LongFormat));
    // Sidekiq's numbers are all there; only the Redis chart lacks what INFO would give.
    m_status->showInfo(reading.health.infoError.empty()
            ? updated
            : tr("%1 · Redis memory and commands/s: %2").arg(updated, explainError(reading.health.infoError)));
}

void OverviewPage::plot(
    const kiq::health::OverviewSample& sample, const std::optional<kiq::health::OverviewSample>& previous)
{
    if (previous) {
        const kiq::health::OverviewRates rates = kiq::health::ratesBetween(*previous, sample);
        if (rates.valid) {
            m_throughput->append(0, sample.takenAt, rates.processedPerSec);
            m_throughput->append(1, sample.takenAt, rates.failedPerSec);
        }
    }
    m_load->append(0, sample.takenAt, double(sample.enqueued));
    m_load->append(1, sample.takenAt, double(sample.busy));
    // Redis always uses some memory: none means INFO was not read, and 0 commands/s would be a guess.
    if (sample.usedMemory > 0) {
        m_redis->append(0, sample.takenAt, double(sample.usedMemory) / (1024.0 * 1024.0));
        m_redis->append(1, sample.takenAt, double(sample.opsPerSec));
    }
}

void OverviewPage::replotFromHistory()
{
    const double window = windowSeconds();
    for (TimeSeriesChart* c : {m_throughput, m_load, m_redis}) {
        c->clearPoints();
        c->setWindowSeconds(window);
    }
    commitCharts();
    m_liveSinceReplot.clear();
    m_replotPending = m_history && !m_historyKey.isEmpty();
    if (!m_replotPending) return;
    const auto request = m_replot.next();
    m_history->load(
        m_historyKey, nowSeconds() - window, this, [this, request](std::vector<kiq::health::OverviewSample> samples) {
            if (!m_replot.isCurrent(request)) return; // the window or the deployment changed meanwhile
            m_replotPending = false;
            for (TimeSeriesChart* c : {m_throughput, m_load, m_redis}) c->clearPoints();
            // Thin long histories out: 24 h at 2 s is 43,200 points per series, far more than pixels.
            const std::size_t step = std::max<std::size_t>(1, samples.size() / kMaxPlottedSamples);
            std::optional<kiq::health::OverviewSample> previous;
            for (std::size_t i = 0; i < samples.size(); i += step) {
                plot(samples[i], previous);
                previous = samples[i];
            }
            // What arrived from the server while the history was read comes after it.
            for (const auto& live : m_liveSinceReplot) {
                if (previous && live.takenAt <= previous->takenAt) continue;
                plot(live, previous);
                previous = live;
            }
            m_liveSinceReplot.clear();
            if (!m_last && !samples.empty()) m_last = samples.back();
            commitCharts();
        });
}

void OverviewPage::commitCharts()
{
    const double now = nowSeconds();
    for (TimeSeriesChart* c : {m_throughput, m_load, m_redis}) c->commit(now);
}

void OverviewPage::clearData()
{
    for (InfoCard* card :
        {m_processed, m_failed, m_enqueued, m_scheduled, m_retries, m_dead, m_processes, m_busy, m_latency})
        card->clear();
    m_throughput->clearPoints();
    m_load->clearPoints();
    m_redis->clearPoints();
    m_queues->clearBars();
    m_daily->clearBars();
}

} // namespace kiq::ui
