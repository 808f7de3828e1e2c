#pragma once
// A bar chart of counts: bar sets over a category axis at the bottom, a round count axis at the left
// (ChartLook's setRoundAxis), the theme's colours kept across palette changes, each bar's tooltip on
// hover and "Export as CSV…" in the context menu. The Overview's daily history and the Metrics page's
// execution-time histogram are its two uses; each says what its bars and categories are.

#include "common/ChartExport.h"

#include <QChartView>

#include <functional>

class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QCategoryAxis;

namespace kiq::ui {

class BarChartView : public QChartView {
    Q_OBJECT
protected:
    // `barText(i)` is the hover tooltip of category i (any set); `table` what the CSV export writes,
    // `csvName` its file's stem.
    BarChartView(const QString& objectName, const QList<QBarSet*>& sets, const QString& csvName,
        std::function<QString(int)> barText, std::function<ChartTable()> table, QWidget* parent);

    void changeEvent(QEvent* event) override;

    QBarSeries* series() const { return m_series; }
    QBarCategoryAxis* categories() const { return m_categories; }
    QCategoryAxis* counts() const { return m_counts; }

private:
    QBarSeries* m_series;
    QBarCategoryAxis* m_categories;
    QCategoryAxis* m_counts;
};

} // namespace kiq::ui
