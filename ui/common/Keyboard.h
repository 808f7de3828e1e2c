#pragma once
// Keyboard behaviour every page shares (issue 14): Tab moves from widget to widget, never from cell
// to cell (a table takes focus once, arrows move inside it), and every toolbar button is a Tab stop.

#include <QList>

class QAbstractItemView;
class QToolBar;
class QWidget;

namespace kiq::ui {

// Tab and Shift+Tab leave the view instead of walking its cells. In a single-selection list whose
// selection drives something (a filter, the queue shown), walking cells selected row after row.
void tabLeavesView(QAbstractItemView* view);
// QToolBar keeps its buttons out of the Tab chain; these are the pages' actions, so they join it.
// Call it once the bar has all its actions. Returns the buttons, left to right.
QList<QWidget*> tabReachesToolBar(QToolBar* bar);
// Tab visits these in this order (null entries are skipped).
void chainTabOrder(const QList<QWidget*>& widgets);

} // namespace kiq::ui
