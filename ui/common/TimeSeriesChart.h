#pragma once
// A line chart over wall-clock time with a fixed window (the last N seconds), for live counters:
// points older than the window are dropped as new ones arrive, and the axes follow the data. Up to
// two value axes (left and right) so, e.g., memory and ops/s share one plot with their own scales.
// Times are the user's, the zone named in the title; hovering a line shows the exact value and
// time of the nearest point, and the context menu exports every series as CSV (common/ChartExport.h).

#include "common/ChartExport.h"
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
    void setTitle(const QString& title) { m_title = title; } // shown from the next commit()

    void append(int series, double epochSeconds, double value);
    // Call once after a batch of appends: drops old points and rescales (cheap enough per refresh).
    void commit(double nowEpochSeconds);
    void clearPoints();
    int pointCount() const; // over all series; tests check that something was plotted
    // One row per moment any series has a point: time, epoch seconds, then each series' value.
    ChartTable table() const;
    // The hover tooltip of a series' point: "Processed: 1,234.5\n10:42:13 CET".
    QString pointText(int series, int index) const;
    // Moments drawn across the plot as dashed lines with their label at the top (deploys, say).
    struct Mark {
        double time = 0; // epoch seconds
        QString label;
    };
    void setMarks(std::vector<Mark> marks);
    const std::vector<Mark>& marks() const { return m_marks; }

protected:
    void changeEvent(QEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    QCategoryAxis* valueAxis(bool right);
    void hovered(int series, const QPointF& point, bool entered);

    QDateTimeAxis* m_timeAxis;
    QString m_title; // without the zone
    QCategoryAxis* m_left = nullptr;
    QCategoryAxis* m_right = nullptr;
    AxisUnit m_leftUnit = AxisUnit::Count;
    AxisUnit m_rightUnit = AxisUnit::Count;
    std::vector<QLineSeries*> m_series;
    std::vector<bool> m_onRight;
    double m_windowSeconds = 600;
    std::vector<Mark> m_marks;
};

} // namespace kiq::ui
