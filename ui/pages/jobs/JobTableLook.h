#pragma once
// How every job table and its filter field look (a queue's jobs and the indexed set browsers), set up
// in one place so the two browsers stay the same to the user.

class QLabel;
class QLineEdit;
class QTableView;

namespace kiq::ui {

// The filter field and the label under it that shows a parse error (hidden until there is one).
void setUpJobFilter(QLineEdit* filter, QLabel* error);
// Row selection, compact rows, no row numbers, the job columns' widths. The model must be set.
void setUpJobTable(QTableView* table);

} // namespace kiq::ui
