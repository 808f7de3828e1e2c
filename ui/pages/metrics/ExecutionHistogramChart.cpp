#include "pages/metrics/ExecutionHistogramChart.h"

#include "common/ChartLook.h"
#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>

#include <algorithm>

namespace kiq::ui {

ExecutionHistogramChart::ExecutionHistogramChart(QWidget* parent)
    : BarChartView(
        QStringLiteral("executionHistogram"), {new QBarSet(tr("Jobs"))}, QStringLiteral("execution-times"),
        [this](int bucket) { return barText(bucket); }, [this] { return table(); }, parent)
    , m_jobs(series()->barSets().front())
{
    series()->setBarWidth(0.9);
    chart()->legend()->hide();
    QStringList labels;
    for (std::size_t i = 0; i < kiq::sidekiq::kHistogramBuckets; ++i)
        labels << QString::fromLatin1(kiq::sidekiq::histogramBucketLabel(i));
    categories()->append(labels);
    categories()->setLabelsAngle(-60); // 26 labels side by side do not fit a page's width
    categories()->setTruncateLabels(false); // "…" under every bar says nothing; slanted, they fit whole
    categories()->setTitleText(tr("Execution time, up to"));
    clearBars({});
}

void ExecutionHistogramChart::showHistogram(
    const QString& jobClass, const std::array<long long, kiq::sidekiq::kHistogramBuckets>& counts)
{
    m_shown = counts;
    QList<qreal> values;
    for (long long n : counts) values << qreal(n);
    m_jobs->remove(0, m_jobs->count());
    m_jobs->append(values);
    setRoundAxis(BarChartView::counts(), double(*std::max_element(counts.begin(), counts.end())), AxisUnit::Count);
    chart()->setTitle(tr("Execution times of %1 (successful jobs)").arg(jobClass));
}

void ExecutionHistogramChart::clearBars(const QString& why)
{
    m_shown = {};
    m_jobs->remove(0, m_jobs->count());
    setRoundAxis(counts(), 0, AxisUnit::Count);
    chart()->setTitle(why.isEmpty() ? tr("Execution times") : why);
}

long long ExecutionHistogramChart::count(std::size_t bucket) const
{
    return bucket < m_shown.size() ? m_shown[bucket] : 0;
}

QString ExecutionHistogramChart::barText(int bucket) const
{
    if (bucket < 0 || std::size_t(bucket) >= m_shown.size()) return {};
    const auto i = std::size_t(bucket);
    const QString range = i + 1 == kiq::sidekiq::kHistogramBuckets
        ? tr("over %1").arg(QString::fromLatin1(kiq::sidekiq::histogramBucketLabel(i - 1)))
        : tr("under %1").arg(QString::fromLatin1(kiq::sidekiq::histogramBucketLabel(i)));
    return tr("%1: %2 job(s)", nullptr, pluralCount(m_shown[i])).arg(range, formatCount(m_shown[i]));
}

ChartTable ExecutionHistogramChart::table() const
{
    ChartTable t;
    t.header << QStringLiteral("bucket") << QStringLiteral("under_ms") << QStringLiteral("jobs");
    for (std::size_t i = 0; i < m_shown.size(); ++i)
        t.rows.push_back({QString::fromLatin1(kiq::sidekiq::histogramBucketLabel(i)),
            i + 1 == m_shown.size() ? QString() : csvNumber(kiq::sidekiq::kHistogramBucketMs[i]),
            csvNumber(double(m_shown[i]))});
    return t;
}

} // namespace kiq::ui
