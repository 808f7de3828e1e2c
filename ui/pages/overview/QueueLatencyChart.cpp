#include "QueueLatencyChart.h"

#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalBarSeries>
#include <QValueAxis>

#include <algorithm>

namespace kiq::ui {

QueueLatencyChart::QueueLatencyChart(QWidget* parent)
    : QChartView(parent)
    , m_series(new QHorizontalBarSeries)
    , m_latency(new QBarSet(tr("Latency (s)")))
    , m_names(new QBarCategoryAxis)
    , m_seconds(new QValueAxis)
{
    setObjectName(QStringLiteral("queueLatencyChart"));
    setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setTitle(tr("Top %1 queues by latency").arg(kTopQueues));
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_series->append(m_latency);
    m_series->setLabelsVisible(true);
    m_series->setLabelsFormat(QStringLiteral("@value s"));
    chart->addSeries(m_series);
    chart->addAxis(m_names, Qt::AlignLeft);
    chart->addAxis(m_seconds, Qt::AlignBottom);
    m_series->attachAxis(m_names);
    m_series->attachAxis(m_seconds);
    m_seconds->setLabelFormat(QStringLiteral("%.3g"));
    setChart(chart);
    setMinimumHeight(180);
}

void QueueLatencyChart::showQueues(const std::vector<kiq::sidekiq::QueueSummary>& queues)
{
    std::vector<kiq::sidekiq::QueueSummary> top = queues;
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
        return a.latencySeconds != b.latencySeconds ? a.latencySeconds > b.latencySeconds : a.size > b.size;
    });
    if (top.size() > std::size_t(kTopQueues)) top.resize(kTopQueues);

    // Horizontal bars are drawn bottom-up: reverse so the worst queue is at the top.
    QStringList names;
    QList<qreal> values;
    double highest = 0;
    for (auto it = top.rbegin(); it != top.rend(); ++it) {
        names << tr("%1 (%2 jobs)").arg(QString::fromStdString(it->name), formatCount(it->size));
        values << qRound(it->latencySeconds * 10) / 10.0; // a tenth of a second is precise enough for a label
        highest = std::max(highest, it->latencySeconds);
    }
    m_latency->remove(0, m_latency->count());
    m_names->clear();
    m_names->append(names);
    m_latency->append(values);
    m_seconds->setRange(0, std::max(1.0, highest * 1.2));
}

void QueueLatencyChart::clearBars()
{
    m_latency->remove(0, m_latency->count());
    m_names->clear();
}

int QueueLatencyChart::barCount() const { return int(m_latency->count()); }

} // namespace kiq::ui
