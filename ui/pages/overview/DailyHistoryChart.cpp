#include "pages/overview/DailyHistoryChart.h"

#include "common/ChartLook.h"
#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>

#include <algorithm>

namespace kiq::ui {

DailyHistoryChart::DailyHistoryChart(QWidget* parent)
    : BarChartView(
        QStringLiteral("dailyHistoryChart"), {new QBarSet(tr("Processed")), new QBarSet(tr("Failed"))},
        QStringLiteral("daily-history"), [this](int day) { return dayText(day); }, [this] { return table(); }, parent)
    , m_processed(series()->barSets().at(0))
    , m_failed(series()->barSets().at(1))
{
    chart()->setTitle(tr("Daily history (Sidekiq, UTC days)"));
    chart()->legend()->setAlignment(Qt::AlignBottom);
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
    categories()->append(days);
    m_processed->append(processed);
    m_failed->append(failed);
    setRoundAxis(counts(), double(highest), AxisUnit::Count);
}

void DailyHistoryChart::clearBars()
{
    m_processed->remove(0, m_processed->count());
    m_failed->remove(0, m_failed->count());
    categories()->clear();
    m_shown.clear();
}

int DailyHistoryChart::dayCount() const
{
    return int(m_processed->count());
}

} // namespace kiq::ui
