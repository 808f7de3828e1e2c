#include "pages/queues/QueuesPage.h"

#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobIndexFeed.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobPageStatus.h"
#include "pages/queues/QueueListModel.h"
#include "pages/undo/UndoOffer.h"
#include "redis/AsyncClient.h"
#include "sidekiq/api/Queues.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/Keys.h"
#include "write/WriteGate.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHideEvent>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace kiq::ui {

QueuesPage::QueuesPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_queues(new QueueListModel(this))
    , m_queueProxy(new QSortFilterProxyModel(this))
    , m_queueTable(new QTableView(this))
    , m_feed(new JobIndexFeed(this))
    , m_browser(new IndexedJobBrowser(tr("Enqueued"), true, false, this))
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
    m_queueTable->setMinimumWidth(340); // names and forecasts must stay readable next to the wide job table
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::NameColumn, QHeaderView::Stretch);
    m_queueTable->horizontalHeader()->setSectionResizeMode(QueueListModel::SizeColumn, QHeaderView::ResizeToContents);
    m_queueTable->horizontalHeader()->setSectionResizeMode(
        QueueListModel::LatencyColumn, QHeaderView::ResizeToContents);
    m_queueTable->horizontalHeader()->setSectionResizeMode(
        QueueListModel::ForecastColumn, QHeaderView::ResizeToContents);

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
    explainRefusedShortcuts(m_browser->table(), [this](const QString& why) { showNotice(why.toHtmlEscaped(), true); });
    bar->addAction(m_move);
    connect(m_move, &QAction::triggered, this, [this] { moveSelection(); });
    bar->addSeparator();
    m_pause->setObjectName(QStringLiteral("pauseAction"));
    bar->addAction(m_pause);
    connect(m_pause, &QAction::triggered, this, &QueuesPage::togglePause);
    m_clear->setObjectName(QStringLiteral("clearAction"));
    bar->addAction(m_clear);
    connect(m_clear, &QAction::triggered, this, [this] { clearCurrentQueue(); });
    bar->addSeparator();
    // The same as kiqdesk-cli commands, for a review or a script (allowed while writes are refused).
    auto* copyMenu = new QMenu(tr("Copy as command"), this);
    auto addCopy = [&](const QString& text, const char* name, std::function<void()> copy) {
        QAction* item = copyMenu->addAction(text);
        item->setObjectName(QString::fromLatin1(name));
        connect(item, &QAction::triggered, this, std::move(copy));
    };
    addCopy(tr("List the matching jobs"), "copyListAction", [this] { copyCommand(CopyWhat::List); });
    addCopy(tr("Delete the selected jobs"), "copyDeleteAction", [this] { copyCommand(CopyWhat::DeleteSelection); });
    addCopy(tr("Move the selected jobs…"), "copyMoveAction", [this] { copyCommand(CopyWhat::MoveSelection); });
    addCopy(tr("Pause or resume the queue"), "copyPauseAction", [this] { copyCommand(CopyWhat::Pause); });
    addCopy(tr("Clear the queue"), "copyClearAction", [this] { copyCommand(CopyWhat::Clear); });
    auto* copyButton = new QToolButton(this);
    copyButton->setObjectName(QStringLiteral("copyCommandButton"));
    copyButton->setText(tr("Copy as command"));
    copyButton->setMenu(copyMenu);
    copyButton->setPopupMode(QToolButton::InstantPopup);
    bar->addWidget(copyButton);
    bar->addWidget(jobFileButton(
        QStringLiteral("queue"), [this](const QString& path, bool unredacted) { exportSelection(path, unredacted); },
        [this](const QString& path) { importFile(path); }));
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    m_browser->table()->addActions({separator, copyMenu->menuAction()});
    m_browser->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* find = new QAction(tr("Focus the filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_browser, &IndexedJobBrowser::focusFilter);
    QWidget::addAction(find);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_queueTable);
    splitter->addWidget(m_browser);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 6);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(splitter, 1);
    m_undo = new UndoOffer(this);
    connect(m_undo, &QToolButton::clicked, this, &QueuesPage::undoLast);
    auto* statusRow = new QHBoxLayout;
    statusRow->setContentsMargins(0, 0, 0, 0);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_undo);
    layout->addLayout(statusRow);
    // The actions, then the queues, then the chosen queue's jobs.
    chainTabOrder(tabReachesToolBar(bar) << m_queueTable << m_browser->filterEdit() << m_browser->table());

    connect(m_queueTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) {
            if (!current.isValid()) return;
            const QModelIndex source = m_queueProxy->mapToSource(current);
            openQueue(m_queues->rows().at(std::size_t(source.row())).name);
        });
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refreshQueues();
    });
    connect(m_feed, &JobIndexFeed::snapshotChanged, this, [this] { m_browser->setSnapshot(m_feed->snapshot()); });
    connect(m_feed, &JobIndexFeed::stepFinished, this, &QueuesPage::updateStatus);
    connect(m_browser->model(), &IndexedJobModel::queryApplied, this, &QueuesPage::updateStatus);
    connect(m_browser, &IndexedJobBrowser::currentJobWanted, this, &QueuesPage::fetchCurrent);
    connect(m_browser->inspector(), &JobInspector::revealRequested, this, [this](const QString& jid) {
        recordReveal(jid);
        m_browser->inspector()->reveal();
    });
    // A reset or a filter drops rows without a selectionChanged: recheck what the actions act on.
    connect(m_browser, &IndexedJobBrowser::selectionChanged, this, &QueuesPage::updateActions);
    connect(m_browser, &IndexedJobBrowser::filterRejected, this, &QueuesPage::updateActions);
    connect(m_browser, &IndexedJobBrowser::filterApplied, this, [this] {
        updateActions();
        updateStatus();
    });
    updateActions();
    updateStatus();
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
    m_feed->start(); // the open queue's index follows the list while the page is shown
}

void QueuesPage::hideEvent(QHideEvent* event)
{
    DeploymentPage::hideEvent(event);
    m_feed->stop();
}

void QueuesPage::clientChanged()
{
    m_jobs.next();
    m_loadingQueues = false;
    m_queue.clear();
    m_listProblem.clear();
    m_notice.clear();
    m_queues->clearRows();
    m_feed->setQueue({});
    m_feed->setClient(client());
    updateActions();
    updateStatus();
    if (!client()) {
        m_timer.stop();
        m_reader.reset();
        return;
    }
    m_reader = std::make_shared<kiq::sidekiq::StatsReader>();
    m_timer.start();
    refreshQueues();
}

void QueuesPage::loadBudgetChanged()
{
    m_feed->setLoadBudget(loadBudget());
}

void QueuesPage::redactionChanged()
{
    m_browser->setRedactor(redactor());
}

void QueuesPage::refresh()
{
    refreshQueues();
    m_feed->refreshSoon();
}

void QueuesPage::refreshQueues()
{
    if (!client() || m_loadingQueues) return;
    m_loadingQueues = true;
    auto reader = m_reader;
    runFresh<kiq::sidekiq::StatsSnapshot>([reader](kiq::redis::Client& c) { return reader->read(c); },
        [this](kiq::redis::Result<kiq::sidekiq::StatsSnapshot> r) {
            m_loadingQueues = false;
            if (!r.ok()) {
                m_listProblem = explainError(r.error->message);
                updateStatus();
                return;
            }
            m_listProblem.clear();
            if (Deployment* d = deployment()) {
                d->addQueueSample(r.value->takenAt, r.value->processed, r.value->queues);
                m_queues->setForecasts(d->queueForecasts());
            }
            m_queues->applySnapshot(std::move(r.value->queues));
            selectPendingQueue();
            updateActions();
            updateStatus();
        });
}

bool QueuesPage::showSearchHit(const kiq::sidekiq::JobSearchHit& hit)
{
    if (hit.place != kiq::sidekiq::JobPlace::Queue) return false;
    m_pendingQueue = hit.container;
    selectPendingQueue();
    m_browser->showJid(QString::fromStdString(hit.job.jid));
    return true;
}

void QueuesPage::selectPendingQueue()
{
    if (m_pendingQueue.empty()) return;
    const auto& rows = m_queues->rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].name != m_pendingQueue) continue;
        m_pendingQueue.clear();
        const QModelIndex at = m_queueProxy->mapFromSource(m_queues->index(int(i), 0));
        m_queueTable->selectionModel()->setCurrentIndex(
            at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_queueTable->scrollTo(at);
        return;
    }
}

void QueuesPage::openQueue(const std::string& name)
{
    if (!client() || name == m_queue) return;
    m_queue = name;
    m_jobs.next();
    m_notice.clear();
    m_feed->setQueue(name);
    updateActions();
    updateStatus();
}

void QueuesPage::fetchCurrent(const kiq::sidekiq::IndexedJobKey& key)
{
    const auto snap = m_browser->model()->snapshot();
    if (!snap || m_queue.empty()) return;
    const auto ref = kiq::sidekiq::queueJobRefs(*snap, {key}).front();
    const auto ticket = m_jobs.current();
    const std::string queue = m_queue;
    runFresh<std::optional<JobRow>>(
        [queue, ref](kiq::redis::Client& c) -> std::optional<JobRow> {
            auto entry = kiq::sidekiq::fetchQueueJob(c, queue, ref);
            if (!entry) return std::nullopt;
            return JobRow {0, entry->index, std::move(entry->job), {}, std::nullopt};
        },
        [this, key, ticket](kiq::redis::Result<std::optional<JobRow>> r) {
            if (!m_jobs.isCurrent(ticket)) return;
            if (!r.ok()) {
                showNotice(
                    tr("<b>Could not read the job:</b> %1").arg(explainError(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_browser->showJob(key, *r.value);
        });
}

std::vector<kiq::sidekiq::QueueJobRef> QueuesPage::selectedRefs()
{
    const long long n = m_browser->selectedCount();
    const auto snap = m_browser->model()->snapshot();
    if (!client() || m_queue.empty() || n == 0 || !snap) return {};
    if (n > kMaxSelectionAction) {
        showNotice(tr("%1 jobs are selected; at most %2 can be acted on at once.")
                       .arg(formatCount(n), formatCount(kMaxSelectionAction))
                       .toHtmlEscaped(),
            true);
        return {};
    }
    return kiq::sidekiq::queueJobRefs(*snap, m_browser->selectedKeys());
}

void QueuesPage::exportSelection(const QString& path, bool unredacted)
{
    const auto refs = selectedRefs();
    if (refs.empty()) return showNotice(tr("Select the jobs to export first."), true);
    const std::string queue = m_queue;
    exportJobFile(
        path, unredacted, QString::fromStdString(kiq::sidekiq::keys::queue(queue)),
        [queue, refs](kiq::redis::Client& c, const kiq::redaction::Redactor* redactor) {
            return kiq::sidekiq::exportQueueJobs(c, queue, refs, redactor);
        },
        [this](const QString& notice, bool problem) {
            showNotice(notice, problem);
            emit jobFileDone(notice, problem);
        });
}

void QueuesPage::importFile(const QString& path, bool confirmed)
{
    if (m_queue.empty()) return showNotice(tr("Open the queue to import into first."), true);
    importJobFile(path, {std::nullopt, m_queue}, QString::fromStdString(m_queue), confirmed,
        [this](const QString& notice, bool problem) {
            showNotice(notice, problem);
            if (!problem) refresh();
            emit jobFileDone(notice, problem);
        });
}

void QueuesPage::deleteSelection(bool confirmed)
{
    if (!writesArmed()) return;
    const auto refs = selectedRefs();
    if (refs.empty()) return;
    auto gate = writeGate();
    const long long n = qsizetype(refs.size());
    if (!confirmed
        && !confirmDamage(this, tr("Delete"),
            tr("Delete %n selected job(s) from %1?", nullptr, int(n)).arg(QString::fromStdString(m_queue)), n))
        return;
    const std::string queue = m_queue;
    using Outcome = Undoable<kiq::sidekiq::ActionResult>;
    runFresh<Outcome>(
        [gate, journal = Deployment::undoJournal(), queue, refs](kiq::redis::Client& c) {
            return recordingUndo<kiq::sidekiq::ActionResult>(
                *journal, [&] { return kiq::sidekiq::deleteIndexedQueueJobs(c, *gate, queue, refs); });
        },
        [this, n](kiq::redis::Result<Outcome> r) {
            refresh();
            if (!r.ok()) {
                showNotice(tr("<b>Delete failed:</b> %1").arg(explainError(r.error->message).toHtmlEscaped()), true);
                return;
            }
            const long long deleted = r.value->result.affected;
            showUndoable(
                tr("Deleted %1 of %2 job(s) (the others were already taken by a worker).", nullptr, pluralCount(n))
                    .arg(formatCount(deleted), formatCount(n)),
                deleted, r.value->record, r.value->journalWarning);
        });
}

bool QueuesPage::writesArmed()
{
    const QString why = refusedWrite();
    if (why.isEmpty()) return true;
    showNotice(why.toHtmlEscaped(), true);
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
                showNotice(QStringLiteral("<b>%1</b> %2")
                               .arg(failedTitle.toHtmlEscaped(), explainError(r.error->message).toHtmlEscaped()),
                    true);
            else
                showNotice(*r.value, false);
        });
}

void QueuesPage::moveSelection(const QString& to)
{
    if (!writesArmed()) return;
    const auto refs = selectedRefs(); // oldest first: moved jobs keep their running order
    if (refs.empty()) return;
    QString target = to;
    if (target.isEmpty()) {
        QStringList names;
        for (const auto& q : m_queues->rows())
            if (q.name != m_queue) names << QString::fromStdString(q.name);
        bool ok = false;
        target = QInputDialog::getItem(this, tr("Move to queue"),
            tr("Move %n selected job(s) from %1 to:", nullptr, int(refs.size())).arg(QString::fromStdString(m_queue)),
            names, 0, true, &ok)
                     .trimmed();
        if (!ok || target.isEmpty()) return;
    }
    const std::string from = m_queue, dest = target.toStdString();
    const long long n = static_cast<long long>(refs.size());
    runWrite(
        [from, dest, refs, n](kiq::redis::Client& c, kiq::write::WriteGate& gate) {
            const auto r = kiq::sidekiq::moveIndexedQueueJobs(c, gate, from, refs, dest);
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
    const bool jobs = queue && m_browser->selectedCount() > 0;
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
    m_undo->setRefusal(blocked);
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
            tr("Delete all %1 job(s) in %2? Undo history can put them back.", nullptr, pluralCount(size))
                .arg(formatCount(size), QString::fromStdString(m_queue)),
            size))
        return;
    const std::string queue = m_queue;
    using Outcome = Undoable<long long>;
    runFresh<Outcome>(
        [gate = writeGate(), journal = Deployment::undoJournal(), queue](kiq::redis::Client& c) {
            return recordingUndo<long long>(*journal, [&] { return kiq::sidekiq::clearQueue(c, *gate, queue); });
        },
        [this, queue](kiq::redis::Result<Outcome> r) {
            refresh();
            if (!r.ok()) {
                showNotice(tr("<b>Clear failed:</b> %1").arg(explainError(r.error->message).toHtmlEscaped()), true);
                return;
            }
            showUndoable(
                tr("%1 is cleared: %n job(s) deleted.", nullptr, int(std::min<long long>(r.value->result, INT_MAX)))
                    .arg(QString::fromStdString(queue)),
                r.value->result, r.value->record, r.value->journalWarning);
        });
}

void QueuesPage::showUndoable(
    QString text, long long removed, std::optional<std::int64_t> record, const std::string& journalWarning)
{
    if (!journalWarning.empty()) // the undo journal's size cap dropped older actions
        text += QStringLiteral(" · %1").arg(QString::fromStdString(journalWarning));
    showNotice(text, false);
    if (record && removed > 0) m_undo->offer(*record, removed);
}

QToolButton* QueuesPage::undoButton() const
{
    return m_undo;
}

void QueuesPage::undoLast()
{
    const auto record = m_undo->record();
    if (!client() || !record) return;
    showNotice(tr("Restoring…"), false);
    restoreRemoved(*record, [this](const QString& notice, bool problem) {
        showNotice(notice, problem);
        refresh();
    });
}

void QueuesPage::copyCommand(CopyWhat what)
{
    if (m_queue.empty()) return showNotice(tr("Select a queue first.").toHtmlEscaped(), true);
    const std::string queue = m_queue;
    switch (what) {
    case CopyWhat::List:
        if (!m_browser->filterIsValid()) return showNotice(tr("Fix the filter first.").toHtmlEscaped(), true);
        return showNotice(
            copyAsCommand(kiq::write::jobsList("queue:" + queue, m_browser->validFilterText().toStdString())), false);
    case CopyWhat::DeleteSelection: {
        const auto jids = m_browser->selectedJids();
        if (jids.empty()) return showNotice(tr("Select jobs in the table first.").toHtmlEscaped(), true);
        return showNotice(copyAsCommand(kiq::write::jobsAction("delete", "queue:" + queue, {}, jids)), false);
    }
    case CopyWhat::MoveSelection: {
        const auto jids = m_browser->selectedJids();
        if (jids.empty()) return showNotice(tr("Select jobs in the table first.").toHtmlEscaped(), true);
        bool ok = false;
        const QString to
            = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || to.isEmpty()) return;
        return showNotice(
            copyAsCommand(kiq::write::jobsAction("move", "queue:" + queue, {}, jids, to.toStdString())), false);
    }
    case CopyWhat::Pause:
        return showNotice(
            copyAsCommand(kiq::write::queueAction(currentQueuePaused() ? "resume" : "pause", queue)), false);
    case CopyWhat::Clear:
        return showNotice(copyAsCommand(kiq::write::queueAction("clear", queue)), false);
    }
}

void QueuesPage::showNotice(const QString& text, bool problem)
{
    m_undo->withdraw(); // the offer belongs to the notice of the write it undoes
    m_notice = text;
    m_noticeIsProblem = problem;
    updateStatus();
}

void QueuesPage::updateStatus()
{
    if (client() && !m_listProblem.isEmpty()) {
        m_status->showLoadError(m_listProblem);
        return;
    }
    JobPageStatus status;
    status.addNotice(m_notice, m_noticeIsProblem);
    const QString name = QString::fromStdString(m_queue);
    if (!client()) {
        status.add(tr("Not connected."));
    } else if (m_queue.empty()) {
        status.add(tr("%n queue(s). Select one to see its jobs.", nullptr, m_queues->rowCount()));
    } else if (!m_feed->problem().isEmpty()) {
        status.addProblem(
            tr("<b>Could not read %1:</b> %2 (retrying)").arg(name.toHtmlEscaped(), m_feed->problem().toHtmlEscaped()));
    } else {
        const auto snap = m_feed->snapshot();
        const long long indexed = qsizetype(snap->size());
        const long long size = m_feed->setSize();
        if (!snap->complete() && size > 0)
            status.add(tr("Indexing %1… %2 of %3 job(s) read (%4%)", nullptr, pluralCount(size))
                           .arg(name, formatCount(indexed), formatCount(size))
                           .arg(std::min<long long>(99, indexed * 100 / size)));
        else if (!snap->complete())
            status.add(tr("Loading %1…").arg(name));
        else
            status.add(tr("%1: %2 job(s)", nullptr, pluralCount(indexed)).arg(name, formatCount(indexed)));
        status.addMatches(*m_browser, tr("they are not listed"));
    }
    status.showOn(m_status);
}

} // namespace kiq::ui
