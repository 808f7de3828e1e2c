#pragma once
// Everything shown for one deployment: a header (name, environment tag, where it points, status,
// risky-setting warnings, a Connect button while disconnected, and for a read-only deployment whether
// writes are armed, with a countdown) above a tab bar and a QStackedWidget with one instance of every
// page it is given (main/PageRegistry). Pages follow the deployment's client.

#include "deployment/DeploymentPage.h"

#include <QList>
#include <QTimer>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTabBar;

namespace kiq::ui {

class Deployment;
class ElidedLabel;

class DeploymentView final : public QWidget {
    Q_OBJECT
public:
    DeploymentView(Deployment* deployment, const std::vector<PageFactory>& pages, QWidget* parent = nullptr);

    Deployment* deployment() const { return m_deployment; }
    const QList<DeploymentPage*>& pages() const { return m_pages; }
    DeploymentPage* currentPage() const;
    void setCurrentPage(int index);
    void refreshCurrentPage();
    // Switches to the page that holds a fleet search hit and shows it there; false when none does.
    bool showSearchHit(const kiq::sidekiq::JobSearchHit& hit);
    // The next (step 1) or previous (-1) page, wrapping around.
    void switchPage(int step);
    // The next or previous tab of the innermost tab widget around the focus (a page's own tabs), or
    // the next or previous page when the focus is in none.
    void switchTab(int step);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

signals:
    // The user pressed Connect: the window asks for a password if needed, then connects.
    void connectRequested(Deployment* deployment);
    // A page asks to replay jobs of this deployment elsewhere (DeploymentPage::replayRequested).
    void replayRequested(
        Deployment* source, kiq::sidekiq::JobSetKind kind, const std::vector<kiq::sidekiq::IndexedJobKey>& keys);

protected:
    void changeEvent(QEvent* event) override;

private:
    void addPage(DeploymentPage* page);
    void updateHeader();
    void updateWrites(); // the read-only / armed badge, its button and the countdown
    void askToArm();

    Deployment* m_deployment;
    QList<DeploymentPage*> m_pages;
    ElidedLabel* m_name; // a long name or target ends in "…" rather than widen the window
    QLabel* m_tag;
    ElidedLabel* m_target;
    QLabel* m_status;
    QLabel* m_warnings;
    QPushButton* m_connect;
    QLabel* m_writes;
    QPushButton* m_armButton; // "Arm writes…" or "Disarm"
    QTimer m_countdown; // 1 s, while visible and armed
    QTabBar* m_tabs;
    QStackedWidget* m_stack;
};

} // namespace kiq::ui
