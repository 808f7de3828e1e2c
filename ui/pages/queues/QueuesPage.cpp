#include "QueuesPage.h"

#include "QueueListModel.h"
#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "pages/jobs/JobBrowser.h"
#include "pages/jobs/JobTableModel.h"
#include "redis/AsyncClient.h"
#include "services/WriteGate.h"
#include "sidekiq/Queues.h"
#include "sidekiq/Stats.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
struct QueueFirstPage {
    long long total = 0;
    std::vector<JobRow> rows;
};

std::vector<JobRow> toRows(std::vector<kiq::sidekiq::QueueEntry> entries)
{
    std::vector<JobRow> rows;
    rows.reserve(entries.size());
    for (auto& e : entries) rows.push_back(JobRow{0, e.index, std::move(e.job)});
    return rows;
}
} // namespace

QueuesPage::QueuesPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_queues(new QueueListModel(this))
    , m_queueProxy(new QSortFilterProxyModel(this))
    , m_queueTable(new QTableView(this))
    , m_browser(new JobBrowser(tr("Enqueued"), this))
    , m_status(new QLabel(this))
    , m_delete(new QAction(tr("Delete"), this))
{
    setObjectName(QStringLiteral("queuesPage"));
    m_queueProxy->setSourceModel(m_queues);
    m_queueProxy->setSortRole(QueueListModel::UnderlyingDataRole);
    m_queueTable->setObjectName(QStringLiteral("queueTable"));
    m_queueTable->setModel(m_queueProxy);
    m_queueTable->setSortingEnabled(true);
    m_queueTable->sortByColumn(QueueListModel::NameColumn, Qt::AscendingOrder);
    m_queueTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queueTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queueTable->verticalHeader()->hide();
    m_queueTable->setMinimumWidth(300); // queue names must stay readable next to the wide job table
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::NameColumn, QHeaderView::Stretch);
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::SizeColumn, QHeaderView::ResizeToContents);
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::LatencyColumn, QHeaderView::ResizeToContents);
    m_status->setObjectName(QStringLiteral("queuesStatus"));
    m_status->setWordWrap(true);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction* reload = bar->addAction(tr("Reload"));
    connect(reload, &QAction::triggered, this, &QueuesPage::refresh);
    m_delete->setObjectName(QStringLiteral("deleteAction"));
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetShortcut); // the job table only
    m_browser->table()->addAction(m_delete);
    bar->addAction(m_delete);
    connect(m_delete, &QAction::triggered, this, [this] { deleteSelection(); });
    auto* find = new QAction(tr("Focus the filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_browser, &JobBrowser::focusFilter);
    QWidget::addAction(find);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_queueTable);
    splitter->addWidget(m_browser);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    connect(m_queueTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (!current.isValid()) return;
        const QModelIndex source = m_queueProxy->mapToSource(current);
        openQueue(m_queues->rows().at(std::size_t(source.row())).name);
    });
    connect(m_browser->model(), &JobTableModel::fetchRequested, this, &QueuesPage::loadPage);
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refreshQueues();
    });
    showStatus(tr("Not connected."));
}

QueuesPage::~QueuesPage() = default;

QString QueuesPage::title() const { return tr("Queues"); }

QIcon QueuesPage::icon() const { return style()->standardIcon(QStyle::SP_FileDialogListView); }

void QueuesPage::setClient(kiq::redis::AsyncClient* client)
{
    ++m_generation;
    ++m_jobGeneration;
    m_loadingQueues = false;
    m_client = client;
    m_queue.clear();
    m_queues->clearRows();
    m_browser->model()->clearRows();
    if (!m_client) {
        m_timer.stop();
        m_reader.reset();
        showStatus(tr("Not connected."));
        return;
    }
    m_reader = std::make_shared<kiq::sidekiq::StatsReader>();
    m_timer.start();
    refreshQueues();
}

void QueuesPage::refresh()
{
    refreshQueues();
    if (!m_queue.empty()) openQueue(m_queue);
}

void QueuesPage::refreshQueues()
{
    if (!m_client || m_loadingQueues) return;
    m_loadingQueues = true;
    const unsigned generation = m_generation;
    auto reader = m_reader;
    m_client->run<std::vector<kiq::sidekiq::QueueSummary>>(
        [reader](kiq::redis::Client& c) { return reader->read(c).queues; }, this,
        [this, generation](kiq::redis::Result<std::vector<kiq::sidekiq::QueueSummary>> r) {
            if (generation != m_generation) return;
            m_loadingQueues = false;
            if (!r.ok()) {
                showStatus(tr("<b>Could not load:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_queues->applySnapshot(std::move(*r.value));
            if (m_queue.empty()) showStatus(tr("%n queue(s). Select one to see its jobs.", nullptr, m_queues->rowCount()));
        });
}

void QueuesPage::openQueue(const std::string& name)
{
    if (!m_client) return;
    m_queue = name;
    const unsigned generation = ++m_jobGeneration;
    showStatus(tr("Loading %1…").arg(QString::fromStdString(name)));
    m_client->run<QueueFirstPage>(
        [name](kiq::redis::Client& c) {
            QueueFirstPage p;
            p.total = kiq::sidekiq::queueSize(c, name);
            p.rows = toRows(kiq::sidekiq::pageQueue(c, name, 0, JobTableModel::kPageSize));
            return p;
        },
        this, [this, generation, name](kiq::redis::Result<QueueFirstPage> r) {
            if (generation != m_jobGeneration) return;
            if (!r.ok()) {
                showStatus(tr("<b>Could not load:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_browser->model()->resetListing(r.value->total, std::move(r.value->rows));
            showStatus(tr("%1: %2 jobs").arg(QString::fromStdString(name), formatCount(r.value->total)));
        });
}

void QueuesPage::loadPage(long long offset, long long count)
{
    if (!m_client || m_queue.empty()) {
        m_browser->model()->pageFailed();
        return;
    }
    const unsigned generation = m_jobGeneration;
    const std::string name = m_queue;
    m_client->run<std::vector<JobRow>>(
        [name, offset, count](kiq::redis::Client& c) { return toRows(kiq::sidekiq::pageQueue(c, name, offset, count)); },
        this, [this, generation, offset](kiq::redis::Result<std::vector<JobRow>> r) {
            if (generation != m_jobGeneration) return;
            if (!r.ok()) {
                m_browser->model()->pageFailed();
                return;
            }
            m_browser->model()->appendPage(offset, std::move(*r.value));
        });
}

void QueuesPage::deleteSelection(bool confirmed)
{
    const auto payloads = m_browser->selectedPayloads();
    if (!m_client || m_queue.empty() || payloads.empty()) return;
    auto* gate = writeGate();
    if (!gate || !gate->writable()) {
        showStatus(tr("This deployment is read-only: arm writes first."), true);
        return;
    }
    const long long n = qsizetype(payloads.size());
    if (!confirmed
        && !confirmDamage(this, tr("Delete"),
                          tr("Delete %n selected job(s) from %1?", nullptr, int(n)).arg(QString::fromStdString(m_queue)), n))
        return;
    const std::string queue = m_queue;
    m_client->run<long long>(
        [gate, queue, payloads](kiq::redis::Client& c) { return kiq::sidekiq::deleteFromQueue(c, *gate, queue, payloads); },
        this, [this, n](kiq::redis::Result<long long> r) {
            if (!r.ok()) {
                showStatus(tr("<b>Delete failed:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
                return;
            }
            refresh();
            showStatus(tr("Deleted %1 of %2 jobs (the others were already taken by a worker).")
                           .arg(formatCount(*r.value), formatCount(n)));
        });
}

void QueuesPage::showStatus(const QString& text, bool problem)
{
    m_status->setForegroundRole(problem ? QPalette::Text : QPalette::PlaceholderText);
    m_status->setText(text);
}

} // namespace kiq::ui
