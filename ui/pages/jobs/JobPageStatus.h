#pragma once
// A job page's status line, put together from parts: the outcome of the last action, then the
// index's state and the filter's matches. Plain parts are escaped for the HTML form, so only
// problems carry markup (escaped server messages); with no problem the line is plain text.

#include <QCoreApplication>
#include <QStringList>

namespace kiq::ui {

class IndexedJobBrowser;
class StatusLine;

class JobPageStatus {
    Q_DECLARE_TR_FUNCTIONS(kiq::ui::JobPageStatus)
public:
    void add(const QString& text);
    void addProblem(const QString& html);
    // An action's outcome (HTML when a problem, else plain text); nothing when empty.
    void addNotice(const QString& notice, bool problem);
    // "N match(es) the filter" while a filter is applied, and how many entries the index could not
    // decide (args or error message longer than it keeps). `checkedBy` names what checks those.
    void addMatches(const IndexedJobBrowser& browser, const QString& checkedBy);
    void showOn(StatusLine* line) const;

private:
    QStringList m_parts, m_html;
    bool m_problem = false;
};

} // namespace kiq::ui
