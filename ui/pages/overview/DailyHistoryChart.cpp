#include "pages/overview/DailyHistoryChart.h"

#include "common/ChartLook.h"
#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QEvent>

#include <algorithm>

namespace kiq::ui {

DailyHistoryChart::DailyHistoryChart(QWidget* parent)
    : QChartView(parent)
    , m_processed(new QBarSet(tr("Processed")))
    , m_failed(new QBarSet(tr("Failed")))
    , m_days(new QBarCategoryAxis)
    , m_counts(new QCategoryAxis)
{
    setObjectName(QStringLiteral("dailyHistoryChart"));
    setRenderHint(QPainter::Antialiasing);
    auto* series = new QBarSeries;
    series->append(m_processed);
    series->append(m_failed);
    auto* chart = new QChart;
    chart->setTitle(tr("Daily history (Sidekiq, UTC days)"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->addSeries(series);
    chart->addAxis(m_days, Qt::AlignBottom);
    chart->addAxis(m_counts, Qt::AlignLeft);
    series->attachAxis(m_days);
    series->attachAxis(m_counts);
    setRoundAxis(m_counts, 0, AxisUnit::Count);
    setChart(chart);
    applyChartPalette(chart, palette());
    setMinimumHeight(200);
    for (QBarSet* set : {m_processed, m_failed}) tipBarsOnHover(this, set, [this](int day) { return dayText(day); });
    offerCsvExport(this, QStringLiteral("daily-history"), [this] { return table(); });
}

ChartTable DailyHistoryChart::table() const
{
    ChartTable t;
    t.header << QStringLiteral("date") << QStringLiteral("processed") << QStringLiteral("failed");
    for (const auto& d : m_shown)
        t.rows.push_back({QString::fromStdString(d.date), csvNumber(double(d.processed)), csvNumber(double(d.failed))});
    return t;
}

QString DailyHistoryChart::dayText(int index) const
{
    if (index < 0 || std::size_t(index) >= m_shown.size()) return {};
    const auto& d = m_shown[std::size_t(index)];
    return tr("%1 (UTC): %2 processed, %3 failed")
        .arg(QString::fromStdString(d.date), formatCount(d.processed), formatCount(d.failed));
}

void DailyHistoryChart::showDays(const std::vector<kiq::sidekiq::DailyCount>& newestFirst)
{
    clearBars();
    QStringList days;
    QList<qreal> processed;
    QList<qreal> failed;
    long long highest = 0;
    m_shown.assign(newestFirst.rbegin(), newestFirst.rend());
    for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it) { // oldest on the left
        days << QString::fromStdString(it->date).mid(8); // the day of the month: 30 full dates do not fit
        processed << qreal(it->processed);
        failed << qreal(it->failed);
        highest = std::max({highest, it->processed, it->failed});
    }
    m_days->append(days);
    m_processed->append(processed);
    m_failed->append(failed);
    setRoundAxis(m_counts, double(highest), AxisUnit::Count);
}

void DailyHistoryChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyChartPalette(chart(), palette());
}

void DailyHistoryChart::clearBars()
{
    m_processed->remove(0, m_processed->count());
    m_failed->remove(0, m_failed->count());
    m_days->clear();
    m_shown.clear();
}

int DailyHistoryChart::dayCount() const
{
    return int(m_processed->count());
}

} // namespace kiq::ui
