#include "common/StatusLine.h"

#include "common/Colors.h"

#include <QEvent>

namespace kiq::ui {

StatusLine::StatusLine(const QString& objectName, QWidget* parent)
    : QLabel(parent)
{
    setObjectName(objectName);
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    recolour();
}

void StatusLine::showInfo(const QString& text)
{
    setTextFormat(Qt::PlainText);
    display(text, false);
}

void StatusLine::showProblem(const QString& html)
{
    setTextFormat(Qt::RichText);
    display(html, true);
}

void StatusLine::showProblemText(const QString& text)
{
    setTextFormat(Qt::PlainText);
    display(text, true);
}

void StatusLine::showError(const QString& prefix, const QString& message)
{
    showProblem(QStringLiteral("<b>%1</b> %2").arg(prefix.toHtmlEscaped(), message.toHtmlEscaped()));
}

void StatusLine::showLoadError(const QString& message, const QElapsedTimer& sinceLastLoad)
{
    if (!sinceLastLoad.isValid()) return showError(tr("Could not load:"), message);
    showProblem(tr("<b>Could not refresh:</b> %1 (showing data from %2 s ago)")
                    .arg(message.toHtmlEscaped())
                    .arg(sinceLastLoad.elapsed() / 1000));
}

void StatusLine::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    // A theme switch: the red that read on the old window colour may not on the new one.
    if (event->type() == QEvent::PaletteChange && !m_recolouring) recolour();
}

void StatusLine::setHiddenWhenEmpty(bool hidden)
{
    m_hiddenWhenEmpty = hidden;
    if (hidden && text().isEmpty()) hide();
}

void StatusLine::display(const QString& text, bool problem)
{
    if (problem != m_problem) {
        m_problem = problem;
        recolour();
    }
    setText(text);
    if (m_hiddenWhenEmpty) setVisible(!text.isEmpty());
}

void StatusLine::recolour()
{
    m_recolouring = true; // setPalette sends a PaletteChange of its own
    if (m_problem) {
        QPalette p = palette();
        p.setColor(QPalette::WindowText, problemColor(p));
        setPalette(p);
        setForegroundRole(QPalette::WindowText);
    } else {
        setForegroundRole(QPalette::PlaceholderText);
    }
    m_recolouring = false;
}

} // namespace kiq::ui
