#include "pages/jobs/JobSetPage.h"

#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "pages/jobs/BulkActionFlow.h"
#include "pages/jobs/FailureGroupModel.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/JobActionLabel.h"
#include "pages/jobs/JobIndexFeed.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobPageStatus.h"
#include "pages/undo/UndoOffer.h"
#include "redis/AsyncClient.h"
#include "sidekiq/actions/Replay.h"
#include "sidekiq/search/JobIndex.h"
#include "write/UndoJournal.h"
#include "write/WriteGate.h"

#include <QAction>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QShowEvent>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace kiq::ui {

using kiq::sidekiq::JobAction;
using kiq::sidekiq::JobSetKind;

namespace {
QString whenCaption(JobSetKind kind)
{
    switch (kind) {
    case JobSetKind::Retry:
        return JobSetPage::tr("Next retry");
    case JobSetKind::Dead:
        return JobSetPage::tr("Died");
    case JobSetKind::Scheduled:
        return JobSetPage::tr("Runs at");
    }
    return {};
}
} // namespace

JobSetPage::JobSetPage(JobSetKind kind, QWidget* parent)
    : DeploymentPage(parent)
    , m_kind(kind)
    , m_feed(new JobIndexFeed(kind, this))
    , m_browser(new IndexedJobBrowser(whenCaption(kind), kind == JobSetKind::Dead, kind != JobSetKind::Scheduled, this))
    , m_status(new StatusLine(QStringLiteral("jobSetStatus"), this))
{
    setObjectName(QStringLiteral("%1Page").arg(QString::fromLatin1(kiq::sidekiq::setName(kind))));

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction* reload = bar->addAction(tr("Reload"));
    reload->setObjectName(QStringLiteral("reloadAction"));
    reload->setToolTip(tr("Reload (F5)")); // F5 is the window's, for whichever page is shown
    connect(reload, &QAction::triggered, this, &JobSetPage::refresh);
    bar->addSeparator();

    QList<JobAction> bulk;
    if (kind == JobSetKind::Scheduled) {
        addAction(bar, tr("Enqueue now"), JobAction::Enqueue, QKeySequence(Qt::Key_R));
        bulk << JobAction::Enqueue;
    } else {
        addAction(bar, tr("Retry now"), JobAction::Retry, QKeySequence(Qt::Key_R));
        bulk << JobAction::Retry;
    }
    addAction(bar, tr("Move to queue…"), JobAction::Move, QKeySequence(Qt::Key_M));
    bulk << JobAction::Move;
    if (kind != JobSetKind::Dead) {
        addAction(bar, tr("Kill"), JobAction::Kill, QKeySequence(Qt::Key_K));
        bulk << JobAction::Kill;
    }
    addAction(bar, tr("Delete"), JobAction::Delete, QKeySequence(QKeySequence::Delete));
    bulk << JobAction::Delete;
    bar->addSeparator();
    m_replaySelection = bar->addAction(tr("Replay in…"));
    m_replaySelection->setObjectName(QStringLiteral("replayAction"));
    m_browser->table()->addAction(m_replaySelection);
    connect(m_replaySelection, &QAction::triggered, this, [this] {
        if (const auto keys = m_browser->selectedKeys(); !keys.empty()) emit replayRequested(m_kind, keys);
    });
    explainRefusedShortcuts(m_browser->table(), [this](const QString& why) { showNotice(why.toHtmlEscaped(), true); });

    // "All matching": the whole set, filtered on the server side in pages, not only the index's view.
    auto* allMenu = new QMenu(this);
    allMenu->setObjectName(QStringLiteral("allMatchingMenu"));
    for (JobAction a : bulk) {
        QAction* item = allMenu->addAction(actionLabel(a));
        item->setObjectName(QStringLiteral("all%1Action").arg(QString::fromLatin1(kiq::sidekiq::actionName(a))));
        connect(item, &QAction::triggered, this, [this, a] { actOnAllMatching(a); });
    }
    m_allButton = new QToolButton(this);
    m_allButton->setObjectName(QStringLiteral("allMatchingButton"));
    m_allButton->setText(tr("All matching…"));
    m_allButton->setMenu(allMenu);
    m_allButton->setPopupMode(QToolButton::InstantPopup);
    bar->addSeparator();
    bar->addWidget(m_allButton);

    // "Copy as command": the kiqdesk-cli line of an action, for a review or a script. Allowed while
    // writes are refused: preparing a change for someone else to run is the point on production.
    auto* copyMenu = new QMenu(tr("Copy as command"), this);
    copyMenu->setObjectName(QStringLiteral("copyCommandMenu"));
    QAction* copyList = copyMenu->addAction(tr("List the matching jobs"));
    copyList->setObjectName(QStringLiteral("copyListAction"));
    connect(copyList, &QAction::triggered, this, [this] { copyCommand(std::nullopt, false); });
    copyMenu->addSection(tr("Selected jobs"));
    for (JobAction a : bulk) {
        QAction* item = copyMenu->addAction(actionLabel(a));
        item->setObjectName(
            QStringLiteral("copySelected%1Action").arg(QString::fromLatin1(kiq::sidekiq::actionName(a))));
        connect(item, &QAction::triggered, this, [this, a] { copyCommand(a, true); });
        m_copySelectionActions << item;
    }
    copyMenu->addSection(tr("All matching the filter"));
    for (JobAction a : bulk) {
        QAction* item = copyMenu->addAction(actionLabel(a));
        item->setObjectName(QStringLiteral("copyAll%1Action").arg(QString::fromLatin1(kiq::sidekiq::actionName(a))));
        connect(item, &QAction::triggered, this, [this, a] { copyCommand(a, false); });
    }
    auto* copyButton = new QToolButton(this);
    copyButton->setObjectName(QStringLiteral("copyCommandButton"));
    copyButton->setText(tr("Copy as command"));
    copyButton->setToolTip(tr("Copy the kiqdesk-cli command that does an action of this page"));
    copyButton->setMenu(copyMenu);
    copyButton->setPopupMode(QToolButton::InstantPopup);
    bar->addWidget(copyButton);
    bar->addWidget(jobFileButton(
        QString::fromLatin1(kiq::sidekiq::setName(m_kind)),
        [this](const QString& path, bool unredacted) { exportSelection(path, unredacted); },
        [this](const QString& path) { importFile(path); }));
    // Right-click on the jobs: their actions, then the same commands.
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    m_browser->table()->addAction(separator);
    m_browser->table()->addAction(copyMenu->menuAction());
    m_browser->table()->setContextMenuPolicy(Qt::ActionsContextMenu);

    // A failure group is a filter (group=…), so its actions are "all matching" on that filter.
    QToolBar* groupBar = m_browser->groupBar();
    if (groupBar) {
        for (const auto& [action, key] : {std::pair {JobAction::Retry, QKeySequence(Qt::SHIFT | Qt::Key_R)},
                 std::pair {JobAction::Delete, QKeySequence(Qt::SHIFT | Qt::Key_Delete)}}) {
            const JobAction a = action; // a copy for the lambda below
            QAction* item = groupBar->addAction(tr("%1 all in group…").arg(actionLabel(a)));
            item->setObjectName(QStringLiteral("group%1Action").arg(QString::fromLatin1(kiq::sidekiq::actionName(a))));
            item->setShortcut(key);
            item->setShortcutContext(Qt::WidgetShortcut); // while the group list has focus
            m_browser->groupTable()->addAction(item);
            connect(item, &QAction::triggered, this, [this, a] { actOnGroup(a); });
            m_groupActions << item;
        }
        m_replayGroup = groupBar->addAction(tr("Replay group in…"));
        m_replayGroup->setObjectName(QStringLiteral("groupReplayAction"));
        m_browser->groupTable()->addAction(m_replayGroup);
        connect(m_replayGroup, &QAction::triggered, this, &JobSetPage::replayGroup);
        explainRefusedShortcuts(
            m_browser->groupTable(), [this](const QString& why) { showNotice(why.toHtmlEscaped(), true); });
        connect(m_browser->groupTable()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobSetPage::updateActions);
    }

    auto* find = new QAction(tr("Focus the filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_browser, &IndexedJobBrowser::focusFilter);
    QWidget::addAction(find);

    m_undo = new UndoOffer(this);
    connect(m_undo, &QToolButton::clicked, this, &JobSetPage::undoLast);
    auto* statusRow = new QHBoxLayout;
    statusRow->setContentsMargins(0, 0, 0, 0);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_undo);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(m_browser, 1);
    layout->addLayout(statusRow);

    // Top to bottom: the actions, the filter, the groups and their actions, the jobs (the inspector
    // follows the job table, as it was made after it).
    QList<QWidget*> tabOrder = tabReachesToolBar(bar);
    tabOrder << m_browser->filterEdit() << m_browser->groupTable();
    if (groupBar) tabOrder += tabReachesToolBar(groupBar);
    tabOrder << m_browser->table();
    chainTabOrder(tabOrder);

    connect(m_feed, &JobIndexFeed::snapshotChanged, this, [this] { m_browser->setSnapshot(m_feed->snapshot()); });
    connect(m_feed, &JobIndexFeed::stepFinished, this, &JobSetPage::updateStatus);
    connect(m_browser->model(), &IndexedJobModel::queryApplied, this, &JobSetPage::updateStatus);
    connect(m_browser, &IndexedJobBrowser::currentJobWanted, this, &JobSetPage::fetchCurrent);
    connect(m_browser->inspector(), &JobInspector::revealRequested, this, [this](const QString& jid) {
        recordReveal(jid);
        m_browser->inspector()->reveal();
    });
    connect(m_browser, &IndexedJobBrowser::selectionChanged, this, &JobSetPage::updateActions);
    connect(m_browser, &IndexedJobBrowser::filterRejected, this, &JobSetPage::updateActions);
    connect(m_browser, &IndexedJobBrowser::filterApplied, this, [this] {
        if (m_notice == fixFilterNotice()) m_notice.clear(); // it is fixed
        updateActions();
        updateStatus();
    });
    updateActions();
    updateStatus();
}

QAction* JobSetPage::addAction(QToolBar* bar, const QString& text, JobAction action, const QKeySequence& key)
{
    QAction* a = bar->addAction(text);
    a->setObjectName(QStringLiteral("%1Action").arg(QString::fromLatin1(kiq::sidekiq::actionName(action))));
    if (!key.isEmpty()) {
        a->setShortcut(key);
        // Only while the table has focus: a bare R must still type an R in the filter bar.
        a->setShortcutContext(Qt::WidgetShortcut);
        m_browser->table()->addAction(a);
    }
    connect(a, &QAction::triggered, this, [this, action] { actOnSelection(action); });
    m_selectionActions << a;
    return a;
}

QString JobSetPage::title() const
{
    switch (m_kind) {
    case JobSetKind::Retry:
        return tr("Retries");
    case JobSetKind::Dead:
        return tr("Dead");
    case JobSetKind::Scheduled:
        return tr("Scheduled");
    }
    return {};
}

QIcon JobSetPage::icon() const
{
    switch (m_kind) {
    case JobSetKind::Retry:
        return style()->standardIcon(QStyle::SP_BrowserReload);
    case JobSetKind::Dead:
        return style()->standardIcon(QStyle::SP_MessageBoxCritical);
    case JobSetKind::Scheduled:
        return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    }
    return {};
}

void JobSetPage::clientChanged()
{
    m_notice.clear();
    m_expected = -1;
    m_feed->setClient(client());
    // ZCARD once, so the first build can say how far it has got.
    const JobSetKind kind = m_kind;
    runFresh<long long>([kind](kiq::redis::Client& c) { return kiq::sidekiq::setSize(c, kind); },
        [this](kiq::redis::Result<long long> r) {
            if (!r.ok()) return;
            m_expected = *r.value;
            updateStatus();
        });
    updateActions();
    updateStatus();
}

void JobSetPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    // The index follows the set while the page is shown; hidden, it keeps what it has.
    m_feed->start();
}

void JobSetPage::hideEvent(QHideEvent* event)
{
    DeploymentPage::hideEvent(event);
    m_feed->stop();
}

void JobSetPage::loadBudgetChanged()
{
    m_feed->setLoadBudget(loadBudget());
}

void JobSetPage::redactionChanged()
{
    m_browser->setRedactor(redactor());
}

bool JobSetPage::showSearchHit(const kiq::sidekiq::JobSearchHit& hit)
{
    if (kiq::sidekiq::jobSetOf(hit.place) != m_kind) return false;
    m_browser->showJid(QString::fromStdString(hit.job.jid));
    return true;
}

void JobSetPage::refresh()
{
    m_feed->refreshSoon();
}

void JobSetPage::fetchCurrent(const IndexedJobModel::Key& key)
{
    const JobSetKind kind = m_kind;
    runFresh<std::optional<JobRow>>(
        [kind, key, source = deploymentName().toStdString()](kiq::redis::Client& c) -> std::optional<JobRow> {
            auto entry = kiq::sidekiq::fetchIndexedJob(c, kind, key.score, key.payloadHash);
            if (!entry) return std::nullopt;
            JobRow row {entry->score, -1, std::move(entry->job), {}, std::nullopt};
            // A few lines of a local file, read here rather than on the GUI thread.
            const kiq::storage::ReplayJournal journal;
            row.replays = journal.replaysOf(source, row.job.jid);
            if (kiq::sidekiq::replayedFrom(row.job.raw)) row.replayRun = journal.copy(row.job.jid);
            return row;
        },
        [this, key](kiq::redis::Result<std::optional<JobRow>> r) {
            if (!r.ok()) {
                showNotice(
                    tr("<b>Could not read the job:</b> %1").arg(explainError(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_browser->showJob(key, *r.value);
        });
}

void JobSetPage::actOnSelection(JobAction action, bool confirmed, const QString& targetQueue)
{
    const long long n = m_browser->selectedCount();
    if (!client() || n == 0) return;
    auto gate = writeGate();
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        showNotice(why.toHtmlEscaped(), true);
        return;
    }
    if (n > kMaxSelectionAction) {
        showNotice(tr("%1 jobs are selected; above %2, use “All matching…” with a filter instead.")
                       .arg(formatCount(n), formatCount(kMaxSelectionAction)),
            true);
        return;
    }
    QString queue = targetQueue;
    if (action == JobAction::Move && queue.isEmpty()) {
        bool ok = false;
        queue
            = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || queue.isEmpty()) return;
    }
    // Retry, enqueue and move keep every job; kill and delete are the ones that can lose work.
    const bool destructive = action == JobAction::Delete || action == JobAction::Kill;
    if (destructive && !confirmed
        && !confirmDamage(this, actionLabel(action),
            tr("%1 %n selected job(s) in %2?", nullptr, int(n)).arg(actionLabel(action), title()), n))
        return;

    const auto keys = m_browser->selectedKeys();
    const JobSetKind kind = m_kind;
    const std::string target = queue.toStdString();
    showNotice(tr("Working…"), false);
    using Outcome = Undoable<kiq::sidekiq::ActionResult>;
    runFresh<Outcome>(
        [gate, journal = Deployment::undoJournal(), action, kind, keys, target](kiq::redis::Client& c) {
            return recordingUndo<kiq::sidekiq::ActionResult>(*journal, [&] {
                return kiq::sidekiq::applyJobActionToIndexed(c, *gate, action, kind, keys, target, "kiqdesk selection");
            });
        },
        [this, action](kiq::redis::Result<Outcome> r) {
            if (!r.ok()) {
                showNotice(
                    tr("<b>%1 failed:</b> %2").arg(actionLabel(action), explainError(r.error->message).toHtmlEscaped()),
                    true);
            } else {
                const auto& res = r.value->result;
                QString text = tr("%1: %2 done, %3 already gone, %4 skipped")
                                   .arg(actionLabel(action), formatCount(res.affected), formatCount(res.missing),
                                       formatCount(qsizetype(res.skipped.size())));
                if (!res.skipped.empty())
                    text += QStringLiteral(" (%1)").arg(
                        QString::fromStdString(res.skipped.front().reason).toHtmlEscaped());
                if (!r.value->journalWarning.empty())
                    text += QStringLiteral(" · %1").arg(QString::fromStdString(r.value->journalWarning));
                showNotice(text, !res.skipped.empty());
                if (r.value->record && res.affected > 0) m_undo->offer(*r.value->record, res.affected);
            }
            m_feed->refreshSoon();
            emit actionFinished();
        });
}

void JobSetPage::exportSelection(const QString& path, bool unredacted)
{
    const auto keys = m_browser->selectedKeys();
    if (keys.empty()) return showNotice(tr("Select the jobs to export first."), true);
    const JobSetKind kind = m_kind;
    exportJobFile(
        path, unredacted, QString::fromLatin1(kiq::sidekiq::setKey(kind).data()),
        [kind, keys](kiq::redis::Client& c, const kiq::redaction::Redactor* redactor) {
            return kiq::sidekiq::exportSetJobs(c, kind, keys, redactor);
        },
        [this](const QString& notice, bool problem) {
            showNotice(notice, problem);
            emit jobFileDone(notice, problem);
        });
}

void JobSetPage::importFile(const QString& path, bool confirmed)
{
    importJobFile(path, {m_kind, {}}, title(), confirmed, [this](const QString& notice, bool problem) {
        showNotice(notice, problem);
        if (!problem) m_feed->refreshSoon();
        emit jobFileDone(notice, problem);
    });
}

QToolButton* JobSetPage::undoButton() const
{
    return m_undo;
}

void JobSetPage::undoLast()
{
    const auto record = m_undo->record();
    if (!client() || !record) return;
    showNotice(tr("Restoring…"), false);
    restoreRemoved(*record, [this](const QString& notice, bool problem) {
        showNotice(notice, problem);
        m_feed->refreshSoon();
        emit actionFinished();
    });
}

void JobSetPage::actOnGroup(JobAction action)
{
    // Only the group the operator chose in the list, shown to them here and named in the preview and
    // the confirmation. The list and the filter's group= term follow each other; should they differ
    // (the filter was just edited), nothing is done rather than guessing which one was meant.
    QTableView* list = m_browser->groupTable();
    const auto rows = list ? list->selectionModel()->selectedRows() : QModelIndexList();
    if (rows.isEmpty()) return;
    const auto& group = m_browser->groupModel()->group(rows.front().row());
    list->scrollTo(rows.front());
    if (m_browser->filterGroup() != group.fingerprint) {
        showNotice(tr("The filter no longer names the selected failure group: select the group again."), true);
        return;
    }
    const QString error
        = group.errorClass.empty() ? FailureGroupModel::tr("(no error)") : QString::fromStdString(group.errorClass);
    actOnAllMatching(action,
        tr("%1: %2 (%3)")
            .arg(error, QString::fromStdString(group.normalizedMessage).left(160),
                QString::fromStdString(group.displayClass)));
}

void JobSetPage::replayGroup()
{
    // As actOnGroup: only the group chosen in the list, and only while the filter names it, so the rows
    // shown are the group's jobs.
    QTableView* list = m_browser->groupTable();
    const auto rows = list ? list->selectionModel()->selectedRows() : QModelIndexList();
    if (rows.isEmpty()) return;
    if (m_browser->filterGroup() != m_browser->groupModel()->group(rows.front().row()).fingerprint) {
        showNotice(tr("The filter no longer names the selected failure group: select the group again."), true);
        return;
    }
    std::vector<IndexedJobModel::Key> keys;
    const int n = m_browser->model()->rowCount();
    keys.reserve(std::size_t(n));
    for (int row = 0; row < n; ++row) keys.push_back(m_browser->model()->key(row));
    if (!keys.empty()) emit replayRequested(m_kind, keys);
}

void JobSetPage::copyCommand(std::optional<JobAction> action, bool selection)
{
    const std::string set = kiq::sidekiq::setName(m_kind);
    if (!selection && !m_browser->filterIsValid()) {
        showNotice(fixFilterNotice(), true);
        return;
    }
    const std::string filter = selection ? std::string() : m_browser->validFilterText().toStdString();
    if (!action) {
        showNotice(copyAsCommand(kiq::write::jobsList(set, filter)), false);
        return;
    }
    std::vector<std::string> jids;
    if (selection) {
        jids = m_browser->selectedJids();
        if (jids.empty()) {
            showNotice(tr("Select jobs in the table first."), true);
            return;
        }
        if (qsizetype(jids.size()) > kMaxSelectionAction) {
            showNotice(tr("%1 jobs are selected; above %2, use “All matching…” with a filter instead.")
                           .arg(formatCount(qsizetype(jids.size())), formatCount(kMaxSelectionAction)),
                true);
            return;
        }
    }
    QString queue;
    if (*action == JobAction::Move) {
        bool ok = false;
        queue
            = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || queue.isEmpty()) return;
    }
    showNotice(copyAsCommand(kiq::write::jobsAction(
                   kiq::sidekiq::actionName(*action), set, filter, jids, queue.toStdString(), !selection)),
        false);
}

void JobSetPage::actOnAllMatching(JobAction action, const QString& group)
{
    auto gate = writeGate();
    if (!client()) return;
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        showNotice(why.toHtmlEscaped(), true);
        return;
    }
    if (!m_browser->filterIsValid()) {
        showNotice(fixFilterNotice(), true);
        return;
    }
    QString queue;
    if (action == JobAction::Move) {
        bool ok = false;
        queue
            = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || queue.isEmpty()) return;
    }
    kiq::sidekiq::BulkSpec spec;
    spec.set = m_kind;
    spec.filter = m_browser->validFilterText().toStdString();
    spec.action = action;
    spec.targetQueue = queue.toStdString();
    // What the preview and the confirmation say the action is on, so a changed filter cannot go unseen.
    QStringList scope;
    if (!group.isEmpty()) scope << tr("Failure group: %1").arg(group);
    scope << (spec.filter.empty() ? tr("No filter: every job in %1.").arg(title())
                                  : tr("Filter: %1").arg(QString::fromStdString(spec.filter)));
    auto* flow = new BulkActionFlow(client(), gate, spec, this);
    flow->setScope(scope.join(u'\n'));
    flow->redactWith(redactor());
    flow->setLoadBudget(loadBudget());
    connect(flow, &BulkActionFlow::finished, this,
        [this, flow, ticket = clientTicket()](const QString& summary, bool problem) {
            if (!isCurrentClient(ticket)) return;
            showNotice(summary, problem);
            if (const auto record = flow->undoRecord(); record && flow->removed() > 0)
                m_undo->offer(*record, flow->removed());
            m_feed->refreshSoon();
            emit actionFinished();
        });
    flow->start();
}

QString JobSetPage::fixFilterNotice() const
{
    return tr("Fix the filter first: “all matching” uses it.");
}

void JobSetPage::updateActions()
{
    // Disabled with the reason as the tooltip: not connected, then read-only, then what to select.
    const QString blocked = !client() ? tr("Not connected") : writeRefusal();
    const bool any = blocked.isEmpty() && m_browser->selectedCount() > 0;
    const QString selectionTip = !blocked.isEmpty() ? blocked : tr("Select jobs in the table first");
    for (QAction* a : m_selectionActions) {
        a->setEnabled(any);
        a->setToolTip(any ? a->text() : selectionTip);
    }
    for (QAction* a : m_copySelectionActions) a->setEnabled(m_browser->selectedCount() > 0);
    const bool group
        = blocked.isEmpty() && m_browser->groupTable() && m_browser->groupTable()->selectionModel()->hasSelection();
    for (QAction* a : m_groupActions) {
        a->setEnabled(group);
        a->setToolTip(!blocked.isEmpty() ? blocked : group ? a->text() : tr("Select a failure group first"));
    }
    m_undo->setRefusal(blocked);
    // Replay only reads here; the target's gate decides there.
    const bool connected = client() != nullptr;
    const bool selected = connected && m_browser->selectedCount() > 0;
    m_replaySelection->setEnabled(selected);
    m_replaySelection->setToolTip(selected ? tr("Copy the selected jobs into a development or staging deployment "
                                                "and run them there")
            : connected                    ? tr("Select jobs in the table first")
                                           : tr("Not connected"));
    if (m_replayGroup) {
        const bool hasGroup = connected && m_browser->groupTable()->selectionModel()->hasSelection();
        m_replayGroup->setEnabled(hasGroup);
        m_replayGroup->setToolTip(hasGroup ? m_replayGroup->text()
                : connected                ? tr("Select a failure group first")
                                           : tr("Not connected"));
    }
    const bool filterOk = m_browser->filterIsValid();
    m_allButton->setEnabled(blocked.isEmpty() && filterOk);
    if (!blocked.isEmpty())
        m_allButton->setToolTip(blocked);
    else if (!filterOk)
        m_allButton->setToolTip(tr("Fix the filter first: “all matching” uses it"));
    else
        m_allButton->setToolTip(tr("Act on every job in the set that matches the filter, not only the selected rows"));
}

void JobSetPage::showNotice(const QString& text, bool problem)
{
    // The Undo offer belongs to the notice of the action it undoes.
    m_undo->withdraw();
    m_notice = text;
    m_noticeIsProblem = problem;
    updateStatus();
}

void JobSetPage::updateStatus()
{
    JobPageStatus status;
    status.addNotice(m_notice, m_noticeIsProblem);
    if (!client()) {
        status.add(tr("Not connected."));
    } else if (!m_feed->problem().isEmpty()) {
        status.addProblem(tr("<b>Could not read the set:</b> %1 (retrying)")
                              .arg(explainError(m_feed->problem().toStdString()).toHtmlEscaped()));
    } else {
        const auto snap = m_feed->snapshot();
        if (!snap->complete() && m_expected > 0)
            status.add(tr("Indexing the set… %1 of %2 job(s) read (%3%)", nullptr, pluralCount(m_expected))
                           .arg(formatCount(qsizetype(snap->size())), formatCount(m_expected))
                           .arg(std::min<long long>(99, qsizetype(snap->size()) * 100 / m_expected)));
        else if (!snap->complete())
            status.add(tr("Indexing the set… %1 job(s) read so far", nullptr, pluralCount(qsizetype(snap->size())))
                           .arg(formatCount(qsizetype(snap->size()))));
        else
            status.add(tr("%1 job(s) in the set", nullptr, pluralCount(qsizetype(snap->size())))
                           .arg(formatCount(qsizetype(snap->size()))));
        status.addMatches(*m_browser, tr("“All matching…” checks them"));
    }
    status.showOn(m_status);
}

} // namespace kiq::ui
