#include "pages/jobs/JobTableLook.h"

#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "pages/jobs/JobColumns.h"
#include "sidekiq/search/JobFilter.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>

namespace kiq::ui {

void setUpJobFilter(QLineEdit* filter, StatusLine* error)
{
    filter->setObjectName(QStringLiteral("jobFilter"));
    filter->setClearButtonEnabled(true);
    filter->setPlaceholderText(QCoreApplication::translate(
        "JobTableLook", "Filter: class=HardJob error~timeout age>2h queue=default malformed"));
    error->setObjectName(QStringLiteral("jobFilterError"));
    error->hide();
}

QString jobFilterErrorText(const kiq::sidekiq::JobFilterError& error)
{
    return QCoreApplication::translate(
        "JobTableLook", "Filter, at character %1: %2. No jobs are shown until it is fixed.")
        .arg(error.position() + 1)
        .arg(QString::fromStdString(error.problem()));
}

void setUpJobTable(QTableView* table)
{
    table->setObjectName(QStringLiteral("jobTable"));
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setWordWrap(false);
    tabLeavesView(table);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setColumnWidth(JobColumns::WhenColumn, 150);
    table->setColumnWidth(JobColumns::QueueColumn, 90);
    table->setColumnWidth(JobColumns::ClassColumn, 180);
    table->setColumnWidth(JobColumns::ArgsColumn, 200);
    table->setColumnWidth(JobColumns::ErrorColumn, 260);
    table->setColumnWidth(JobColumns::RetryCountColumn, 60);
}

} // namespace kiq::ui
