#include "pages/metrics/ExecutionHistogramChart.h"

#include "common/ChartLook.h"
#include "common/Formatting.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QEvent>

#include <algorithm>

namespace kiq::ui {

ExecutionHistogramChart::ExecutionHistogramChart(QWidget* parent)
    : QChartView(parent)
    , m_jobs(new QBarSet(tr("Jobs")))
    , m_buckets(new QBarCategoryAxis)
    , m_counts(new QCategoryAxis)
{
    setObjectName(QStringLiteral("executionHistogram"));
    setRenderHint(QPainter::Antialiasing);
    auto* series = new QBarSeries;
    series->append(m_jobs);
    series->setBarWidth(0.9);
    auto* chart = new QChart;
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->addSeries(series);
    QStringList labels;
    for (std::size_t i = 0; i < kiq::sidekiq::kHistogramBuckets; ++i)
        labels << QString::fromLatin1(kiq::sidekiq::histogramBucketLabel(i));
    m_buckets->append(labels);
    m_buckets->setLabelsAngle(-60); // 26 labels side by side do not fit a page's width
    m_buckets->setTruncateLabels(false); // "…" under every bar says nothing; slanted, they fit whole
    m_buckets->setTitleText(tr("Execution time, up to"));
    chart->addAxis(m_buckets, Qt::AlignBottom);
    chart->addAxis(m_counts, Qt::AlignLeft);
    series->attachAxis(m_buckets);
    series->attachAxis(m_counts);
    setChart(chart);
    applyChartPalette(chart, palette());
    setMinimumHeight(200);
    tipBarsOnHover(this, m_jobs, [this](int bucket) { return barText(bucket); });
    offerCsvExport(this, QStringLiteral("execution-times"), [this] { return table(); });
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
    setRoundAxis(m_counts, double(*std::max_element(counts.begin(), counts.end())), AxisUnit::Count);
    chart()->setTitle(tr("Execution times of %1 (successful jobs)").arg(jobClass));
}

void ExecutionHistogramChart::clearBars(const QString& why)
{
    m_shown = {};
    m_jobs->remove(0, m_jobs->count());
    setRoundAxis(m_counts, 0, AxisUnit::Count);
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

void ExecutionHistogramChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyChartPalette(chart(), palette());
}

} // namespace kiq::ui
