#include "common/TimeSeriesChart.h"

#include "common/Formatting.h"

#include <QCategoryAxis>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFontMetrics>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace kiq::ui {

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& name, QWidget* parent)
    : QChartView(parent)
    , m_timeAxis(new QDateTimeAxis)
    , m_title(title)
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
    applyChartPalette(chart, palette());
    setMinimumHeight(180);
    offerCsvExport(this, name, [this] { return table(); });
}

void TimeSeriesChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyChartPalette(chart(), palette());
}

QCategoryAxis* TimeSeriesChart::valueAxis(bool right)
{
    QCategoryAxis*& axis = right ? m_right : m_left;
    if (!axis) {
        axis = new QCategoryAxis;
        chart()->addAxis(axis, right ? Qt::AlignRight : Qt::AlignLeft);
        setRoundAxis(axis, 0, right ? m_rightUnit : m_leftUnit);
        applyChartPalette(chart(), palette());
    }
    return axis;
}

void TimeSeriesChart::setAxisUnit(bool rightAxis, AxisUnit unit)
{
    (rightAxis ? m_rightUnit : m_leftUnit) = unit;
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
    const int index = int(m_series.size()) - 1;
    connect(s, &QLineSeries::hovered, this,
        [this, index](const QPointF& point, bool entered) { hovered(index, point, entered); });
    return index;
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
    m_timeAxis->setFormat(nowMs - startMs >= 1800'000.0 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    m_timeAxis->setRange(
        QDateTime::fromMSecsSinceEpoch(qint64(startMs)), QDateTime::fromMSecsSinceEpoch(qint64(nowMs)));
    // The zone in the title (an axis title would take the tick labels' room on a short chart); its
    // name can change with daylight saving time.
    const QString title
        = tr("%1 (times in %2)").arg(m_title, localZoneName(QDateTime::fromMSecsSinceEpoch(qint64(nowMs))));
    if (chart()->title() != title) chart()->setTitle(title);
    // About 30 px per step: on a short chart, fewer labels rather than labels elided to "…".
    const int steps = std::clamp(int(chart()->plotArea().height() / 30), 1, 5);
    if (m_left) setRoundAxis(m_left, maxLeft, m_leftUnit, steps);
    if (m_right) setRoundAxis(m_right, maxRight, m_rightUnit, steps);
}

void TimeSeriesChart::setMarks(std::vector<Mark> marks)
{
    m_marks = std::move(marks);
    viewport()->update();
}

void TimeSeriesChart::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_marks.empty() || m_series.empty()) return;
    const QRectF plot = chart()->mapToScene(chart()->plotArea()).boundingRect();
    painter->save();
    QPen pen(palette().color(QPalette::Highlight), 1.5, Qt::DashLine);
    painter->setPen(pen);
    const QFontMetrics metrics(painter->font());
    for (const Mark& m : m_marks) {
        const QPointF at = chart()->mapToScene(chart()->mapToPosition(QPointF(m.time * 1000.0, 0), m_series.front()));
        if (at.x() < plot.left() || at.x() > plot.right()) continue;
        painter->drawLine(QPointF(at.x(), plot.top()), QPointF(at.x(), plot.bottom()));
        // The label beside the line's top, inside the plot; long commit messages are elided.
        const QString text = metrics.elidedText(m.label, Qt::ElideRight, 160);
        const bool left = at.x() + 4 + metrics.horizontalAdvance(text) > plot.right();
        const double x = left ? at.x() - 4 - metrics.horizontalAdvance(text) : at.x() + 4;
        painter->drawText(QPointF(x, plot.top() + metrics.ascent() + 2), text);
    }
    painter->restore();
}

void TimeSeriesChart::clearPoints()
{
    for (QLineSeries* s : m_series) s->clear();
}

ChartTable TimeSeriesChart::table() const
{
    ChartTable t;
    t.header << QStringLiteral("time") << QStringLiteral("epoch_seconds"); // stable names, for scripts
    std::map<double, QStringList> rows; // by time in ms
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        t.header << m_series[i]->name();
        for (const QPointF& p : m_series[i]->points()) {
            QStringList& row = rows[p.x()];
            while (row.size() < qsizetype(i)) row << QString(); // no point of the earlier series then
            row << csvNumber(p.y());
        }
    }
    for (auto& [ms, values] : rows) {
        while (values.size() < qsizetype(m_series.size())) values << QString();
        t.rows.push_back(QStringList {csvTime(ms / 1000), csvNumber(ms / 1000)} + values);
    }
    return t;
}

QString TimeSeriesChart::pointText(int series, int index) const
{
    const QLineSeries* s = m_series.at(std::size_t(series));
    const QPointF p = s->at(index);
    const AxisUnit unit = m_onRight[std::size_t(series)] ? m_rightUnit : m_leftUnit;
    const double whole = std::round(p.y());
    const QString value = unit == AxisUnit::Seconds
        ? formatSeconds(p.y())
        : QLocale().toString(p.y(), 'f', std::abs(p.y() - whole) < 1e-9 ? 0 : 2);
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(p.x()));
    return tr("%1: %2\n%3 %4")
        .arg(s->name(), value, QLocale().toString(at.time(), QStringLiteral("HH:mm:ss")), localZoneName(at));
}

void TimeSeriesChart::hovered(int series, const QPointF& point, bool entered)
{
    const QLineSeries* s = m_series.at(std::size_t(series));
    if (!entered || s->count() == 0) {
        QToolTip::hideText();
        return;
    }
    // The point nearest in time to where the pointer touches the line.
    int nearest = 0;
    for (int i = 1; i < s->count(); ++i)
        if (std::abs(s->at(i).x() - point.x()) < std::abs(s->at(nearest).x() - point.x())) nearest = i;
    QToolTip::showText(QCursor::pos(), pointText(series, nearest), this);
}

int TimeSeriesChart::pointCount() const
{
    int n = 0;
    for (const QLineSeries* s : m_series) n += int(s->count());
    return n;
}

} // namespace kiq::ui
