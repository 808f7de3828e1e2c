#include "pages/jobs/IndexedJobBrowser.h"

#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "pages/jobs/FailureGroupModel.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobTableLook.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

using kiq::sidekiq::JobFilter;

namespace {
// The filter's terms as typed, split at spaces outside double quotes (JobFilter's grammar), so one
// term can be replaced without re-quoting the others.
QStringList filterTerms(const QString& text)
{
    QStringList terms;
    QString term;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u'\\' && quoted && i + 1 < text.size()) {
            term += c;
            term += text[++i];
        } else if (c == u'"') {
            quoted = !quoted;
            term += c;
        } else if (c.isSpace() && !quoted) {
            if (!term.isEmpty()) terms << std::exchange(term, {});
        } else {
            term += c;
        }
    }
    if (!term.isEmpty()) terms << term;
    return terms;
}

bool isGroupTerm(const QString& term)
{
    return term.startsWith(QLatin1String("group="), Qt::CaseInsensitive);
}

QString withoutGroupTerms(const QString& text)
{
    QStringList kept;
    for (const QString& t : filterTerms(text))
        if (!isGroupTerm(t)) kept << t;
    return kept.join(u' ');
}

std::uint64_t groupOf(const QString& text)
{
    for (const QString& t : filterTerms(text))
        if (isGroupTerm(t)) return t.mid(6).toULongLong(nullptr, 16);
    return 0;
}
} // namespace

IndexedJobBrowser::IndexedJobBrowser(const QString& whenCaption, bool descending, bool withGroups, QWidget* parent)
    : QWidget(parent)
    , m_model(new IndexedJobModel(whenCaption, descending, this))
    , m_filter(new QLineEdit(this))
    , m_filterError(new StatusLine(QStringLiteral("jobFilterError"), this))
    , m_table(new QTableView(this))
    , m_inspector(new JobInspector(this))
{
    m_model->setGroupsWanted(withGroups);
    setUpJobFilter(m_filter, m_filterError);
    m_table->setModel(m_model);
    setUpJobTable(m_table);
    // Fixed row heights: with a million rows nothing may be measured per row.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSortIndicator(
        IndexedJobModel::WhenColumn, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    m_table->setSortingEnabled(true); // the index sorts all matching rows, not a loaded page
    // Arguments and JID cannot be ordered by the index: the indicator goes back to where it was.
    m_sortColumn = IndexedJobModel::WhenColumn;
    m_sortOrder = m_table->horizontalHeader()->sortIndicatorOrder();
    connect(
        m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this](int column, Qt::SortOrder order) {
            if (IndexedJobModel::sortable(column)) {
                m_sortColumn = column;
                m_sortOrder = order;
                return;
            }
            const QSignalBlocker block(m_table->horizontalHeader());
            m_table->horizontalHeader()->setSortIndicator(m_sortColumn, m_sortOrder);
        });

    auto* jobs = new QSplitter(Qt::Horizontal, this);
    jobs->addWidget(m_table);
    jobs->addWidget(m_inspector);
    jobs->setStretchFactor(0, 3);
    jobs->setStretchFactor(1, 2);
    jobs->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_filterError);

    if (withGroups) {
        m_groupModel = new FailureGroupModel(this);
        m_groupTable = new QTableView(this);
        m_groupTable->setObjectName(QStringLiteral("failureGroups"));
        m_groupTable->setModel(m_groupModel);
        m_groupTable->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_groupTable->setSelectionMode(QAbstractItemView::SingleSelection);
        m_groupTable->setWordWrap(false);
        tabLeavesView(m_groupTable);
        m_groupTable->setAlternatingRowColors(true);
        m_groupTable->verticalHeader()->hide();
        m_groupTable->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
        m_groupTable->horizontalHeader()->setHighlightSections(false);
        m_groupTable->horizontalHeader()->setStretchLastSection(true);
        m_groupTable->setColumnWidth(FailureGroupModel::CountColumn, 70);
        m_groupTable->setColumnWidth(FailureGroupModel::ErrorColumn, 170);
        m_groupTable->setColumnWidth(FailureGroupModel::MessageColumn, 320);
        m_groupTable->setColumnWidth(FailureGroupModel::ClassColumn, 170);
        m_groupTable->setColumnWidth(FailureGroupModel::FirstSeenColumn, 140);

        m_groupBar = new QToolBar(this);
        m_groupBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
        auto* caption = new QLabel(tr("<b>Failures by cause</b> (select one to filter the jobs to it)"), this);
        m_groupBar->addWidget(caption);
        auto* spacer = new QWidget(this);
        spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        m_groupBar->addWidget(spacer);

        auto* groups = new QWidget(this);
        auto* groupLayout = new QVBoxLayout(groups);
        groupLayout->setContentsMargins(0, 0, 0, 0);
        groupLayout->setSpacing(0);
        groupLayout->addWidget(m_groupBar);
        groupLayout->addWidget(m_groupTable, 1);

        auto* split = new QSplitter(Qt::Vertical, this);
        split->addWidget(groups);
        split->addWidget(jobs);
        split->setStretchFactor(0, 1);
        split->setStretchFactor(1, 3);
        split->setChildrenCollapsible(false);
        layout->addWidget(split, 1);

        connect(m_model, &IndexedJobModel::groupsChanged, this, [this] {
            m_markingGroup = true;
            m_groupModel->setGroups(m_model->groups());
            markFilteredGroup();
            m_markingGroup = false;
        });
        connect(m_groupTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            if (m_markingGroup) return;
            const auto rows = m_groupTable->selectionModel()->selectedRows();
            filterToGroup(rows.isEmpty() ? 0 : m_groupModel->group(rows.front().row()).fingerprint);
        });
    } else {
        layout->addWidget(jobs, 1);
    }

    connect(m_filter, &QLineEdit::textChanged, this, &IndexedJobBrowser::applyFilterText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (!m_restoring) emit selectionChanged();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        if (!m_restoring) currentChanged();
    });
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, &IndexedJobBrowser::rememberView);
    connect(m_model, &QAbstractItemModel::modelReset, this, &IndexedJobBrowser::restoreView);
    connect(m_model, &QAbstractItemModel::modelReset, this, &IndexedJobBrowser::selectPendingJid);
    applyFilterText();
}

void IndexedJobBrowser::setRedactor(const std::shared_ptr<const kiq::redaction::Redactor>& redactor)
{
    m_redactor = redactor;
    m_model->setRedactor(redactor);
    if (m_groupModel) m_groupModel->setRedactor(redactor);
    m_inspector->setRedactor(redactor);
    applyFilterText(); // text terms match what is shown
}

void IndexedJobBrowser::setSnapshot(std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot)
{
    m_model->setSnapshot(std::move(snapshot));
}

void IndexedJobBrowser::applyFilterText()
{
    const QString text = m_filter->text().trimmed();
    try {
        auto rows = JobFilter::parse(text.toStdString());
        auto groups = JobFilter::parse(withoutGroupTerms(text).toStdString());
        rows.redactWith(m_redactor);
        groups.redactWith(m_redactor);
        m_filterValid = true;
        m_filterError->hide();
        m_filterGroup = groupOf(text);
        m_model->setFilters(rows.empty() ? std::nullopt : std::optional(std::move(rows)),
            groups.empty() ? std::nullopt : std::optional(std::move(groups)));
        emit filterApplied();
    } catch (const kiq::sidekiq::JobFilterError& e) {
        // No rows rather than the last good filter's: they would pass for this filter's results.
        m_filterValid = false;
        m_filterError->showProblemText(jobFilterErrorText(e));
        m_filterError->show();
        m_model->setFilterInvalid();
        emit filterRejected();
    }
}

void IndexedJobBrowser::filterToGroup(std::uint64_t fingerprint)
{
    QString text = withoutGroupTerms(m_filter->text().trimmed());
    if (fingerprint != 0)
        text = (text.isEmpty() ? QString() : text + u' ') + QStringLiteral("group=")
            + FailureGroupModel::fingerprintText(fingerprint);
    m_filter->setText(text);
}

void IndexedJobBrowser::markFilteredGroup()
{
    if (!m_groupTable) return;
    const int row = m_filterGroup ? m_groupModel->rowOf(m_filterGroup) : -1;
    if (row < 0) {
        m_groupTable->clearSelection();
        return;
    }
    m_groupTable->selectRow(row);
}

QString IndexedJobBrowser::validFilterText() const
{
    return m_filterValid ? m_filter->text().trimmed() : QString();
}

void IndexedJobBrowser::showJid(const QString& jid)
{
    m_pendingJid = jid;
    m_filter->setText(QStringLiteral("jid=") + jid);
    selectPendingJid();
}

void IndexedJobBrowser::selectPendingJid()
{
    if (m_pendingJid.isEmpty() || m_model->rowCount() == 0) return;
    m_pendingJid.clear();
    const QModelIndex first = m_model->index(0, 0);
    m_table->selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(first);
}

void IndexedJobBrowser::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

long long IndexedJobBrowser::selectedCount() const
{
    long long n = 0;
    for (const QItemSelectionRange& r : m_table->selectionModel()->selection()) n += r.height();
    return n;
}

std::vector<IndexedJobModel::Key> IndexedJobBrowser::selectedKeys() const
{
    std::vector<IndexedJobModel::Key> keys;
    // Ranges, not selectedRows(): a range of a million rows costs nothing until it is walked here.
    for (const QItemSelectionRange& r : m_table->selectionModel()->selection())
        for (int row = r.top(); row <= r.bottom(); ++row) keys.push_back(m_model->key(row));
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        return a.score != b.score ? a.score < b.score : a.payloadHash < b.payloadHash;
    });
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

std::vector<std::string> IndexedJobBrowser::selectedJids() const
{
    std::vector<std::string> jids;
    const auto& snapshot = m_model->snapshot();
    if (!snapshot) return jids;
    for (const auto& key : selectedKeys())
        if (const auto row = snapshot->find(key.score, key.payloadHash)) jids.emplace_back(snapshot->jid(*row));
    return jids;
}

void IndexedJobBrowser::currentChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_shownJob.reset();
        m_inspector->showJob(nullptr);
        return;
    }
    const auto key = m_model->key(current.row());
    if (m_shownJob == key) return;
    m_shownJob = key;
    emit currentJobWanted(key);
}

void IndexedJobBrowser::showJob(const IndexedJobModel::Key& key, const std::optional<JobRow>& job)
{
    if (m_shownJob != key) return;
    if (job)
        m_inspector->showJob(&*job);
    else
        m_inspector->showMissing();
}

void IndexedJobBrowser::rememberView()
{
    m_current.reset();
    m_top.reset();
    m_kept.clear();
    if (m_model->rowCount() == 0) return;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (current.isValid()) m_current = m_model->key(current.row());
    const int top = m_table->rowAt(0);
    if (top > 0) m_top = m_model->key(top); // at the very top, stay at the top (new jobs show up there)
    if (selectedCount() <= kMaxKeptSelection) m_kept = selectedKeys();
}

void IndexedJobBrowser::restoreView()
{
    QItemSelectionModel* sel = m_table->selectionModel();
    m_restoring = true; // one selectionChanged below, and no fetch of a job already shown
    if (m_top) {
        const auto rows = m_model->rowsOf({*m_top});
        if (!rows.empty()) m_table->scrollTo(m_model->index(rows.front(), 0), QAbstractItemView::PositionAtTop);
    }
    QItemSelection selection;
    for (int row : m_model->rowsOf(m_kept))
        selection.select(m_model->index(row, 0), m_model->index(row, IndexedJobModel::ColumnCount - 1));
    sel->select(selection, QItemSelectionModel::ClearAndSelect);
    if (m_current) {
        const auto rows = m_model->rowsOf({*m_current});
        if (!rows.empty()) sel->setCurrentIndex(m_model->index(rows.front(), 0), QItemSelectionModel::NoUpdate);
    }
    m_kept.clear();
    m_restoring = false;
    if (m_shownJob && m_current != m_shownJob) {
        // The job shown is no longer a row here (filtered out, or gone from the set).
        m_shownJob.reset();
        m_inspector->showJob(nullptr);
    }
    emit selectionChanged();
}

} // namespace kiq::ui
