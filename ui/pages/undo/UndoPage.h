#pragma once
// Undo history: what deletes, kills and queue clears on this deployment's server removed, kept in the
// app's undo journal (write/UndoJournal.h, 7 days), newest first, and a Restore button that puts the
// selected action's jobs back where they came from, byte-exact (jobs already there are skipped). The
// journal's disk work and the restore run on the client's thread (runFresh); the restore passes the
// deployment's write gate, so it is disabled with the reason while the deployment is read-only.

#include "deployment/DeploymentPage.h"
#include "write/UndoJournal.h"

#include <optional>
#include <vector>

class QAction;
class QStandardItemModel;
class QTableView;

namespace kiq::ui {

class StatusLine;

class UndoPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit UndoPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    QTableView* table() const { return m_table; }
    const std::vector<kiq::write::UndoAction>& actions() const { return m_actions; }
    // Restores the selected action (the Restore button).
    void restoreSelected();
    // "4,812 jobs deleted from dead at 14:02": how an action is named in the list and on the button.
    static QString describe(const kiq::write::UndoAction& action);

signals:
    void restoreFinished(); // its outcome is in the status line

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }
    void showEvent(QShowEvent* event) override;

private:
    std::optional<kiq::write::UndoAction> selected() const;
    void updateActions();
    void show(std::vector<kiq::write::UndoAction> actions);

    bool m_loading = false;
    std::vector<kiq::write::UndoAction> m_actions;
    QStandardItemModel* m_model;
    QTableView* m_table;
    QAction* m_restore;
    QAction* m_copyRestore = nullptr;
    StatusLine* m_status;
};

} // namespace kiq::ui
