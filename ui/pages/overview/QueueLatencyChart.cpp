#include "pages/overview/QueueLatencyChart.h"

#include "common/ChartLook.h"
#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QEvent>
#include <QHorizontalBarSeries>

#include <algorithm>

namespace kiq::ui {

QueueLatencyChart::QueueLatencyChart(QWidget* parent)
    : QChartView(parent)
    , m_series(new QHorizontalBarSeries)
    , m_latency(new QBarSet(tr("Latency (s)")))
    , m_names(new QBarCategoryAxis)
    , m_seconds(new QCategoryAxis)
{
    setObjectName(QStringLiteral("queueLatencyChart"));
    setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setTitle(tr("Top %1 queues by latency").arg(kTopQueues));
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 16, 4)); // room for the last tick label ("6 min") at the right edge
    m_series->append(m_latency);
    chart->addSeries(m_series);
    chart->addAxis(m_names, Qt::AlignLeft);
    chart->addAxis(m_seconds, Qt::AlignBottom);
    m_series->attachAxis(m_names);
    m_series->attachAxis(m_seconds);
    setRoundAxis(m_seconds, 0, AxisUnit::Seconds);
    setChart(chart);
    applyChartPalette(chart, palette());
    setMinimumHeight(180);
    tipBarsOnHover(this, m_latency, [this](int bar) { return barText(bar); });
    offerCsvExport(this, QStringLiteral("queue-latency"), [this] { return table(); });
}

ChartTable QueueLatencyChart::table() const
{
    ChartTable t;
    t.header << QStringLiteral("queue") << QStringLiteral("latency_seconds") << QStringLiteral("size");
    for (const auto& q : m_shown)
        t.rows.push_back({QString::fromStdString(q.name), csvNumber(q.latencySeconds), csvNumber(double(q.size))});
    return t;
}

QString QueueLatencyChart::barText(int index) const
{
    // Bars are drawn bottom-up, the worst queue on top.
    const auto i = std::size_t(int(m_shown.size()) - 1 - index);
    if (i >= m_shown.size()) return {};
    const auto& q = m_shown[i];
    return tr("%1: latency %2, %3 waiting")
        .arg(QString::fromStdString(q.name), formatSeconds(q.latencySeconds), formatCount(q.size));
}

void QueueLatencyChart::showQueues(const std::vector<kiq::sidekiq::QueueSummary>& queues)
{
    std::vector<kiq::sidekiq::QueueSummary> top = queues;
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
        return a.latencySeconds != b.latencySeconds ? a.latencySeconds > b.latencySeconds : a.size > b.size;
    });
    if (top.size() > std::size_t(kTopQueues)) top.resize(kTopQueues);
    m_shown = top;

    // Horizontal bars are drawn bottom-up: reverse so the worst queue is at the top.
    QStringList names;
    QList<qreal> values;
    double highest = 0;
    for (auto it = top.rbegin(); it != top.rend(); ++it) {
        // The latency is in the name, readable ("5 min 3 s"), rather than a bar label of raw seconds.
        if (it->size == 0)
            names << tr("%1: empty").arg(QString::fromStdString(it->name));
        else
            names << tr("%1: %2 · %3 waiting")
                         .arg(QString::fromStdString(it->name), formatSeconds(it->latencySeconds),
                             formatCount(it->size));
        values << qRound(it->latencySeconds * 10) / 10.0; // a tenth of a second is precise enough for a label
        highest = std::max(highest, it->latencySeconds);
    }
    m_latency->remove(0, m_latency->count());
    m_names->clear();
    m_names->append(names);
    m_latency->append(values);
    setRoundAxis(m_seconds, highest, AxisUnit::Seconds);
}

void QueueLatencyChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyChartPalette(chart(), palette());
}

void QueueLatencyChart::clearBars()
{
    m_latency->remove(0, m_latency->count());
    m_names->clear();
    m_shown.clear();
}

int QueueLatencyChart::barCount() const
{
    return int(m_latency->count());
}

} // namespace kiq::ui
