#pragma once
// Help → Keyboard shortcuts: a read-only sheet built from the window's actions, so it cannot drift
// from the shortcuts that really exist.

#include <QDialog>
#include <QList>
#include <QPair>

class QAction;

namespace kiq::ui {

class ShortcutsDialog final : public QDialog {
    Q_OBJECT
public:
    // `actions`: listed with their own text and shortcut. `extra`: rows for shortcut families that
    // are many actions (e.g. "Ctrl+1 … Ctrl+9" / "Switch to deployment 1 to 9").
    ShortcutsDialog(
        const QList<QAction*>& actions, const QList<QPair<QString, QString>>& extra, QWidget* parent = nullptr);
};

} // namespace kiq::ui
