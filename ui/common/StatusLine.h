#pragma once
// A page's status line: information in the muted text colour, problems in the theme's problem red
// (common/Colors.h, re-picked when the palette changes). Messages from servers are hostile: showError
// and showLoadError escape them, so a "<b>" in a Redis error shows literally.

#include <QElapsedTimer>
#include <QLabel>

namespace kiq::ui {

class StatusLine final : public QLabel {
    Q_OBJECT
public:
    explicit StatusLine(const QString& objectName, QWidget* parent = nullptr);

    void showInfo(const QString& text); // plain text
    void showProblem(const QString& html); // escape what came from elsewhere
    void showProblemText(const QString& text); // plain text
    void showError(const QString& prefix, const QString& message); // "<b>prefix</b> message", message escaped
    // The one "Could not load:" text. With data shown from an earlier load, it says that data is stale.
    void showLoadError(const QString& message, const QElapsedTimer& sinceLastLoad = {});
    bool showsProblem() const { return m_problem; }
    void setHiddenWhenEmpty(bool hidden); // for a line that only says something now and then

protected:
    void changeEvent(QEvent* event) override;

private:
    void display(const QString& text, bool problem);
    void recolour();

    bool m_problem = false;
    bool m_recolouring = false;
    bool m_hiddenWhenEmpty = false;
};

} // namespace kiq::ui
