#include "pages/metrics/MetricsPage.h"

#include "common/Formatting.h"
#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "common/TimeSeriesChart.h"
#include "pages/metrics/ExecutionHistogramChart.h"
#include "pages/metrics/MetricsClassModel.h"
#include "sidekiq/model/Timestamp.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
using kiq::sidekiq::MetricsFormat;
using kiq::sidekiq::MetricsResult;

constexpr double kHistogramHours = 8; // Sidekiq keeps histograms per minute, for 8 hours

QString clockTime(double epochSeconds)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(qint64(epochSeconds)).time(), QLocale::ShortFormat);
}
} // namespace

MetricsPage::MetricsPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_period(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_status(new StatusLine(QStringLiteral("metricsStatus"), this))
    , m_model(new MetricsClassModel(this))
    , m_chart(new TimeSeriesChart(tr("Executions"), QStringLiteral("metricsChart"), this))
    , m_histogram(new ExecutionHistogramChart(this))
{
    setObjectName(QStringLiteral("metricsPage"));
    m_period->setObjectName(QStringLiteral("metricsPeriod"));
    for (int hours : kPeriodHours) m_period->addItem(tr("Last %n hour(s)", nullptr, hours), hours);
    m_filter->setObjectName(QStringLiteral("metricsFilter"));
    m_filter->setPlaceholderText(tr("Filter by job class"));
    m_filter->setClearButtonEnabled(true);

    m_table = makeSortedTable(m_model, QStringLiteral("metricsTable"), this);
    m_proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
    m_proxy->setFilterKeyColumn(MetricsClassModel::ClassColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(MetricsClassModel::ClassColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->sortByColumn(MetricsClassModel::ProcessedColumn, Qt::DescendingOrder);

    m_chart->addSeries(tr("Processed"));
    m_chart->addSeries(tr("Failed"));
    m_chart->addSeries(tr("Mean time"), true);
    m_chart->setAxisUnit(true, AxisUnit::Seconds);
    m_chart->setAxisTitles(tr("Jobs"), tr("Mean time"));

    auto* bar = new QHBoxLayout;
    auto* periodLabel = new QLabel(tr("&Period:"), this);
    periodLabel->setBuddy(m_period);
    periodLabel->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred); // the filter field gives way
    bar->addWidget(periodLabel);
    bar->addWidget(m_period);
    bar->addSpacing(12);
    bar->addWidget(m_filter, 1);

    auto* charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_chart);
    charts->addWidget(m_histogram);
    charts->setChildrenCollapsible(false);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(charts);
    split->setSizes({400, 600}); // in proportion: the charts need the room more than the table
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        m_again = m_loading;
        refresh();
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0) m_table->selectRow(0);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { showSelectedClass(); });
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refresh(); // hidden pages do not poll
    });
    m_status->showInfo(tr("Not connected."));
    m_histogram->clearBars({});
}

QString MetricsPage::title() const
{
    return tr("Metrics");
}

QIcon MetricsPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogInfoView);
}

double MetricsPage::periodSeconds() const
{
    return m_period->currentData().toDouble() * 3600;
}

void MetricsPage::clientChanged()
{
    m_loading = false;
    m_again = false;
    m_sinceLoad.invalidate();
    m_histogramRequest.next();
    m_result = {};
    m_chartedClass.clear();
    m_model->clearRows();
    m_chart->clearPoints();
    m_chart->setMarks({});
    m_histogram->clearBars({});
    if (!client()) {
        m_timer.stop();
        m_status->showInfo(tr("Not connected."));
        return;
    }
    m_timer.start();
    if (isVisible()) refresh(); // else when first shown: a page nobody opens costs Redis nothing
}

void MetricsPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    if (!m_sinceLoad.isValid() || m_sinceLoad.elapsed() >= m_timer.interval()) refresh();
}

void MetricsPage::refresh()
{
    if (!client() || m_loading) return; // one load at a time
    m_loading = true;
    if (!m_sinceLoad.isValid()) m_status->showInfo(tr("Loading…"));
    kiq::sidekiq::MetricsQuery query;
    query.periodSeconds = periodSeconds();
    runFresh<MetricsResult>(
        [query](kiq::redis::Client& c) {
            return kiq::sidekiq::readMetrics(c, query, kiq::sidekiq::Timestamp::now().seconds());
        },
        [this](kiq::redis::Result<MetricsResult> r) {
            m_loading = false;
            if (m_again) { // the period changed meanwhile: this answer is for the old one
                m_again = false;
                refresh();
                return;
            }
            if (r.ok())
                showResult(std::move(*r.value));
            else
                m_status->showLoadError(explainError(r.error->message), m_sinceLoad);
        });
}

void MetricsPage::showResult(MetricsResult result)
{
    m_sinceLoad.start();
    m_result = std::move(result);
    const MetricsResult& r = m_result;
    if (r.format == MetricsFormat::None) {
        // Say why there is nothing rather than show zeros: Sidekiq 6 writes no metrics at all.
        QStringList versions;
        for (const auto& v : r.runningVersions) versions << QString::fromStdString(v);
        m_status->showInfo(versions.isEmpty()
                ? tr("No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; "
                     "no Sidekiq process is running here.")
                : tr("No job metrics in this period. Sidekiq writes them from version 7.0 on, for jobs that ran; "
                     "the processes here run Sidekiq %1.")
                      .arg(QLocale().createSeparatedList(versions)));
    } else {
        QString text = tr("Sidekiq %1 metrics, %2 to %3, in %n-minute buckets.", nullptr, r.bucketSeconds / 60)
                           .arg(r.format == MetricsFormat::V8 ? QStringLiteral("8") : QStringLiteral("7"),
                               clockTime(r.startsAt), clockTime(r.endsAt));
        if (r.truncated) text += QLatin1Char(' ') + tr("Sidekiq 7 keeps metrics for 8 hours: showing those.");
        if (!r.marks.empty())
            text += QLatin1Char(' ') + tr("%n deploy(s) marked.", nullptr, pluralCount(qint64(r.marks.size())));
        m_status->showInfo(text);
    }
    m_model->applySnapshot(r.classes);
    if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0) {
        const int row = m_model->rowOf(m_chartedClass);
        if (row >= 0 && m_proxy->mapFromSource(m_model->index(row, 0)).isValid())
            m_table->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
        else
            m_table->selectRow(0);
    }
    showSelectedClass(); // the selection may be unchanged while its numbers are new
}

std::string MetricsPage::selectedClass() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) return {};
    const QModelIndex source = m_proxy->mapToSource(rows.front());
    return m_model->rows()[std::size_t(source.row())].jobClass;
}

void MetricsPage::showSelectedClass()
{
    const std::string jobClass = selectedClass();
    m_chart->clearPoints();
    const kiq::sidekiq::ClassMetrics* shown = nullptr;
    for (const auto& c : m_result.classes)
        if (c.jobClass == jobClass) shown = &c;
    if (!shown) {
        m_chartedClass.clear();
        m_chart->setMarks({});
        m_histogram->clearBars({});
        return;
    }
    m_chart->setTitle(tr("Executions of %1").arg(QString::fromStdString(jobClass)));
    m_chart->setWindowSeconds(m_result.endsAt - m_result.startsAt);
    for (const auto& p : shown->series) {
        m_chart->append(0, p.time, double(p.processed));
        m_chart->append(1, p.time, double(p.failed));
        // No mean where nothing completed: a drop to zero would read as "fast".
        const long long completed = p.processed - p.failed;
        if (completed > 0) m_chart->append(2, p.time, double(p.milliseconds) / double(completed) / 1000);
    }
    m_chart->commit(m_result.endsAt);
    std::vector<TimeSeriesChart::Mark> marks;
    for (const auto& m : m_result.marks) marks.push_back({m.time, QString::fromStdString(m.label)});
    m_chart->setMarks(std::move(marks));
    m_chartedClass = jobClass;
    loadHistogram(jobClass);
}

void MetricsPage::loadHistogram(const std::string& jobClass)
{
    const auto ticket = m_histogramRequest.next();
    if (periodSeconds() > kHistogramHours * 3600) {
        m_histogram->clearBars(tr("Sidekiq keeps execution-time histograms for 8 hours: choose 8 hours or less"));
        return;
    }
    kiq::sidekiq::MetricsQuery query;
    query.periodSeconds = m_result.endsAt - m_result.startsAt;
    query.jobClass = jobClass;
    query.histograms = true;
    const double endsAt = m_result.endsAt; // the table's period, so the bars add up to its rows
    runFresh<MetricsResult>(
        [query, endsAt](kiq::redis::Client& c) { return kiq::sidekiq::readMetrics(c, query, endsAt); },
        [this, ticket, jobClass](kiq::redis::Result<MetricsResult> r) {
            if (!m_histogramRequest.isCurrent(ticket)) return;
            if (!r.ok()) {
                m_histogram->clearBars(tr("Execution times: %1").arg(explainError(r.error->message)));
                return;
            }
            if (r.value->classes.empty()) {
                m_histogram->clearBars({});
                return;
            }
            m_histogram->showHistogram(QString::fromStdString(jobClass), r.value->classes.front().histogram);
        });
}

} // namespace kiq::ui
