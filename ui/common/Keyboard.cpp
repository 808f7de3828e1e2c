#include "common/Keyboard.h"

#include <QAbstractItemView>
#include <QAction>
#include <QToolBar>
#include <QToolButton>

namespace kiq::ui {

void tabLeavesView(QAbstractItemView* view)
{
    view->setTabKeyNavigation(false);
}

QList<QWidget*> tabReachesToolBar(QToolBar* bar)
{
    QList<QWidget*> buttons;
    // Buttons only: separators and captions are widgets of the bar too.
    for (QAction* a : bar->actions())
        if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(a))) {
            button->setFocusPolicy(Qt::TabFocus);
            buttons << button;
        }
    return buttons;
}

void chainTabOrder(const QList<QWidget*>& widgets)
{
    QWidget* previous = nullptr;
    for (QWidget* w : widgets) {
        if (!w) continue;
        if (previous) QWidget::setTabOrder(previous, w);
        previous = w;
    }
}

} // namespace kiq::ui
