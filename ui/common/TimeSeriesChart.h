#pragma once
// A line chart over wall-clock time with a fixed window (the last N seconds), for live counters:
// points older than the window are dropped as new ones arrive, and the axes follow the data. Up to
// two value axes (left and right) so, e.g., memory and ops/s share one plot with their own scales.

#include "common/ChartLook.h"

#include <QChartView>

#include <vector>

class QDateTimeAxis;
class QLineSeries;
class QCategoryAxis;

namespace kiq::ui {

class TimeSeriesChart final : public QChartView {
    Q_OBJECT
public:
    TimeSeriesChart(const QString& title, const QString& name, QWidget* parent = nullptr);

    // Returns the series' index. `rightAxis`: plotted against the second value axis.
    int addSeries(const QString& name, bool rightAxis = false);
    void setAxisTitles(const QString& left, const QString& right = {});
    void setAxisUnit(bool rightAxis, AxisUnit unit); // Count unless set
    void setWindowSeconds(double seconds) { m_windowSeconds = seconds; }

    void append(int series, double epochSeconds, double value);
    // Call once after a batch of appends: drops old points and rescales (cheap enough per refresh).
    void commit(double nowEpochSeconds);
    void clearPoints();
    int pointCount() const; // over all series; tests check that something was plotted

protected:
    void changeEvent(QEvent* event) override;

private:
    QCategoryAxis* valueAxis(bool right);

    QDateTimeAxis* m_timeAxis;
    QCategoryAxis* m_left = nullptr;
    QCategoryAxis* m_right = nullptr;
    AxisUnit m_leftUnit = AxisUnit::Count;
    AxisUnit m_rightUnit = AxisUnit::Count;
    std::vector<QLineSeries*> m_series;
    std::vector<bool> m_onRight;
    double m_windowSeconds = 600;
};

} // namespace kiq::ui
