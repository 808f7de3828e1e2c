#pragma once
// The command palette (Ctrl+K): one line to reach any menu action, deployment or page by typing part
// of its name. Every word typed must appear in an entry (in any order, any case); Up and Down move the
// choice while typing goes on; Enter runs it and closes the palette.

#include <QDialog>
#include <QString>

#include <functional>
#include <vector>

class QLineEdit;
class QListWidget;

namespace kiq::ui {

struct PaletteEntry {
    QString text; // "Fleet overview", "Deployment: billing-prod", "Page: Dead"
    QString hint; // the shortcut, or where it leads; shown at the right, searched too
    std::function<void()> run;
};

class CommandPalette final : public QDialog {
    Q_OBJECT
public:
    CommandPalette(std::vector<PaletteEntry> entries, QWidget* parent = nullptr);

    QLineEdit* filter() const { return m_filter; }
    QListWidget* list() const { return m_list; }
    // The entries that match `text`, in their order (for tests and the list).
    std::vector<int> matching(const QString& text) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void refill();
    void runCurrent();

    std::vector<PaletteEntry> m_entries;
    QLineEdit* m_filter;
    QListWidget* m_list;
};

} // namespace kiq::ui
