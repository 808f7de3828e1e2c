#include "pages/jobs/JobPageStatus.h"

#include "common/Formatting.h"
#include "common/StatusLine.h"
#include "pages/jobs/IndexedJobBrowser.h"

namespace kiq::ui {

void JobPageStatus::add(const QString& text)
{
    m_parts << text;
    m_html << text.toHtmlEscaped();
}

void JobPageStatus::addProblem(const QString& html)
{
    m_html << html;
    m_problem = true;
}

void JobPageStatus::addNotice(const QString& notice, bool problem)
{
    if (notice.isEmpty()) return;
    if (problem)
        addProblem(notice);
    else
        add(notice);
}

void JobPageStatus::addMatches(const IndexedJobBrowser& browser, const QString& checkedBy)
{
    const auto* model = browser.model();
    if (!model->snapshot() || browser.validFilterText().isEmpty()) return;
    QString matched = tr("%1 match(es) the filter", nullptr, model->rowCount()).arg(formatCount(model->rowCount()));
    // Undecided: their args or message run past what the index keeps.
    if (model->maybeCount() > 0)
        matched += tr(" · %1 more not checked: their args are over %2 bytes or their error message over %3 bytes, "
                      "longer than the index keeps (%4)")
                       .arg(formatCount(model->maybeCount()))
                       .arg(kiq::sidekiq::kJobIndexArgsPrefix)
                       .arg(kiq::sidekiq::kJobIndexMessagePrefix)
                       .arg(checkedBy);
    add(matched);
}

void JobPageStatus::showOn(StatusLine* line) const
{
    if (m_problem)
        line->showProblem(m_html.join(QStringLiteral(" · ")));
    else
        line->showInfo(m_parts.join(QStringLiteral(" · ")));
}

} // namespace kiq::ui
