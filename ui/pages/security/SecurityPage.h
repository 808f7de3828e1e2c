#pragma once
// Security: the deployment's security audit (security/SecurityAudit.h), grouped by control (identity,
// transport, authentication, authorization, configuration, job data, operations), each check with its
// status, evidence and fix, and why it matters below for the selected one. The audit only reads; it
// runs on the deployment's client when the page is first shown and on Run audit (F5), and its result
// is the deployment's (Deployment::securityAudit), so the Fleet view shows the same counts. Exports
// as Markdown or JSON, written off the GUI thread.

#include "deployment/DeploymentPage.h"
#include "security/SecurityAudit.h"

class QPushButton;
class QTextBrowser;
class QTreeWidget;

namespace kiq::ui {

class StatusLine;

class SecurityPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit SecurityPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override; // runs the audit again

    QTreeWidget* tree() const { return m_tree; }
    // Writes the last report to `file` (Markdown unless it ends in .json) on a pool thread; the outcome
    // goes to the status line and exported().
    void exportTo(const QString& file);
    static QString statusText(kiq::security::Status status); // "fail", "could not check", translated
    static QString controlTitle(const std::string& control); // "Transport", translated

signals:
    void exported(bool ok);

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void showAudit(); // the deployment's last audit
    void showDetails();

    QTreeWidget* m_tree;
    QTextBrowser* m_details;
    StatusLine* m_status;
    QPushButton* m_run;
    QPushButton* m_exportMarkdown;
    QPushButton* m_exportJson;
    bool m_watching = false; // connected to the deployment's securityAuditChanged
};

} // namespace kiq::ui
