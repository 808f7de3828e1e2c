#include "pages/jobs/JobBrowser.h"

#include "common/StatusLine.h"

#include "pages/jobs/JobFilterProxy.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobTableLook.h"
#include "pages/jobs/JobTableModel.h"
#include "redis/Errors.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

JobBrowser::JobBrowser(const QString& whenCaption, QWidget* parent)
    : QWidget(parent)
    , m_model(new JobTableModel(whenCaption, this))
    , m_proxy(new JobFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_filterError(new StatusLine(QStringLiteral("jobFilterError"), this))
    , m_table(new QTableView(this))
    , m_inspector(new JobInspector(this))
{
    m_proxy->setSourceModel(m_model);
    setUpJobFilter(m_filter, m_filterError);
    m_table->setModel(m_proxy);
    setUpJobTable(m_table);
    m_table->setSortingEnabled(
        false); // pages arrive in the set's own order; sorting only a loaded prefix would mislead

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_inspector);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_filterError);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &JobBrowser::applyFilterText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showCurrent();
        emit selectionChanged();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &JobBrowser::showCurrent);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_inspector->showJob(nullptr); });
}

void JobBrowser::applyFilterText()
{
    const QString text = m_filter->text().trimmed();
    try {
        auto filter = kiq::sidekiq::JobFilter::parse(text.toStdString());
        m_filterValid = true;
        m_filterError->hide();
        m_proxy->setJobFilter(filter.empty() ? std::nullopt : std::optional(std::move(filter)));
    } catch (const kiq::sidekiq::JobFilterError& e) {
        // No rows rather than the last good filter's: they would pass for this filter's results.
        m_filterValid = false;
        m_filterError->showProblemText(jobFilterErrorText(e));
        m_filterError->show();
        m_proxy->setRejectAll();
    }
}

QString JobBrowser::validFilterText() const
{
    return m_filterValid ? m_filter->text().trimmed() : QString();
}

void JobBrowser::showCurrent()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_inspector->showJob(nullptr);
        return;
    }
    m_inspector->showJob(&m_model->row(m_proxy->mapToSource(current).row()));
}

std::vector<int> JobBrowser::selectedSourceRows() const
{
    std::vector<int> rows;
    for (const QModelIndex& i : m_table->selectionModel()->selectedRows())
        rows.push_back(m_proxy->mapToSource(i).row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::vector<std::string> JobBrowser::selectedPayloads() const
{
    std::vector<std::string> payloads;
    for (int r : selectedSourceRows()) payloads.push_back(m_model->row(r).job.raw);
    return payloads;
}

void JobBrowser::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

} // namespace kiq::ui
