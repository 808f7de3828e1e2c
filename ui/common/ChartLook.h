#pragma once
// How every chart looks: value axes on round ticks labelled like a dashboard ("38.5k", "2 min",
// never "3.85e+04"), and colours taken from the application's palette so the dark theme reaches
// the charts too (Qt Charts paints its own white background otherwise).

#include <QString>

class QCategoryAxis;
class QChart;
class QPalette;

namespace kiq::ui {

enum class AxisUnit {
    Count, // 0, 250, 500, 1k, 38.5k, 1.2M
    Seconds, // 0, 30 s, 1 min, 1.5 min, 2 h, 3 d
};

// Sets the axis to 0…a round value a little above `highest`, with at most `maxSteps` round steps
// (fewer on a short chart: labels closer than their height are drawn as "…").
void setRoundAxis(QCategoryAxis* axis, double highest, AxisUnit unit, int maxSteps = 5);
QString axisLabel(double value, AxisUnit unit); // one tick's label; tests read it

// Paints the chart, its legend and its axes in the palette's colours. Call again on a palette change.
void applyChartPalette(QChart* chart, const QPalette& palette);

} // namespace kiq::ui
