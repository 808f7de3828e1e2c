#include "common/BarChartView.h"

#include "common/ChartLook.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QEvent>

namespace kiq::ui {

BarChartView::BarChartView(const QString& objectName, const QList<QBarSet*>& sets, const QString& csvName,
    std::function<QString(int)> barText, std::function<ChartTable()> table, QWidget* parent)
    : QChartView(parent)
    , m_series(new QBarSeries)
    , m_categories(new QBarCategoryAxis)
    , m_counts(new QCategoryAxis)
{
    setObjectName(objectName);
    setRenderHint(QPainter::Antialiasing);
    for (QBarSet* set : sets) m_series->append(set);
    auto* chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->addSeries(m_series);
    chart->addAxis(m_categories, Qt::AlignBottom);
    chart->addAxis(m_counts, Qt::AlignLeft);
    m_series->attachAxis(m_categories);
    m_series->attachAxis(m_counts);
    setRoundAxis(m_counts, 0, AxisUnit::Count);
    setChart(chart);
    applyChartPalette(chart, palette());
    setMinimumHeight(200);
    for (QBarSet* set : sets) tipBarsOnHover(this, set, barText);
    offerCsvExport(this, csvName, std::move(table));
}

void BarChartView::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyChartPalette(chart(), palette());
}

} // namespace kiq::ui
