#pragma once
// The main window: a sidebar of deployments (status dot, environment tag) beside the selected
// deployment's view (DeploymentView: header, page tabs, pages). Owns the deployments.
//
// Connecting: a deployment without a password connects when added; one that needs a password
// connects when first selected, after asking for it (PasswordPrompt). A password the server refused is
// forgotten by the deployment; its Try again button or F5 asks for it again. Nothing here talks to Redis
// itself: deployments and pages go through their AsyncClient.

#include "deployment/ConnectionProfile.h"
#include "main/Theme.h"
#include "sidekiq/search/JobIndex.h"

#include <QHash>
#include <QMainWindow>

class QActionGroup;
class QListView;
class QMenu;
class QSplitter;
class QStackedWidget;
class QToolButton;

namespace kiq::storage {
class ProfileStore;
}

namespace kiq::ui {

class Deployment;
class DeploymentListModel;
class DeploymentView;
class FleetSearchDialog;
struct FleetSearchHit;
class AlertCenter;
class FleetView;
class TrayIcon;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    // store: where added, edited and removed connections are saved; nullptr keeps them in memory only
    // (tests, screenshots). Not owned.
    // With a store, the window also restores its size, splitters, deployment and page from the last
    // run (QSettings) and saves them when it closes.
    explicit MainWindow(kiq::storage::ProfileStore* store, QWidget* parent = nullptr);
    ~MainWindow() override;

    // persistent: save it in the store (the local sandbox is not saved: its port changes every run).
    Deployment* addDeployment(const kiq::deployment::ConnectionProfile& profile, bool persistent);
    void loadSavedProfiles();

    int deploymentCount() const;
    Deployment* deployment(int index) const;
    Deployment* currentDeployment() const;
    DeploymentView* currentView() const;
    DeploymentView* viewOf(const Deployment* deployment) const;
    void selectDeployment(int index);
    bool isFleetShown() const;
    FleetView* fleetView() const { return m_fleet; }
    FleetSearchDialog* fleetSearch() const { return m_fleetSearch; } // null until first shown
    // Health alerts (AlertCenter): desktop notifications and, where the desktop has one, the tray icon,
    // which then keeps the app running when the window is closed. The app turns them on; tests and
    // screenshots leave them off (no evaluations on their servers unless asked).
    void enableAlerts();
    AlertCenter* alertCenter() const { return m_alerts; } // null until enabled
    TrayIcon* trayIcon() const { return m_tray; }

    // Off: never open a password prompt (screenshots, tests); such deployments stay disconnected.
    void setPasswordPromptsEnabled(bool enabled) { m_passwordPrompts = enabled; }
    void setTheme(Theme theme); // applies it and ticks the View → Theme menu
    // Fills View → Language with the translations there are (codes: "de", "pt_BR") and ticks the chosen
    // one ("" is the system's language).
    void setLanguages(const QStringList& codes, const QString& chosen);
    // What the two menu entries do after their file dialog (also for tests). Both read and write the file
    // off the GUI thread; exporting ends with profilesExported, importing with the preview.
    void exportProfilesTo(const QString& path);
    void importProfilesFrom(const QString& path);
    // "Replay in…" from a job page of `source`: the dialog, offering the sidebar's development and staging
    // deployments (also for tests: the dialog is a child of the window, objectName "replayDialog").
    void openReplay(
        Deployment* source, kiq::sidekiq::JobSetKind kind, const std::vector<kiq::sidekiq::IndexedJobKey>& keys);

public slots:
    void newConnection();
    void editCurrentConnection();
    void diagnoseCurrentConnection();
    void removeCurrentConnection();
    // File → Export profiles… / Import profiles…: the versioned file of storage/ProfileFile.h (no
    // secrets). Import shows what it adds and replaces before it saves anything.
    void exportProfiles();
    void importProfiles();
    void refreshCurrentPage();
    void showFleet(); // the fleet overview in place of a deployment's view
    void showShortcuts();
    void showCommandPalette(); // Ctrl+K
    void showFleetSearch(); // Ctrl+Shift+F
    void showIncidentSnapshot(); // asks for the window and the file, then takes it
    // The current deployment's incident snapshot of the last `windowSeconds` into `path`, without asking.
    void takeIncidentSnapshotTo(const QString& path, double windowSeconds);
    // Opens a fleet search hit on its deployment's page (selected there).
    void openSearchHit(const kiq::ui::FleetSearchHit& hit);
    void showAbout();

signals:
    // The user picked a theme in the View menu; main() saves the choice.
    void themeChosen(kiq::ui::Theme theme);
    // The user picked a language ("" for the system's); main() saves it for the next start.
    void languageChosen(const QString& code);
    // An export finished: `error` is empty when `count` profiles were written to `path`.
    void profilesExported(const QString& path, int count, const QString& error);
    // An incident snapshot finished: `error` is empty when the archive was written; `missing` are the
    // parts the server refused.
    void incidentSnapshotWritten(const QString& path, const QString& error, const QStringList& missing);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void saveSession() const;
    void restoreSplitters(DeploymentView* view) const;
    void buildMenus();
    QWidget* buildSidebar();
    QWidget* buildEmptyState();
    Deployment* insertDeployment(const kiq::deployment::ConnectionProfile& profile, bool persistent);
    void connectDeployment(Deployment* deployment);
    void currentRowChanged(int row);
    void updateConnectionActions(); // Edit and Remove act on the sidebar's current connection
    void updateTitle();
    void applyImport(const QString& path, const QList<kiq::deployment::ConnectionProfile>& incoming);

    kiq::storage::ProfileStore* m_store;
    bool m_passwordPrompts = true;
    DeploymentListModel* m_model;
    QListView* m_sidebar = nullptr;
    QStackedWidget* m_views = nullptr;
    QWidget* m_emptyState = nullptr;
    FleetView* m_fleet = nullptr;
    AlertCenter* m_alerts = nullptr;
    TrayIcon* m_tray = nullptr;
    FleetSearchDialog* m_fleetSearch = nullptr; // made on first use, kept (its last results stay)
    QToolButton* m_fleetButton = nullptr;
    QSplitter* m_splitter = nullptr;
    QString m_restoreId; // the deployment selected in the last run, until it is loaded
    QString m_restorePage; // the class of the page it showed
    bool m_fitted = false; // fitted to the screen on the first show
    QHash<const Deployment*, DeploymentView*> m_viewOf;
    QActionGroup* m_themeGroup = nullptr;
    QMenu* m_languageMenu = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QList<QAction*> m_shortcutActions; // shown in the shortcuts sheet
    QAction* m_editConnection = nullptr;
    QAction* m_diagnoseConnection = nullptr;
    QAction* m_removeConnection = nullptr;
    QAction* m_incidentSnapshot = nullptr;
};

} // namespace kiq::ui
