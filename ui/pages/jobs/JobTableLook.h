#pragma once
// How every job table and its filter field look (a queue's jobs and the indexed set browsers), set up
// in one place so the two browsers stay the same to the user.

class QLineEdit;
class QString;
class QTableView;

namespace kiq::sidekiq {
class JobFilterError;
}

namespace kiq::ui {

class StatusLine;
// The filter field and the label under it that shows a parse error (hidden until there is one).
void setUpJobFilter(QLineEdit* filter, StatusLine* error);
// What that label says for a filter that does not parse (the table shows no rows meanwhile).
QString jobFilterErrorText(const kiq::sidekiq::JobFilterError& error);
// Row selection, compact rows, no row numbers, the job columns' widths. The model must be set.
void setUpJobTable(QTableView* table);

} // namespace kiq::ui
