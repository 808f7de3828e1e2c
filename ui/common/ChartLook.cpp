#include "common/ChartLook.h"

#include "common/Formatting.h"

#include <QAbstractAxis>
#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <array>
#include <cmath>

namespace kiq::ui {

namespace {

// 1, 2, 2.5, 5 × 10^n: the steps a reader adds up without effort.
double roundCountStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0})
        if (raw <= m * magnitude) return m * magnitude;
    return 10 * magnitude;
}

// Below a second, decimal steps; above, steps that are whole units of a clock or a calendar.
double roundSecondsStep(double raw)
{
    if (raw < 1) return roundCountStep(raw);
    static constexpr std::array<double, 19> kSteps {
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800};
    for (double s : kSteps)
        if (raw <= s) return s;
    return roundCountStep(raw / 86400) * 86400;
}

QString trimmed(double v)
{
    return QLocale().toString(v, 'g', 3);
}

} // namespace

QString axisLabel(double value, AxisUnit unit)
{
    if (value == 0) return QStringLiteral("0");
    if (unit == AxisUnit::Count) return formatCompact(value);
    if (value < 1) return QStringLiteral("%1 ms").arg(trimmed(value * 1000));
    if (value < 60) return QStringLiteral("%1 s").arg(trimmed(value));
    if (value < 3600) return QStringLiteral("%1 min").arg(trimmed(value / 60));
    if (value < 86400) return QStringLiteral("%1 h").arg(trimmed(value / 3600));
    return QStringLiteral("%1 d").arg(trimmed(value / 86400));
}

void setRoundAxis(QCategoryAxis* axis, double highest, AxisUnit unit, int maxSteps)
{
    // Never a zero-height axis, and a little head room above the highest point.
    const double top = std::max(highest * 1.1, 1.0);
    const double raw = top / std::max(1, maxSteps);
    const double step = unit == AxisUnit::Seconds ? roundSecondsStep(raw) : roundCountStep(raw);
    const int ticks = int(std::ceil(top / step - 1e-9));
    for (const QString& label : axis->categoriesLabels()) axis->remove(label);
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setStartValue(0);
    for (int i = 0; i <= ticks; ++i) axis->append(axisLabel(i * step, unit), i * step);
    axis->setRange(0, ticks * step);
}

void applyChartPalette(QChart* chart, const QPalette& palette)
{
    const QColor text = palette.color(QPalette::Text);
    QColor grid = palette.color(QPalette::Text);
    grid.setAlpha(40);
    chart->setBackgroundBrush(palette.base());
    chart->setBackgroundPen(QPen(palette.color(QPalette::Mid)));
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
}

} // namespace kiq::ui
