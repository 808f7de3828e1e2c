#pragma once
// The columns every job table shows (a queue's jobs, and the indexed retry/dead/scheduled browsers),
// with their captions, so both models stay the same table to the user.

#include <QString>

namespace kiq::ui {

struct JobColumns {
    enum Column {
        WhenColumn,
        QueueColumn,
        ClassColumn,
        ArgsColumn,
        ErrorColumn,
        RetryCountColumn,
        JidColumn,
        ColumnCount
    };
};

// The translated caption of `column`; the first column's ("Enqueued", "Failed", …) is the page's.
QString jobColumnCaption(int column, const QString& whenCaption);

} // namespace kiq::ui
