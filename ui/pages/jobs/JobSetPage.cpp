#include "JobSetPage.h"

#include "BulkActionFlow.h"
#include "JobActionLabel.h"
#include "JobBrowser.h"
#include "JobTableModel.h"
#include "common/ConfirmDamage.h"
#include "common/Formatting.h"
#include "redis/AsyncClient.h"
#include "services/WriteGate.h"

#include <QAction>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QShowEvent>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::sidekiq::JobAction;
using kiq::sidekiq::JobSetKind;

namespace {
struct FirstPage {
    long long total = 0;
    std::vector<JobRow> rows;
};

std::vector<JobRow> toRows(std::vector<kiq::sidekiq::SortedEntry> entries)
{
    std::vector<JobRow> rows;
    rows.reserve(entries.size());
    for (auto& e : entries) rows.push_back(JobRow{e.score, -1, std::move(e.job)});
    return rows;
}

QString whenCaption(JobSetKind kind)
{
    switch (kind) {
    case JobSetKind::Retry: return JobSetPage::tr("Next retry");
    case JobSetKind::Dead: return JobSetPage::tr("Died");
    case JobSetKind::Scheduled: return JobSetPage::tr("Runs at");
    }
    return {};
}
} // namespace

JobSetPage::JobSetPage(JobSetKind kind, QWidget* parent)
    : DeploymentPage(parent)
    , m_kind(kind)
    , m_browser(new JobBrowser(whenCaption(kind), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("%1Page").arg(QString::fromLatin1(kiq::sidekiq::setName(kind))));
    m_status->setObjectName(QStringLiteral("jobSetStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction* reload = bar->addAction(tr("Reload"));
    reload->setObjectName(QStringLiteral("reloadAction"));
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
    addAction(bar, tr("Move to queue…"), JobAction::Move);
    if (kind != JobSetKind::Dead) {
        addAction(bar, tr("Kill"), JobAction::Kill);
        bulk << JobAction::Kill;
    }
    addAction(bar, tr("Delete"), JobAction::Delete, QKeySequence(QKeySequence::Delete));
    bulk << JobAction::Delete;

    // "All matching": the whole set, filtered on the server side in pages, not just what is loaded.
    auto* allMenu = new QMenu(this);
    for (JobAction a : bulk) {
        QAction* item = allMenu->addAction(actionLabel(a));
        connect(item, &QAction::triggered, this, [this, a] { actOnAllMatching(a); });
    }
    auto* allButton = new QToolButton(this);
    allButton->setObjectName(QStringLiteral("allMatchingButton"));
    allButton->setText(tr("All matching…"));
    allButton->setToolTip(tr("Act on every job in the set that matches the filter, not only the loaded rows"));
    allButton->setMenu(allMenu);
    allButton->setPopupMode(QToolButton::InstantPopup);
    bar->addSeparator();
    bar->addWidget(allButton);

    auto* find = new QAction(tr("Focus the filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_browser, &JobBrowser::focusFilter);
    QWidget::addAction(find);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(m_browser, 1);
    layout->addWidget(m_status);

    connect(m_browser->model(), &JobTableModel::fetchRequested, this, &JobSetPage::loadPage);
    connect(m_browser, &JobBrowser::selectionChanged, this, &JobSetPage::updateActions);
    updateActions();
    showStatus(tr("Not connected."));
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
    case JobSetKind::Retry: return tr("Retries");
    case JobSetKind::Dead: return tr("Dead");
    case JobSetKind::Scheduled: return tr("Scheduled");
    }
    return {};
}

QIcon JobSetPage::icon() const
{
    switch (m_kind) {
    case JobSetKind::Retry: return style()->standardIcon(QStyle::SP_BrowserReload);
    case JobSetKind::Dead: return style()->standardIcon(QStyle::SP_MessageBoxCritical);
    case JobSetKind::Scheduled: return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    }
    return {};
}

void JobSetPage::setClient(kiq::redis::AsyncClient* client)
{
    ++m_generation;
    m_loading = false;
    m_client = client;
    m_sinceLoad.invalidate();
    m_browser->model()->clearRows();
    updateActions();
    if (!m_client) {
        showStatus(tr("Not connected."));
        return;
    }
    if (isVisible()) refresh();
}

void JobSetPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    // Job lists are not polled (rows would jump under the operator's cursor); they load when first
    // shown and on Reload/F5.
    if (!m_sinceLoad.isValid()) refresh();
}

void JobSetPage::refresh()
{
    if (!m_client || m_loading) return;
    m_loading = true;
    m_sinceLoad.start();
    const unsigned generation = ++m_generation;
    const JobSetKind kind = m_kind;
    const bool desc = descending();
    showStatus(tr("Loading…"));
    m_client->run<FirstPage>(
        [kind, desc](kiq::redis::Client& c) {
            FirstPage p;
            p.total = kiq::sidekiq::setSize(c, kind);
            p.rows = toRows(kiq::sidekiq::pageByRank(c, kind, 0, JobTableModel::kPageSize, desc));
            return p;
        },
        this, [this, generation](kiq::redis::Result<FirstPage> r) {
            if (generation != m_generation) return;
            m_loading = false;
            if (!r.ok()) {
                showStatus(tr("<b>Could not load:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_browser->model()->resetListing(r.value->total, std::move(r.value->rows));
            const QString count = tr("%1 jobs in the set").arg(formatCount(r.value->total));
            showStatus(m_notice.isEmpty() ? count : tr("%1 · %2").arg(m_notice, count), m_noticeIsProblem);
            m_notice.clear();
            m_noticeIsProblem = false;
            updateActions();
        });
}

void JobSetPage::loadPage(long long offset, long long count)
{
    if (!m_client) {
        m_browser->model()->pageFailed();
        return;
    }
    const unsigned generation = m_generation;
    const JobSetKind kind = m_kind;
    const bool desc = descending();
    m_client->run<std::vector<JobRow>>(
        [kind, desc, offset, count](kiq::redis::Client& c) {
            return toRows(kiq::sidekiq::pageByRank(c, kind, offset, count, desc));
        },
        this, [this, generation, offset](kiq::redis::Result<std::vector<JobRow>> r) {
            if (generation != m_generation) return;
            if (!r.ok()) {
                m_browser->model()->pageFailed();
                showStatus(tr("<b>Could not load more:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
                return;
            }
            m_browser->model()->appendPage(offset, std::move(*r.value));
        });
}

void JobSetPage::actOnSelection(JobAction action, bool confirmed, const QString& targetQueue)
{
    const std::vector<std::string> payloads = m_browser->selectedPayloads();
    if (!m_client || payloads.empty()) return;
    auto* gate = writeGate();
    if (!gate || !gate->writable()) {
        showStatus(tr("This deployment is read-only: arm writes first."), true);
        return;
    }
    QString queue = targetQueue;
    if (action == JobAction::Move && queue.isEmpty()) {
        bool ok = false;
        queue = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || queue.isEmpty()) return;
    }
    const long long n = qsizetype(payloads.size());
    // Retry, enqueue and move keep every job; kill and delete are the ones that can lose work.
    const bool destructive = action == JobAction::Delete || action == JobAction::Kill;
    if (destructive && !confirmed
        && !confirmDamage(this, actionLabel(action),
                          tr("%1 %n selected job(s) in %2?", nullptr, int(n)).arg(actionLabel(action), title()), n))
        return;

    const JobSetKind kind = m_kind;
    const std::string target = queue.toStdString();
    showStatus(tr("Working…"));
    m_client->run<kiq::sidekiq::ActionResult>(
        [gate, action, kind, payloads, target](kiq::redis::Client& c) {
            return kiq::sidekiq::applyJobAction(c, *gate, action, kind, payloads, target, "kiqdesk selection");
        },
        this, [this, action](kiq::redis::Result<kiq::sidekiq::ActionResult> r) {
            if (!r.ok()) {
                showStatus(tr("<b>%1 failed:</b> %2").arg(actionLabel(action), QString::fromStdString(r.error->message).toHtmlEscaped()),
                           true);
                return;
            }
            const auto& res = *r.value;
            QString text = tr("%1: %2 done, %3 already gone, %4 skipped")
                               .arg(actionLabel(action), formatCount(res.affected), formatCount(res.missing),
                                    formatCount(qsizetype(res.skipped.size())));
            if (!res.skipped.empty()) text += QStringLiteral(" (%1)").arg(QString::fromStdString(res.skipped.front().reason));
            m_notice = text; // shown with the reloaded count
            m_noticeIsProblem = !res.skipped.empty();
            refresh();
        });
}

void JobSetPage::actOnAllMatching(JobAction action)
{
    auto* gate = writeGate();
    if (!m_client) return;
    if (!gate || !gate->writable()) {
        showStatus(tr("This deployment is read-only: arm writes first."), true);
        return;
    }
    if (!m_browser->filterIsValid()) {
        showStatus(tr("Fix the filter first: “all matching” uses it."), true);
        return;
    }
    QString queue;
    if (action == JobAction::Move) {
        bool ok = false;
        queue = QInputDialog::getText(this, tr("Move to queue"), tr("Queue name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || queue.isEmpty()) return;
    }
    kiq::sidekiq::BulkSpec spec;
    spec.set = m_kind;
    spec.filter = m_browser->validFilterText().toStdString();
    spec.action = action;
    spec.targetQueue = queue.toStdString();
    auto* flow = new BulkActionFlow(m_client, gate, spec, this);
    connect(flow, &BulkActionFlow::finished, this, [this](const QString& summary, bool problem) {
        m_notice = summary;
        m_noticeIsProblem = problem;
        refresh();
    });
    flow->start();
}

void JobSetPage::updateActions()
{
    const bool any = m_client && !m_browser->selectedSourceRows().empty();
    for (QAction* a : m_selectionActions) a->setEnabled(any);
}

void JobSetPage::showStatus(const QString& text, bool problem)
{
    m_status->setForegroundRole(problem ? QPalette::Text : QPalette::PlaceholderText);
    m_status->setText(text);
}

} // namespace kiq::ui
