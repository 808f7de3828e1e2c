#include "TimeSeriesChart.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace kiq::ui {

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& name, QWidget* parent)
    : QChartView(parent)
    , m_timeAxis(new QDateTimeAxis)
{
    setObjectName(name);
    setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_timeAxis->setFormat(QStringLiteral("HH:mm"));
    m_timeAxis->setTickCount(5);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    setChart(chart); // the view owns the chart, the chart owns axes and series
    setMinimumHeight(180);
}

QValueAxis* TimeSeriesChart::valueAxis(bool right)
{
    QValueAxis*& axis = right ? m_right : m_left;
    if (!axis) {
        axis = new QValueAxis;
        axis->setLabelFormat(QStringLiteral("%.3g"));
        axis->setMin(0);
        chart()->addAxis(axis, right ? Qt::AlignRight : Qt::AlignLeft);
    }
    return axis;
}

int TimeSeriesChart::addSeries(const QString& name, bool rightAxis)
{
    auto* s = new QLineSeries;
    s->setName(name);
    chart()->addSeries(s);
    s->attachAxis(m_timeAxis);
    s->attachAxis(valueAxis(rightAxis));
    m_series.push_back(s);
    m_onRight.push_back(rightAxis);
    return int(m_series.size()) - 1;
}

void TimeSeriesChart::setAxisTitles(const QString& left, const QString& right)
{
    if (!left.isEmpty()) valueAxis(false)->setTitleText(left);
    if (!right.isEmpty()) valueAxis(true)->setTitleText(right);
}

void TimeSeriesChart::append(int series, double epochSeconds, double value)
{
    m_series.at(std::size_t(series))->append(epochSeconds * 1000.0, value);
}

void TimeSeriesChart::commit(double nowEpochSeconds)
{
    const double fromMs = (nowEpochSeconds - m_windowSeconds) * 1000.0;
    const double nowMs = nowEpochSeconds * 1000.0;
    double earliestMs = nowMs;
    double maxLeft = 0;
    double maxRight = 0;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        QLineSeries* s = m_series[i];
        int drop = 0;
        while (drop < s->count() && s->at(drop).x() < fromMs) ++drop;
        if (drop > 0) s->removePoints(0, drop);
        double& top = m_onRight[i] ? maxRight : maxLeft;
        for (const QPointF& p : s->points()) top = std::max(top, p.y());
        if (s->count() > 0) earliestMs = std::min(earliestMs, s->at(0).x());
        // A handful of samples on a long axis would be invisible dots; show them as markers.
        s->setPointsVisible(s->count() < 30);
    }
    // Until the window is full, the axis spans the data (at least a minute) rather than an empty hour.
    const double startMs = std::min(std::max(fromMs, earliestMs), nowMs - 60'000.0);
    m_timeAxis->setFormat(nowMs - startMs > 3600'000.0 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(startMs)), QDateTime::fromMSecsSinceEpoch(qint64(nowMs)));
    // Leave head room above the highest point, and never collapse to a zero-height axis.
    if (m_left) m_left->setRange(0, std::max(1.0, maxLeft * 1.15));
    if (m_right) m_right->setRange(0, std::max(1.0, maxRight * 1.15));
}

void TimeSeriesChart::clearPoints()
{
    for (QLineSeries* s : m_series) s->clear();
}

int TimeSeriesChart::pointCount() const
{
    int n = 0;
    for (const QLineSeries* s : m_series) n += int(s->count());
    return n;
}

} // namespace kiq::ui
