#include "pages/busy/BusyPage.h"

#include "common/SortedTable.h"

#include "common/Formatting.h"
#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "pages/busy/BusyJobModel.h"
#include "pages/busy/ProcessListModel.h"
#include "redis/AsyncClient.h"
#include "sidekiq/model/Timestamp.h"
#include "write/WriteGate.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <tuple>

namespace kiq::ui {

using kiq::sidekiq::ProcessSignal;

namespace {
struct BusyLoad {
    std::vector<kiq::sidekiq::ProcessRecord> processes;
    std::vector<kiq::sidekiq::BusyJob> busy;
};

} // namespace

BusyPage::BusyPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_processes(new ProcessListModel(this))
    , m_busy(new BusyJobModel(this))
    , m_processTable(makeSortedTable(m_processes, QStringLiteral("processTable"), this))
    , m_busyTable(makeSortedTable(m_busy, QStringLiteral("busyTable"), this, new BusyJobSortProxy))
    , m_filter(new QLineEdit(this))
    , m_status(new StatusLine(QStringLiteral("busyStatus"), this))
{
    setObjectName(QStringLiteral("busyPage"));
    m_processTable->setSelectionMode(QAbstractItemView::ExtendedSelection);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(bar->addAction(tr("Reload")), &QAction::triggered, this, &BusyPage::refresh);
    bar->addSeparator();
    m_quietSelected = bar->addAction(tr("Quiet selected"));
    m_quietSelected->setObjectName(QStringLiteral("quietSelectedAction"));
    connect(m_quietSelected, &QAction::triggered, this, [this] { signalProcesses(ProcessSignal::Quiet, false); });
    m_stopSelected = bar->addAction(tr("Stop selected"));
    m_stopSelected->setObjectName(QStringLiteral("stopSelectedAction"));
    connect(m_stopSelected, &QAction::triggered, this, [this] { signalProcesses(ProcessSignal::Stop, false); });
    bar->addSeparator();
    m_quietAll = bar->addAction(tr("Quiet all"));
    m_quietAll->setObjectName(QStringLiteral("quietAllAction"));
    connect(m_quietAll, &QAction::triggered, this, [this] { signalProcesses(ProcessSignal::Quiet, true); });
    m_stopAll = bar->addAction(tr("Stop all"));
    m_stopAll->setObjectName(QStringLiteral("stopAllAction"));
    connect(m_stopAll, &QAction::triggered, this, [this] { signalProcesses(ProcessSignal::Stop, true); });
    bar->addSeparator();
    m_cancelIteration = bar->addAction(tr("Cancel iteration"));
    m_cancelIteration->setObjectName(QStringLiteral("cancelIterationAction"));
    connect(m_cancelIteration, &QAction::triggered, this, [this] { cancelSelectedIteration(); });
    bar->addSeparator();
    // The same as kiqdesk-cli commands, for a review or a script (allowed while writes are refused).
    auto* copyMenu = new QMenu(tr("Copy as command"), this);
    for (const auto& [signal, all, name] : {std::tuple {ProcessSignal::Quiet, false, "copyQuietSelectedAction"},
             std::tuple {ProcessSignal::Stop, false, "copyStopSelectedAction"},
             std::tuple {ProcessSignal::Quiet, true, "copyQuietAllAction"},
             std::tuple {ProcessSignal::Stop, true, "copyStopAllAction"}}) {
        const bool quiet = signal == ProcessSignal::Quiet;
        QAction* item = copyMenu->addAction(
            all ? (quiet ? tr("Quiet all") : tr("Stop all")) : (quiet ? tr("Quiet selected") : tr("Stop selected")));
        item->setObjectName(QString::fromLatin1(name));
        connect(item, &QAction::triggered, this, [this, quiet, all = all] {
            const auto ids = all ? std::vector<std::string>() : selectedIdentities();
            if (!all && ids.empty()) return m_status->showProblemText(tr("Select processes first."));
            m_status->showInfo(copyAsCommand(kiq::write::processSignal(quiet ? "quiet" : "stop", ids, all)));
        });
    }
    auto* copyButton = new QToolButton(this);
    copyButton->setObjectName(QStringLiteral("copyCommandButton"));
    copyButton->setText(tr("Copy as command"));
    copyButton->setMenu(copyMenu);
    copyButton->setPopupMode(QToolButton::InstantPopup);
    bar->addWidget(copyButton);
    m_processTable->addActions({m_quietSelected, m_stopSelected, copyMenu->menuAction()});
    m_processTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_busyTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_busyTable->addAction(m_cancelIteration);
    m_busyTable->setContextMenuPolicy(Qt::ActionsContextMenu);

    // A fleet of 100 processes runs thousands of jobs: find the ones that matter by what they are.
    m_filter->setObjectName(QStringLiteral("busyFilter"));
    m_filter->setPlaceholderText(tr("Filter running jobs by process, queue, job class, arguments or JID"));
    m_filter->setClearButtonEnabled(true);
    auto* busyProxy = static_cast<QSortFilterProxyModel*>(m_busyTable->model());
    busyProxy->setFilterRole(BusyJobModel::SearchTextRole);
    busyProxy->setFilterKeyColumn(0);
    busyProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, this, [this, busyProxy](const QString& text) {
        busyProxy->setFilterFixedString(text);
        showCounts();
    });
    auto* busyBox = new QWidget(this);
    auto* busyLayout = new QVBoxLayout(busyBox);
    busyLayout->setContentsMargins(0, 0, 0, 0);
    busyLayout->addWidget(m_filter);
    busyLayout->addWidget(m_busyTable, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_processTable);
    splitter->addWidget(busyBox);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(new QLabel(tr("Processes"), this));
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    chainTabOrder(tabReachesToolBar(bar) << m_processTable << m_filter << m_busyTable); // top to bottom

    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refresh();
    });
    connect(m_processTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &BusyPage::updateActions);
    connect(m_busyTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &BusyPage::updateActions);
    connect(m_busy, &QAbstractItemModel::dataChanged, this, &BusyPage::updateActions);
    connect(m_processes, &QAbstractItemModel::rowsInserted, this, &BusyPage::updateActions);
    connect(m_processes, &QAbstractItemModel::rowsRemoved, this, &BusyPage::updateActions);
    connect(m_processes, &QAbstractItemModel::modelReset, this, &BusyPage::updateActions);
    m_status->showInfo(tr("Not connected."));
    updateActions();
}

void BusyPage::updateActions()
{
    // Disabled with the reason as the tooltip: an enabled button that does nothing says nothing.
    const QString blocked = !client() ? tr("Not connected") : writeRefusal();
    const bool any = blocked.isEmpty() && m_processes->rowCount() > 0;
    const bool selected = any && m_processTable->selectionModel()->hasSelection();
    const QString none = !blocked.isEmpty() ? blocked : tr("No Sidekiq process is running");
    const QString noSelection = any ? tr("Select processes in the table first") : none;
    m_quietSelected->setEnabled(selected);
    m_quietSelected->setToolTip(selected ? tr("Stop fetching new jobs; running jobs finish") : noSelection);
    m_stopSelected->setEnabled(selected);
    m_stopSelected->setToolTip(selected ? tr("Shut the selected processes down") : noSelection);
    m_quietAll->setEnabled(any);
    m_quietAll->setToolTip(any ? tr("Quiet every listed process") : none);
    m_stopAll->setEnabled(any);
    m_stopAll->setToolTip(any ? tr("Shut every listed process down") : none);

    const kiq::sidekiq::BusyJob* job = selectedBusyJob();
    const bool iterating = job && job->iteration && !job->iteration->cancelledAt;
    m_cancelIteration->setEnabled(blocked.isEmpty() && iterating);
    m_cancelIteration->setToolTip(!blocked.isEmpty() ? blocked
            : !job                                   ? tr("Select a running iterable job first")
            : !job->iteration ? tr("Only iterable jobs (Sidekiq 7.3 and later) can be cancelled; this one is not")
            : job->iteration->cancelledAt ? tr("Cancelled already: it stops at its next state save")
                                          : tr("Ask the job to stop at its next state save (about every 5 s)"));
}

const kiq::sidekiq::BusyJob* BusyPage::selectedBusyJob() const
{
    const auto rows = m_busyTable->selectionModel()->selectedRows();
    if (rows.isEmpty()) return nullptr;
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_busyTable->model());
    const int row = proxy->mapToSource(rows.front()).row();
    return row >= 0 && std::size_t(row) < m_busy->rows().size() ? &m_busy->rows()[std::size_t(row)] : nullptr;
}

void BusyPage::cancelSelectedIteration(bool confirmed)
{
    const kiq::sidekiq::BusyJob* job = selectedBusyJob();
    if (!client() || !job || !job->iteration) return;
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_status->showProblemText(why);
        return;
    }
    const std::string jid = job->work.payload.jid;
    const QString name = QString::fromStdString(job->work.payload.displayClass);
    if (!confirmed
        && QMessageBox::question(this, tr("Cancel iteration"),
               tr("Cancel %1 (%2) on %3? It stops at its next state save and runs its on_cancel callback; "
                  "this cannot be undone.")
                   .arg(name, QString::fromStdString(jid), deploymentName()),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            != QMessageBox::Yes)
        return;
    runFresh<double>(
        [gate = writeGate(), jid](kiq::redis::Client& c) {
            return kiq::sidekiq::cancelIteration(c, *gate, jid, kiq::sidekiq::Timestamp::now().seconds());
        },
        [this, name](kiq::redis::Result<double> r) {
            if (!r.ok()) {
                m_status->showError(tr("Cancel failed:"), explainError(r.error->message));
                return;
            }
            m_status->showInfo(tr("%1 is cancelled; it stops at its next state save.").arg(name));
            refresh();
        });
}

QString BusyPage::title() const
{
    return tr("Busy");
}

QIcon BusyPage::icon() const
{
    return style()->standardIcon(QStyle::SP_MediaPlay);
}

void BusyPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    // Hidden, the page does not poll: what it holds may be minutes old (a queue's latency from
    // when it connected, issue 14), so a page coming into view reads again at once.
    refresh();
}

void BusyPage::clientChanged()
{
    m_loading = false;
    m_processes->clearRows();
    m_busy->clearRows();
    updateActions();
    if (!client()) {
        m_timer.stop();
        m_status->showInfo(tr("Not connected."));
        return;
    }
    m_timer.start();
    refresh();
}

bool BusyPage::showSearchHit(const kiq::sidekiq::JobSearchHit& hit)
{
    if (hit.place != kiq::sidekiq::JobPlace::Busy) return false;
    m_pendingJid = hit.job.jid;
    m_filter->clear(); // the hit must not be hidden by an earlier filter
    selectPendingJob();
    return true;
}

void BusyPage::selectPendingJob()
{
    if (m_pendingJid.empty()) return;
    const auto& rows = m_busy->rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].work.payload.jid != m_pendingJid) continue;
        m_pendingJid.clear();
        auto* proxy = static_cast<QSortFilterProxyModel*>(m_busyTable->model());
        const QModelIndex at = proxy->mapFromSource(m_busy->index(int(i), 0));
        m_busyTable->selectionModel()->setCurrentIndex(
            at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_busyTable->scrollTo(at);
        return;
    }
}

void BusyPage::refresh()
{
    if (!client() || m_loading) return;
    m_loading = true;
    runFresh<BusyLoad>(
        [redactor = redactor()](kiq::redis::Client& c) {
            BusyLoad load;
            auto list = kiq::sidekiq::listProcesses(c);
            std::vector<std::string> identities;
            for (const auto& p : list.live) identities.push_back(p.identity);
            load.busy = kiq::sidekiq::listBusyJobs(c, identities);
            kiq::sidekiq::attachIterations(c, load.busy);
            // The page shows arguments (and an iteration's cursor) only as the deployment's rules do.
            for (auto& b : load.busy) {
                if (!b.work.payload.raw.empty())
                    b.work.payload = kiq::sidekiq::JobRecord::parse(redactor->payload(b.work.payload.raw));
                if (b.iteration) b.iteration->cursor = redactor->text(b.iteration->cursor);
            }
            load.processes = std::move(list.live);
            // An expired heartbeat is still a row: with no beat it shows as stale.
            for (auto& id : list.expired) {
                kiq::sidekiq::ProcessRecord gone;
                gone.identity = std::move(id);
                load.processes.push_back(std::move(gone));
            }
            return load;
        },
        [this](kiq::redis::Result<BusyLoad> r) {
            m_loading = false;
            if (!r.ok()) {
                m_status->showLoadError(explainError(r.error->message));
                return;
            }
            m_processes->applySnapshot(std::move(r.value->processes));
            m_busy->applySnapshot(std::move(r.value->busy));
            selectPendingJob();
            showCounts();
        });
}

void BusyPage::showCounts()
{
    if (!client()) return; // "Not connected." stays
    QString text = tr("%1, %2").arg(
        tr("%Ln process(es)", nullptr, m_processes->rowCount()), tr("%Ln job(s) running", nullptr, m_busy->rowCount()));
    if (!m_filter->text().isEmpty())
        text += QStringLiteral(" · ") + tr("%Ln shown", nullptr, m_busyTable->model()->rowCount());
    m_status->showInfo(text);
}

std::vector<std::string> BusyPage::selectedIdentities() const
{
    std::vector<std::string> ids;
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_processTable->model());
    for (const QModelIndex& i : m_processTable->selectionModel()->selectedRows())
        ids.push_back(m_processes->rows().at(std::size_t(proxy->mapToSource(i).row())).identity);
    return ids;
}

void BusyPage::signalProcesses(ProcessSignal signal, bool all, bool confirmed)
{
    if (!client()) return;
    std::vector<std::string> ids;
    if (all)
        for (const auto& p : m_processes->rows()) ids.push_back(p.identity);
    else
        ids = selectedIdentities();
    if (ids.empty()) return;
    auto gate = writeGate();
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_status->showProblemText(why);
        return;
    }
    const QString verb = signal == ProcessSignal::Quiet ? tr("Quiet") : tr("Stop");
    const QString what = signal == ProcessSignal::Quiet
        ? tr("Quiet %n process(es)? They finish their current jobs and fetch no new ones.", nullptr, int(ids.size()))
        : tr("Stop %n process(es)? They shut down; unfinished jobs go back to their queues.", nullptr, int(ids.size()));
    if (!confirmed
        && QMessageBox::question(this, verb, what, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            != QMessageBox::Yes)
        return;
    runFresh<int>(
        [gate, ids, signal](kiq::redis::Client& c) {
            for (const auto& id : ids) kiq::sidekiq::signalProcess(c, *gate, id, signal);
            return int(ids.size());
        },
        [this, verb](kiq::redis::Result<int> r) {
            if (!r.ok()) {
                m_status->showError(tr("%1 failed:").arg(verb), explainError(r.error->message));
                return;
            }
            m_status->showInfo(
                tr("%1 sent to %n process(es); they act at their next heartbeat.", nullptr, *r.value).arg(verb));
        });
}

} // namespace kiq::ui
