#pragma once
// The Audit trail page: the deployment's shared timeline of writes (every operator's, the CLI's too)
// from its `kiqdesk:audit` stream, filtered by user, action and time; Verify checks the hash chain and
// marks the rows where it breaks; Export writes every entry as JSON lines. Reads, verifies and the
// export's disk write all run on the client's thread (runFresh), never on the GUI thread.

#include "deployment/DeploymentPage.h"

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace kiq::ui {

class AuditTrailModel;
class StatusLine;

class AuditPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit AuditPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr std::size_t kRowLimit = 2000; // the timeline shows the newest this many matches
    void verify();
    // Writes every entry to `file` (JSONL), on the client's thread.
    void exportTo(const QString& file);

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void updateButtons();

    QLineEdit* m_user;
    QComboBox* m_action;
    QComboBox* m_period;
    QPushButton* m_reload;
    QPushButton* m_verify;
    QPushButton* m_export;
    StatusLine* m_status;
    AuditTrailModel* m_model;
    QTableView* m_table;
    bool m_loaded = false;
};

} // namespace kiq::ui
