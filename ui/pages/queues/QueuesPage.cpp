#include "pages/queues/QueuesPage.h"

#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "pages/jobs/JobBrowser.h"
#include "pages/jobs/JobTableModel.h"
#include "pages/queues/QueueListModel.h"
#include "redis/AsyncClient.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"
#include "write/WriteGate.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

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
    for (auto& e : entries) rows.push_back(JobRow {0, e.index, std::move(e.job)});
    return rows;
}
} // namespace

QueuesPage::QueuesPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_queues(new QueueListModel(this))
    , m_queueProxy(new QSortFilterProxyModel(this))
    , m_queueTable(new QTableView(this))
    , m_browser(new JobBrowser(tr("Enqueued"), this))
    , m_status(new StatusLine(QStringLiteral("queuesStatus"), this))
    , m_delete(new QAction(tr("Delete"), this))
    , m_move(new QAction(tr("Move to queue…"), this))
    , m_pause(new QAction(tr("Pause queue"), this))
    , m_clear(new QAction(tr("Clear queue…"), this))
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
    tabLeavesView(m_queueTable);
    m_queueTable->setMinimumWidth(300); // queue names must stay readable next to the wide job table
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::NameColumn, QHeaderView::Stretch);
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::SizeColumn, QHeaderView::ResizeToContents);
    m_queueTable->horizontalHeader()->setSectionResizeMode(
        QueueListModel::LatencyColumn, QHeaderView::ResizeToContents);

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
    m_move->setObjectName(QStringLiteral("moveAction"));
    m_move->setShortcut(QKeySequence(Qt::Key_M));
    m_move->setShortcutContext(Qt::WidgetShortcut);
    m_browser->table()->addAction(m_move);
    explainRefusedShortcuts(m_browser->table(), [this](const QString& why) { m_status->showProblemText(why); });
    bar->addAction(m_move);
    connect(m_move, &QAction::triggered, this, [this] { moveSelection(); });
    bar->addSeparator();
    m_pause->setObjectName(QStringLiteral("pauseAction"));
    bar->addAction(m_pause);
    connect(m_pause, &QAction::triggered, this, &QueuesPage::togglePause);
    m_clear->setObjectName(QStringLiteral("clearAction"));
    bar->addAction(m_clear);
    connect(m_clear, &QAction::triggered, this, [this] { clearCurrentQueue(); });
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
    // The actions, then the queues, then the chosen queue's jobs.
    chainTabOrder(tabReachesToolBar(bar) << m_queueTable << m_browser->filterEdit() << m_browser->table());

    connect(m_queueTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) {
            if (!current.isValid()) return;
            const QModelIndex source = m_queueProxy->mapToSource(current);
            openQueue(m_queues->rows().at(std::size_t(source.row())).name);
        });
    connect(m_browser->model(), &JobTableModel::fetchRequested, this, &QueuesPage::loadPage);
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refreshQueues();
    });
    // A reset or a filter drops rows without a selectionChanged: recheck what the actions act on.
    connect(m_browser, &JobBrowser::selectionChanged, this, &QueuesPage::updateActions);
    connect(m_browser->table()->model(), &QAbstractItemModel::modelReset, this, &QueuesPage::updateActions);
    connect(m_browser->table()->model(), &QAbstractItemModel::rowsRemoved, this, &QueuesPage::updateActions);
    connect(m_browser->table()->model(), &QAbstractItemModel::layoutChanged, this, &QueuesPage::updateActions);
    m_status->showInfo(tr("Not connected."));
    updateActions();
}

QueuesPage::~QueuesPage() = default;

QString QueuesPage::title() const
{
    return tr("Queues");
}

QIcon QueuesPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogListView);
}

void QueuesPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    // Hidden, the page does not poll: what it holds may be minutes old (a queue's latency from
    // when it connected, issue 14), so a page coming into view reads again at once.
    refreshQueues();
}

void QueuesPage::clientChanged()
{
    m_jobs.next();
    m_loadingQueues = false;
    m_queue.clear();
    m_queues->clearRows();
    m_browser->model()->clearRows();
    updateActions();
    if (!client()) {
        m_timer.stop();
        m_reader.reset();
        m_status->showInfo(tr("Not connected."));
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
    if (!client() || m_loadingQueues) return;
    m_loadingQueues = true;
    auto reader = m_reader;
    runFresh<std::vector<kiq::sidekiq::QueueSummary>>(
        [reader](kiq::redis::Client& c) { return reader->read(c).queues; },
        [this](kiq::redis::Result<std::vector<kiq::sidekiq::QueueSummary>> r) {
            m_loadingQueues = false;
            if (!r.ok()) {
                m_status->showLoadError(QString::fromStdString(r.error->message));
                return;
            }
            m_queues->applySnapshot(std::move(*r.value));
            updateActions();
            if (m_queue.empty())
                m_status->showInfo(tr("%n queue(s). Select one to see its jobs.", nullptr, m_queues->rowCount()));
        });
}

void QueuesPage::openQueue(const std::string& name)
{
    if (!client()) return;
    m_queue = name;
    updateActions();
    const auto ticket = m_jobs.next();
    m_status->showInfo(tr("Loading %1…").arg(QString::fromStdString(name)));
    runFresh<QueueFirstPage>(
        [name](kiq::redis::Client& c) {
            QueueFirstPage p;
            p.total = kiq::sidekiq::queueSize(c, name);
            p.rows = toRows(kiq::sidekiq::pageQueue(c, name, 0, JobTableModel::kPageSize));
            return p;
        },
        [this, ticket, name](kiq::redis::Result<QueueFirstPage> r) {
            if (!m_jobs.isCurrent(ticket)) return;
            if (!r.ok()) {
                m_status->showLoadError(QString::fromStdString(r.error->message));
                return;
            }
            m_browser->model()->resetListing(r.value->total, std::move(r.value->rows));
            m_status->showInfo(tr("%1: %2 job(s)", nullptr, pluralCount(r.value->total))
                                   .arg(QString::fromStdString(name), formatCount(r.value->total)));
        });
}

void QueuesPage::loadPage(long long offset, long long count)
{
    if (!client() || m_queue.empty()) {
        m_browser->model()->pageFailed();
        return;
    }
    const auto ticket = m_jobs.current(); // a page of the queue open now
    const std::string name = m_queue;
    runFresh<std::vector<JobRow>>(
        [name, offset, count](
            kiq::redis::Client& c) { return toRows(kiq::sidekiq::pageQueue(c, name, offset, count)); },
        [this, ticket, offset](kiq::redis::Result<std::vector<JobRow>> r) {
            if (!m_jobs.isCurrent(ticket)) return;
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
    if (!client() || m_queue.empty() || payloads.empty()) return;
    auto gate = writeGate();
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_status->showProblemText(why);
        return;
    }
    const long long n = qsizetype(payloads.size());
    if (!confirmed
        && !confirmDamage(this, tr("Delete"),
            tr("Delete %n selected job(s) from %1?", nullptr, int(n)).arg(QString::fromStdString(m_queue)), n))
        return;
    const std::string queue = m_queue;
    runFresh<long long>([gate, queue, payloads](
                            kiq::redis::Client& c) { return kiq::sidekiq::deleteFromQueue(c, *gate, queue, payloads); },
        [this, n](kiq::redis::Result<long long> r) {
            if (!r.ok()) {
                m_status->showError(tr("Delete failed:"), QString::fromStdString(r.error->message));
                return;
            }
            refresh();
            m_status->showInfo(
                tr("Deleted %1 of %2 job(s) (the others were already taken by a worker).", nullptr, pluralCount(n))
                    .arg(formatCount(*r.value), formatCount(n)));
        });
}

bool QueuesPage::writesArmed()
{
    const QString why = refusedWrite();
    if (why.isEmpty()) return true;
    m_status->showProblemText(why);
    return false;
}

void QueuesPage::runWrite(
    std::function<QString(kiq::redis::Client&, kiq::write::WriteGate&)> write, const QString& failedTitle)
{
    auto gate = writeGate();
    runFresh<QString>([gate, write = std::move(write)](kiq::redis::Client& c) { return write(c, *gate); },
        [this, failedTitle](kiq::redis::Result<QString> r) {
            refresh();
            if (!r.ok())
                m_status->showError(failedTitle, QString::fromStdString(r.error->message));
            else
                m_status->showInfo(*r.value);
        });
}

void QueuesPage::moveSelection(const QString& to)
{
    auto payloads = m_browser->selectedPayloads();
    if (!client() || m_queue.empty() || payloads.empty() || !writesArmed()) return;
    QString target = to;
    if (target.isEmpty()) {
        QStringList names;
        for (const auto& q : m_queues->rows())
            if (q.name != m_queue) names << QString::fromStdString(q.name);
        bool ok = false;
        target = QInputDialog::getItem(this, tr("Move to queue"),
            tr("Move %n selected job(s) from %1 to:", nullptr, int(payloads.size()))
                .arg(QString::fromStdString(m_queue)),
            names, 0, true, &ok)
                     .trimmed();
        if (!ok || target.isEmpty()) return;
    }
    // The table lists newest first; moved jobs keep their running order, oldest first.
    std::reverse(payloads.begin(), payloads.end());
    const std::string from = m_queue, dest = target.toStdString();
    const long long n = static_cast<long long>(payloads.size());
    runWrite(
        [from, dest, payloads, n](kiq::redis::Client& c, kiq::write::WriteGate& gate) {
            const auto r = kiq::sidekiq::moveQueueJobs(c, gate, from, payloads, dest);
            QString text = tr("Moved %1 of %2 job(s) to %3.", nullptr, pluralCount(n))
                               .arg(formatCount(r.affected), formatCount(n), QString::fromStdString(dest));
            if (r.missing > 0)
                text += QLatin1Char(' ') + tr("%n had already been taken by a worker.", nullptr, int(r.missing));
            if (!r.skipped.empty())
                text += QLatin1Char(' ') + tr("%n could not be parsed and stayed.", nullptr, int(r.skipped.size()));
            return text;
        },
        tr("Move failed:"));
}

bool QueuesPage::currentQueuePaused() const
{
    for (const auto& q : m_queues->rows())
        if (q.name == m_queue) return q.paused;
    return false;
}

void QueuesPage::updateActions()
{
    // Disabled with the reason as the tooltip: an enabled button that does nothing says nothing.
    const QString blocked = !client() ? tr("Not connected") : writeRefusal();
    const bool queue = blocked.isEmpty() && !m_queue.empty();
    const bool jobs = queue && m_browser->table()->selectionModel()->hasSelection();
    const QString noQueue = !blocked.isEmpty() ? blocked : tr("Select a queue first");
    const QString noJobs = queue ? tr("Select jobs in the table first") : noQueue;
    m_pause->setText(currentQueuePaused() ? tr("Resume queue") : tr("Pause queue"));
    m_pause->setEnabled(queue);
    m_pause->setToolTip(queue
            ? tr("Paused queues are not fetched by Kiqdesk's local pool (nor by Sidekiq Pro or Sidekiq 8.1+)")
            : noQueue);
    m_clear->setEnabled(queue);
    m_clear->setToolTip(queue ? tr("Delete every job in this queue") : noQueue);
    m_delete->setEnabled(jobs);
    m_delete->setToolTip(jobs ? tr("Delete the selected jobs") : noJobs);
    m_move->setEnabled(jobs);
    m_move->setToolTip(jobs ? tr("Move the selected jobs to another queue") : noJobs);
}

void QueuesPage::togglePause()
{
    if (!client() || m_queue.empty() || !writesArmed()) return;
    const bool pause = !currentQueuePaused();
    const std::string queue = m_queue;
    runWrite(
        [queue, pause](kiq::redis::Client& c, kiq::write::WriteGate& gate) {
            kiq::sidekiq::setQueuePaused(c, gate, queue, pause);
            return pause
                ? tr("%1 is paused: Kiqdesk's pool no longer fetches from it.").arg(QString::fromStdString(queue))
                : tr("%1 is resumed.").arg(QString::fromStdString(queue));
        },
        pause ? tr("Pause failed:") : tr("Resume failed:"));
}

void QueuesPage::clearCurrentQueue(bool confirmed)
{
    if (!client() || m_queue.empty() || !writesArmed()) return;
    long long size = 0;
    for (const auto& q : m_queues->rows())
        if (q.name == m_queue) size = q.size;
    if (!confirmed
        && !confirmDamage(this, tr("Clear queue"),
            tr("Delete all %1 job(s) in %2? This cannot be undone.", nullptr, pluralCount(size))
                .arg(formatCount(size), QString::fromStdString(m_queue)),
            size))
        return;
    const std::string queue = m_queue;
    runWrite(
        [queue](kiq::redis::Client& c, kiq::write::WriteGate& gate) {
            kiq::sidekiq::clearQueue(c, gate, queue);
            return tr("%1 is cleared.").arg(QString::fromStdString(queue));
        },
        tr("Clear failed:"));
}

} // namespace kiq::ui
