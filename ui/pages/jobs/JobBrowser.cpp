#include "JobBrowser.h"

#include "JobFilterProxy.h"
#include "JobInspector.h"
#include "JobTableModel.h"
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
    , m_filterError(new QLabel(this))
    , m_table(new QTableView(this))
    , m_inspector(new JobInspector(this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setObjectName(QStringLiteral("jobFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter: class=HardJob error~timeout age>2h queue=default malformed"));
    m_filterError->setObjectName(QStringLiteral("jobFilterError"));
    m_filterError->setStyleSheet(QStringLiteral("color: #c03030"));
    m_filterError->setWordWrap(true);
    m_filterError->hide();

    m_table->setObjectName(QStringLiteral("jobTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(false); // pages arrive in the set's own order; sorting only a loaded prefix would mislead
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(JobTableModel::WhenColumn, 150);
    m_table->setColumnWidth(JobTableModel::QueueColumn, 90);
    m_table->setColumnWidth(JobTableModel::ClassColumn, 180);
    m_table->setColumnWidth(JobTableModel::ArgsColumn, 200);
    m_table->setColumnWidth(JobTableModel::ErrorColumn, 260);
    m_table->setColumnWidth(JobTableModel::RetryCountColumn, 60);

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
    } catch (const std::exception& e) {
        // Keep the last good filter applied while the operator is still typing; just say what is wrong.
        m_filterValid = false;
        m_filterError->setText(tr("Filter: %1").arg(QString::fromStdString(e.what())));
        m_filterError->show();
    }
}

QString JobBrowser::validFilterText() const { return m_filterValid ? m_filter->text().trimmed() : QString(); }

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
    for (const QModelIndex& i : m_table->selectionModel()->selectedRows()) rows.push_back(m_proxy->mapToSource(i).row());
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
