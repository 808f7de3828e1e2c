#include "main/MainWindow.h"

#include "common/OffThread.h"
#include "connection/ConnectionDialog.h"
#include "connection/DoctorDialog.h"
#include "credentials/Keychain.h"
#include "credentials/SecretResolver.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentDelegate.h"
#include "deployment/DeploymentListModel.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "fleet/FleetSearchDialog.h"
#include "fleet/FleetView.h"
#include "health/DesktopNotifier.h"
#include "main/AlertCenter.h"
#include "main/CommandPalette.h"
#include "main/IncidentSnapshotAction.h"
#include "main/Language.h"
#include "main/PageRegistry.h"
#include "main/PasswordPrompt.h"
#include "main/ShortcutsDialog.h"
#include "main/TrayIcon.h"
#include "pages/jobs/ReplayDialog.h"
#include "storage/ConnectionProfileStore.h"
#include "storage/ProfileFile.h"
#include "util/SaveFile.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QShowEvent>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

namespace {
constexpr int kNumberedShortcuts = 9; // Ctrl+1 … Ctrl+9

// Splitters are saved per page class (every deployment has the same pages), in creation order.
QString splitterKey(const DeploymentPage* page, int index)
{
    return QStringLiteral("window/splitters/%1/%2").arg(QLatin1String(page->metaObject()->className())).arg(index);
}
} // namespace

MainWindow::MainWindow(kiq::storage::ProfileStore* store, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_model(new DeploymentListModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_views = new QStackedWidget(this);
    m_emptyState = buildEmptyState();
    m_views->addWidget(m_emptyState);
    m_fleet = new FleetView(m_model, m_views);
    m_views->addWidget(m_fleet);
    connect(
        m_fleet, &FleetView::deploymentActivated, this, [this](Deployment* d) { selectDeployment(m_model->rowOf(d)); });

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(buildSidebar());
    m_splitter->addWidget(m_views);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({260, 900});
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);

    buildMenus();
    updateTitle();
    resize(1200, 780);
    if (m_store) {
        const QSettings settings;
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
        m_splitter->restoreState(settings.value(QStringLiteral("window/sidebar")).toByteArray());
        m_restoreId = settings.value(QStringLiteral("window/deployment")).toString();
        m_restorePage = settings.value(QStringLiteral("window/page")).toString();
    }
}

// Views first: they hold pages that hold raw client pointers owned by the deployments.
MainWindow::~MainWindow()
{
    for (DeploymentView* view : std::as_const(m_viewOf)) delete view;
    m_viewOf.clear();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_fitted || !m_store) return; // screenshots and tests keep the size they ask for
    m_fitted = true;
    // Saved on a bigger screen (or the default size on a small one): frame and all on this screen,
    // now that the frame is known.
    const QScreen* s = screen();
    if (!s) return;
    const QRect available = s->availableGeometry();
    const QSize frame = frameGeometry().size() - size();
    QRect g = frameGeometry();
    g.setSize(g.size().boundedTo(available.size()));
    g.moveLeft(std::clamp(g.left(), available.left(), available.right() + 1 - g.width()));
    g.moveTop(std::clamp(g.top(), available.top(), available.bottom() + 1 - g.height()));
    if (g == frameGeometry()) return;
    resize(g.size() - frame);
    move(g.topLeft());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSession();
    if (m_tray && m_tray->isVisible()) {
        hide(); // to the tray: the alerts keep watching until Quit
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::enableAlerts()
{
    if (m_alerts) return;
    auto* notifier = new kiq::health::DesktopNotifier(this);
    notifier->setActionLabels(tr("Acknowledge"), tr("Snooze 1 hour"));
    m_alerts = new AlertCenter(m_model, notifier, this);
    connect(m_alerts, &AlertCenter::webhookFailed, this,
        [this](const QString& why) { statusBar()->showMessage(tr("Alert webhook failed: %1").arg(why), 15000); });
    m_tray = new TrayIcon(m_alerts, this, this);
    if (!TrayIcon::available()) return;
    m_tray->show();
    qApp->setQuitOnLastWindowClosed(false);
}

void MainWindow::saveSession() const
{
    if (!m_store) return;
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/sidebar"), m_splitter->saveState());
    const Deployment* d = currentDeployment();
    settings.setValue(QStringLiteral("window/deployment"), d ? d->profile().id : QString());
    const DeploymentView* view = currentView();
    if (!view) return;
    if (const DeploymentPage* page = view->currentPage())
        settings.setValue(QStringLiteral("window/page"), QLatin1String(page->metaObject()->className()));
    for (const DeploymentPage* page : view->pages()) {
        const auto splitters = page->findChildren<QSplitter*>();
        for (int i = 0; i < splitters.size(); ++i) settings.setValue(splitterKey(page, i), splitters[i]->saveState());
    }
}

void MainWindow::restoreSplitters(DeploymentView* view) const
{
    const QSettings settings;
    for (const DeploymentPage* page : view->pages()) {
        const auto splitters = page->findChildren<QSplitter*>();
        for (int i = 0; i < splitters.size(); ++i)
            splitters[i]->restoreState(settings.value(splitterKey(page, i)).toByteArray());
    }
}

QWidget* MainWindow::buildSidebar()
{
    auto* box = new QWidget(this);
    auto* title = new QLabel(tr("Deployments"), box);
    QFont f = title->font();
    f.setBold(true);
    title->setFont(f);
    m_fleetButton = new QToolButton(box);
    m_fleetButton->setObjectName(QStringLiteral("fleetButton"));
    m_fleetButton->setText(tr("Fleet"));
    m_fleetButton->setToolTip(tr("Fleet overview: every deployment at a glance (%1)")
                                  .arg(QKeySequence(Qt::CTRL | Qt::Key_0).toString(QKeySequence::NativeText)));
    m_fleetButton->setCheckable(true);
    m_fleetButton->setAutoRaise(true);
    connect(m_fleetButton, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            showFleet();
        else
            currentRowChanged(m_sidebar->currentIndex().row());
    });
    auto* add = new QToolButton(box);
    add->setText(QStringLiteral("+"));
    add->setToolTip(
        tr("New connection (%1)").arg(QKeySequence(Qt::CTRL | Qt::Key_N).toString(QKeySequence::NativeText)));
    add->setAutoRaise(true);
    connect(add, &QToolButton::clicked, this, &MainWindow::newConnection);

    m_sidebar = new QListView(box);
    m_sidebar->setObjectName(QStringLiteral("deploymentList"));
    m_sidebar->setModel(m_model);
    m_sidebar->setItemDelegate(new DeploymentDelegate(m_sidebar));
    m_sidebar->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sidebar->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sidebar->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_sidebar->setUniformItemSizes(true);
    m_sidebar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // names elide instead
    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { currentRowChanged(current.row()); });
    // Clicking the selected deployment while the fleet is shown goes back to it.
    connect(m_sidebar, &QListView::clicked, this, [this](const QModelIndex& index) {
        if (m_views->currentWidget() == m_fleet) currentRowChanged(index.row());
    });

    auto* header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(m_fleetButton);
    header->addWidget(add);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(8, 8, 0, 8);
    layout->addLayout(header);
    layout->addWidget(m_sidebar);
    box->setMinimumWidth(200);
    return box;
}

QWidget* MainWindow::buildEmptyState()
{
    // Not a page: what the window says when there is no deployment at all.
    auto* box = new QWidget(this);
    auto* label = new QLabel(tr("No connection yet."), box);
    label->setAlignment(Qt::AlignCenter);
    auto* add = new QPushButton(tr("Add a connection…"), box);
    connect(add, &QPushButton::clicked, this, &MainWindow::newConnection);
    auto* layout = new QVBoxLayout(box);
    layout->addStretch(1);
    layout->addWidget(label);
    layout->addWidget(add, 0, Qt::AlignCenter);
    layout->addStretch(1);
    return box;
}

void MainWindow::setLanguages(const QStringList& codes, const QString& chosen)
{
    m_languageMenu->clear();
    // The widgets already built keep their texts: say so before the choice, not after it.
    m_languageMenu->addAction(tr("Takes effect after restart"))->setEnabled(false);
    m_languageMenu->addSeparator();
    QList<std::pair<QString, QString>> entries {{QString(), tr("System language")}};
    for (const QString& code : codes) entries.append({code, languageDisplayName(code)});
    for (const auto& [code, name] : entries) {
        QAction* a = m_languageMenu->addAction(name);
        a->setCheckable(true);
        a->setChecked(code == chosen);
        a->setData(code);
        m_languageGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { emit languageChosen(code); });
    }
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newConnection = file->addAction(tr("&New connection…"), this, &MainWindow::newConnection);
    newConnection->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    m_editConnection = file->addAction(tr("&Edit connection…"), this, &MainWindow::editCurrentConnection);
    m_editConnection->setObjectName(QStringLiteral("editConnectionAction"));
    m_diagnoseConnection = file->addAction(tr("&Diagnose connection…"), this, &MainWindow::diagnoseCurrentConnection);
    m_diagnoseConnection->setObjectName(QStringLiteral("diagnoseConnectionAction"));
    m_removeConnection = file->addAction(tr("&Remove connection"), this, &MainWindow::removeCurrentConnection);
    m_removeConnection->setObjectName(QStringLiteral("removeConnectionAction"));
    m_incidentSnapshot = file->addAction(tr("Incident &snapshot…"), this, &MainWindow::showIncidentSnapshot);
    m_incidentSnapshot->setObjectName(QStringLiteral("incidentSnapshotAction"));
    file->addSeparator();
    QAction* exportAction = file->addAction(tr("E&xport profiles…"), this, &MainWindow::exportProfiles);
    QAction* importAction = file->addAction(tr("&Import profiles…"), this, &MainWindow::importProfiles);
    for (QAction* a : {exportAction, importAction}) {
        a->setEnabled(m_store != nullptr); // screenshots and tests without a store save nothing
        a->setToolTip(tr("Profiles travel without their secrets: only where each comes from"));
    }
    file->setToolTipsVisible(true); // a disabled entry says why
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q)); // explicit: some platform themes map Quit to nothing
    m_sidebar->addActions({m_editConnection, m_diagnoseConnection, m_removeConnection});
    updateConnectionActions();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshCurrentPage);
    refresh->setShortcut(Qt::Key_F5);
    QAction* fleet = view->addAction(tr("&Fleet overview"), this, &MainWindow::showFleet);
    fleet->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* palette = view->addAction(tr("&Command palette…"), this, &MainWindow::showCommandPalette);
    palette->setObjectName(QStringLiteral("commandPaletteAction"));
    palette->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    QAction* find = view->addAction(tr("Find in &all deployments…"), this, &MainWindow::showFleetSearch);
    find->setObjectName(QStringLiteral("fleetSearchAction"));
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    for (auto [t, text] : {std::pair {Theme::System, tr("&System")}, std::pair {Theme::Light, tr("&Light")},
             std::pair {Theme::Dark, tr("&Dark")}}) {
        QAction* a = theme->addAction(text);
        a->setCheckable(true);
        a->setChecked(t == currentTheme());
        a->setData(int(t));
        m_themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] {
            setTheme(t);
            emit themeChosen(t);
        });
    }
    m_languageMenu = view->addMenu(tr("&Language"));
    m_languageMenu->setObjectName(QStringLiteral("languageMenu"));
    m_languageGroup = new QActionGroup(this);
    setLanguages({}, QString());

    // Ctrl+1 … Ctrl+9: window-wide actions, not menu entries (nine numbered items would crowd a menu).
    for (int i = 0; i < kNumberedShortcuts; ++i) {
        auto* go = new QAction(tr("Switch to deployment %1").arg(i + 1), this);
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { selectDeployment(i); });
        addAction(go);
    }
    // As in browsers: Ctrl+Tab walks the deployment's pages; Ctrl+PgDn the tabs inside a page (the
    // pages where it has none), so both stay reachable from a page that has tabs of its own.
    struct Switch {
        QString text;
        QKeySequence key;
        bool inPage;
        int step;
    };
    QList<QAction*> switches;
    for (const Switch& s : {Switch {tr("Next page"), QKeySequence(Qt::CTRL | Qt::Key_Tab), false, 1},
             Switch {tr("Previous page"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), false, -1},
             Switch {tr("Next tab in the page"), QKeySequence(Qt::CTRL | Qt::Key_PageDown), true, 1},
             Switch {tr("Previous tab in the page"), QKeySequence(Qt::CTRL | Qt::Key_PageUp), true, -1}}) {
        auto* a = new QAction(s.text, this);
        a->setShortcut(s.key);
        connect(a, &QAction::triggered, this, [this, inPage = s.inPage, step = s.step] {
            DeploymentView* view = isFleetShown() ? nullptr : currentView();
            if (view && inPage)
                view->switchTab(step);
            else if (view)
                view->switchPage(step);
        });
        addAction(a);
        switches << a;
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* shortcuts = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    shortcuts->setShortcut(QKeySequence(Qt::Key_F1));
    help->addAction(tr("&About Kiqdesk"), this, &MainWindow::showAbout);

    m_shortcutActions
        = QList<QAction*> {newConnection, refresh, fleet, palette, find} + switches + QList<QAction*> {shortcuts, quit};
}

Deployment* MainWindow::addDeployment(const kiq::deployment::ConnectionProfile& profile, bool persistent)
{
    if (persistent && m_store) m_store->put(profile); // the store drops the passwords
    Deployment* d = insertDeployment(profile, persistent);
    if (m_model->rowCount() == 1) selectDeployment(0);
    return d;
}

void MainWindow::loadSavedProfiles()
{
    if (!m_store) return;
    for (const auto& profile : m_store->load()) insertDeployment(profile, true);
    if (!currentDeployment() && m_model->rowCount() > 0) selectDeployment(0);
}

Deployment* MainWindow::insertDeployment(const kiq::deployment::ConnectionProfile& profile, bool persistent)
{
    auto* d = new Deployment(profile, persistent, this);
    auto* view = new DeploymentView(d, deploymentPages(), m_views);
    m_viewOf.insert(d, view);
    m_views->addWidget(view);
    connect(view, &DeploymentView::connectRequested, this, &MainWindow::connectDeployment);
    connect(view, &DeploymentView::replayRequested, this, &MainWindow::openReplay);
    connect(d, &Deployment::profileChanged, this, &MainWindow::updateTitle);
    m_model->append(d);
    // Without a password to ask for there is no reason to wait until the user selects it.
    if (!d->needsPassword()) d->connectNow();
    if (m_store) {
        restoreSplitters(view);
        if (!m_restoreId.isEmpty() && profile.id == m_restoreId) {
            m_restoreId.clear();
            for (int i = 0; i < view->pages().size(); ++i)
                if (QLatin1String(view->pages()[i]->metaObject()->className()) == m_restorePage)
                    view->setCurrentPage(i);
            selectDeployment(m_model->rowOf(d));
        }
    }
    return d;
}

int MainWindow::deploymentCount() const
{
    return m_model->rowCount();
}

Deployment* MainWindow::deployment(int index) const
{
    return m_model->at(index);
}

Deployment* MainWindow::currentDeployment() const
{
    return m_model->at(m_sidebar->currentIndex().row());
}

DeploymentView* MainWindow::currentView() const
{
    return viewOf(currentDeployment());
}

DeploymentView* MainWindow::viewOf(const Deployment* deployment) const
{
    return m_viewOf.value(deployment, nullptr);
}

void MainWindow::selectDeployment(int index)
{
    if (index < 0 || index >= m_model->rowCount()) return;
    if (m_sidebar->currentIndex().row() == index)
        currentRowChanged(index); // back from the fleet view
    else
        m_sidebar->setCurrentIndex(m_model->index(index));
}

void MainWindow::showFleetSearch()
{
    if (!m_fleetSearch) {
        m_fleetSearch = new FleetSearchDialog(m_model, this);
        connect(m_fleetSearch, &FleetSearchDialog::hitActivated, this, &MainWindow::openSearchHit);
    }
    m_fleetSearch->show();
    m_fleetSearch->raise();
    m_fleetSearch->activateWindow();
    m_fleetSearch->queryEdit()->setFocus(Qt::ShortcutFocusReason);
    m_fleetSearch->queryEdit()->selectAll();
}

void MainWindow::openSearchHit(const FleetSearchHit& hit)
{
    Deployment* d = hit.deployment;
    if (!d) return; // removed since the search
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->at(row) != d) continue;
        selectDeployment(row);
        if (DeploymentView* view = viewOf(d)) view->showSearchHit(hit.hit);
        raise();
        activateWindow();
        return;
    }
}

void MainWindow::showIncidentSnapshot()
{
    Deployment* d = currentDeployment();
    if (!d) return;
    const QList<std::pair<QString, double>> windows {{tr("Last 15 minutes"), 900}, {tr("Last hour"), 3600},
        {tr("Last 6 hours"), 6 * 3600}, {tr("Last 24 hours"), 24 * 3600}};
    QStringList names;
    for (const auto& w : windows) names << w.first;
    bool ok = false;
    const QString chosen = QInputDialog::getItem(
        this, tr("Incident snapshot"), tr("Counters, failures, slow log and audit entries of:"), names, 1, false, &ok);
    if (!ok) return;
    const double window = windows.at(names.indexOf(chosen)).second;
    QString name = d->profile().name;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")), QStringLiteral("-"));
    const QString suggested
        = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
              .filePath(
                  QStringLiteral("kiqdesk-snapshot-%1-%2.tar.gz")
                      .arg(name, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save incident snapshot"), suggested, tr("Compressed archives (*.tar.gz)"));
    if (!path.isEmpty()) takeIncidentSnapshotTo(path, window);
}

void MainWindow::takeIncidentSnapshotTo(const QString& path, double windowSeconds)
{
    DeploymentView* view = currentView();
    if (!view) return;
    statusBar()->showMessage(tr("Taking the incident snapshot of %1…").arg(view->deployment()->profile().name));
    takeIncidentSnapshot(view, path, windowSeconds, this, [this, path](const IncidentSnapshotResult& r) {
        if (!r.error.isEmpty())
            statusBar()->showMessage(tr("The incident snapshot was not written: %1").arg(r.error), 15000);
        else if (r.missing.isEmpty())
            statusBar()->showMessage(tr("Incident snapshot written to %1").arg(path), 15000);
        else
            statusBar()->showMessage(
                tr("Incident snapshot written to %1, without: %2").arg(path, r.missing.join(QStringLiteral("; "))),
                15000);
        emit incidentSnapshotWritten(path, r.error, r.missing);
    });
}

void MainWindow::showFleet()
{
    m_views->setCurrentWidget(m_fleet);
    m_fleetButton->setChecked(true);
    updateTitle();
}

bool MainWindow::isFleetShown() const
{
    return m_views->currentWidget() == m_fleet;
}

void MainWindow::updateConnectionActions()
{
    if (!m_editConnection) return; // the sidebar is built before the menus
    const bool any = currentDeployment() != nullptr;
    const QString why
        = m_model->rowCount() == 0 ? tr("There is no connection yet") : tr("Select a connection in the sidebar first");
    m_editConnection->setEnabled(any);
    m_editConnection->setToolTip(any ? tr("Edit the selected connection") : why);
    m_diagnoseConnection->setEnabled(any);
    m_diagnoseConnection->setToolTip(any
            ? tr("Take the selected connection apart step by step: DNS, TCP, TLS, certificates, AUTH, permissions")
            : why);
    m_removeConnection->setEnabled(any);
    m_incidentSnapshot->setEnabled(any);
    m_incidentSnapshot->setToolTip(any ? tr("Counters, charts, failure groups, processes, INFO, slow log, clients, "
                                            "audit entries and health checks of the selected connection, redacted, "
                                            "in one .tar.gz")
                                       : why);
    m_removeConnection->setToolTip(any ? tr("Remove the selected connection from Kiqdesk") : why);
}

void MainWindow::currentRowChanged(int row)
{
    updateConnectionActions();
    m_fleetButton->setChecked(false);
    Deployment* d = m_model->at(row);
    m_views->setCurrentWidget(d ? static_cast<QWidget*>(viewOf(d)) : m_emptyState);
    updateTitle();
    if (d && !d->client() && d->status() == Deployment::Status::Disconnected) connectDeployment(d);
}

void MainWindow::openReplay(
    Deployment* source, kiq::sidekiq::JobSetKind kind, const std::vector<kiq::sidekiq::IndexedJobKey>& keys)
{
    auto* dialog = new ReplayDialog(source, m_model->deployments(), kind, keys, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ReplayDialog::replayed, this,
        [this](const QString& notice) { statusBar()->showMessage(notice, 15000); });
    dialog->open();
}

void MainWindow::connectDeployment(Deployment* d)
{
    if (!d->needsPassword()) return d->connectNow();
    // The keychain and the helper answer asynchronously; only what they do not give is asked.
    QPointer<Deployment> guard(d);
    kiq::credentials::resolveSecrets(d->profile(), d, [this, guard](kiq::credentials::Resolution r) {
        if (!guard) return;
        Deployment* d = guard;
        if (r.error) return d->credentialsFailed(QString::fromStdString(*r.error));
        if (r.webhookError)
            statusBar()->showMessage(
                tr("Alert webhook failed: %1").arg(QString::fromStdString(*r.webhookError)), 15000);
        if (!r.toAsk.empty() && !m_passwordPrompts) return;
        const auto& p = r.profile;
        const QString title = tr("Connect to %1").arg(p.name);
        // Why the keychain did not answer (not reachable, nothing stored yet), above the prompt.
        const QString why = r.notes.join(QLatin1Char('\n'));
        for (const auto secret : r.toAsk) {
            std::optional<QString> typed;
            switch (secret) {
            case kiq::credentials::Secret::Password: {
                const QString user
                    = p.options.user.empty() ? tr("the default user") : QString::fromStdString(p.options.user);
                typed = askPassword(this, title, tr("%1 on %2").arg(user, p.name), why);
                break;
            }
            case kiq::credentials::Secret::SentinelPassword:
                typed = askPassword(this, title, tr("the sentinels of %1").arg(p.name), why);
                break;
            case kiq::credentials::Secret::KeyPassphrase:
                typed = askKeyPassphrase(this, title,
                    QString::fromStdString(
                        p.options.tls.keyFile.empty() ? p.options.tls.certFile : p.options.tls.keyFile),
                    why);
                break;
            case kiq::credentials::Secret::WebhookUrl:
                typed = askWebhookUrl(this, title, p.name, why);
                break;
            }
            if (!typed || !guard) return;
            r.profile.secretValue(secret) = typed->toStdString();
        }
        // Typed once for a keychain source: kept there from now on (a failure only costs asking again).
        for (const auto secret : r.keychainMisses)
            kiq::credentials::keychain::write(r.profile.id, secret, r.profile.secretValue(secret), this, [](auto) {});
        d->applyResolution(r);
        d->connectNow();
    });
}

void MainWindow::newConnection()
{
    ConnectionDialog dialog(this);
    dialog.setWindowTitle(tr("New connection"));
    if (dialog.exec() != QDialog::Accepted) return;
    Deployment* d = addDeployment(dialog.profile(), true);
    selectDeployment(m_model->rowOf(d));
}

void MainWindow::editCurrentConnection()
{
    Deployment* d = currentDeployment();
    if (!d) return;
    ConnectionDialog dialog(this);
    dialog.setWindowTitle(tr("Edit %1").arg(d->profile().name));
    auto profile = d->profile();
    // Re-offer the password typed this session, so saving an unrelated change does not drop it.
    dialog.setProfile(profile);
    if (dialog.exec() != QDialog::Accepted) return;
    const auto edited = dialog.profile();
    d->setProfile(edited);
    if (d->isPersistent() && m_store) m_store->put(edited);
    if (!d->client() && !d->needsPassword()) d->connectNow();
}

void MainWindow::diagnoseCurrentConnection()
{
    Deployment* d = currentDeployment();
    if (!d) return;
    auto* doctor = new DoctorDialog(d->profile(), this);
    doctor->setAttribute(Qt::WA_DeleteOnClose);
    doctor->show();
}

void MainWindow::removeCurrentConnection()
{
    Deployment* d = currentDeployment();
    if (!d) return;
    const auto answer = QMessageBox::question(this, tr("Remove connection"),
        tr("Remove “%1” from Kiqdesk? The Redis server and its data are not touched.").arg(d->profile().name));
    if (answer != QMessageBox::Yes) return;
    if (d->isPersistent() && m_store) m_store->remove(d->profile().id);
    m_model->remove(d);
    delete m_viewOf.take(d); // before the deployment: its pages hold the client pointer
    d->deleteLater();
    currentRowChanged(m_sidebar->currentIndex().row());
}

void MainWindow::exportProfiles()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export profiles"),
        QDir::home().filePath(QStringLiteral("kiqdesk-profiles.json")), tr("Kiqdesk profiles (*.json)"));
    if (!path.isEmpty()) exportProfilesTo(path);
}

void MainWindow::exportProfilesTo(const QString& path)
{
    if (!m_store) return;
    const auto profiles = m_store->load();
    runOffThread(
        this, [path, bytes = kiq::storage::writeProfilesFile(profiles)] { return kiq::util::saveFile(path, bytes); },
        [path, count = int(profiles.size())](MainWindow* self, const QString& error) {
            if (error.isEmpty())
                self->statusBar()->showMessage(tr("Exported %n profile(s) to %1", "", count).arg(path), 10000);
            else
                QMessageBox::warning(self, tr("Export profiles"), tr("Could not write %1: %2").arg(path, error));
            emit self->profilesExported(path, count, error);
        });
}

void MainWindow::importProfiles()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import profiles"), QDir::homePath(), tr("Kiqdesk profiles (*.json);;All files (*)"));
    if (!path.isEmpty()) importProfilesFrom(path);
}

void MainWindow::importProfilesFrom(const QString& path)
{
    if (!m_store) return;
    runOffThread(
        this,
        [path] {
            QFile file(path);
            kiq::storage::ProfilesFileRead read;
            if (file.open(QIODevice::ReadOnly))
                read = kiq::storage::readProfilesFile(file.readAll());
            else
                read.error = file.errorString();
            return read;
        },
        [path](MainWindow* self, const kiq::storage::ProfilesFileRead& read) {
            if (!read.error.isEmpty()) {
                QMessageBox::warning(self, tr("Import profiles"), tr("Could not import %1: %2").arg(path, read.error));
                return;
            }
            self->applyImport(path, read.profiles);
        });
}

void MainWindow::applyImport(const QString& path, const QList<kiq::deployment::ConnectionProfile>& incoming)
{
    using Kind = kiq::storage::ProfileChange::Kind;
    const auto saved = m_store->load();
    const auto changes = kiq::storage::importChanges(saved, incoming);
    QStringList lines;
    int toApply = 0;
    for (const auto& c : changes) {
        if (c.kind == Kind::Added) lines << tr("New: %1").arg(c.name);
        if (c.kind == Kind::Changed) lines << tr("Replaced: %1 (%2)").arg(c.name, c.fields.join(QStringLiteral(", ")));
        if (c.kind == Kind::Unchanged) lines << tr("Unchanged: %1").arg(c.name);
        toApply += c.kind != Kind::Unchanged;
    }
    if (toApply == 0) {
        QMessageBox::information(this, tr("Import profiles"), tr("Every profile in %1 is saved already.").arg(path));
        return;
    }
    QMessageBox preview(QMessageBox::Question, tr("Import profiles"),
        tr("Import %n profile(s) from %1?", "", toApply).arg(QFileInfo(path).fileName()), QMessageBox::Cancel, this);
    preview.setObjectName(QStringLiteral("importPreview"));
    preview.setInformativeText(lines.join(u'\n'));
    QPushButton* apply = preview.addButton(tr("Import"), QMessageBox::AcceptRole);
    preview.setDefaultButton(QMessageBox::Cancel);
    preview.exec();
    if (preview.clickedButton() != apply) return;

    m_store->save(kiq::storage::mergeById(saved, incoming));
    for (int i = 0; i < changes.size(); ++i) {
        if (changes[i].kind == Kind::Unchanged) continue;
        auto profile = incoming[i];
        Deployment* open = nullptr;
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->at(row)->profile().id == profile.id) open = m_model->at(row);
        if (!open) {
            insertDeployment(profile, true);
            continue;
        }
        // The same deployment: secrets typed this session stay (the file has none); a server that
        // refuses them asks again.
        for (const auto secret : kiq::credentials::kAllSecrets)
            profile.secretValue(secret) = open->profile().secretValue(secret);
        open->setProfile(profile);
    }
    if (!currentDeployment() && m_model->rowCount() > 0) selectDeployment(0);
}

void MainWindow::refreshCurrentPage()
{
    if (isFleetShown()) {
        m_fleet->refresh();
        return;
    }
    Deployment* d = currentDeployment();
    if (!d) return;
    // Without a client (never connected, or the password was refused) there is nothing to refresh:
    // F5 does what the view's Connect button does, asking for the password if one is needed.
    if (!d->client())
        connectDeployment(d);
    else if (DeploymentView* view = viewOf(d))
        view->refreshCurrentPage();
}

void MainWindow::setTheme(Theme theme)
{
    applyTheme(theme);
    for (QAction* a : m_themeGroup->actions()) a->setChecked(Theme(a->data().toInt()) == theme);
}

void MainWindow::showCommandPalette()
{
    std::vector<PaletteEntry> entries;
    // Every menu entry that can be chosen now, named with its menu ("File › Export profiles…").
    std::function<void(QMenu*, const QString&)> addMenu = [&](QMenu* menu, const QString& path) {
        for (QAction* a : menu->actions()) {
            const QString text = QString(a->text()).remove(QLatin1Char('&'));
            if (a->isSeparator() || !a->isEnabled() || text.isEmpty()) continue;
            if (a->menu()) {
                addMenu(a->menu(), path + text + QStringLiteral(" › "));
                continue;
            }
            entries.push_back(
                {path + text, a->shortcut().toString(QKeySequence::NativeText), [a = QPointer<QAction>(a)] {
                     if (a) a->trigger();
                 }});
        }
    };
    for (QAction* top : menuBar()->actions())
        if (top->menu()) addMenu(top->menu(), QString(top->text()).remove(QLatin1Char('&')) + QStringLiteral(" › "));
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const Deployment* d = m_model->at(row);
        entries.push_back({tr("Deployment: %1").arg(d->profile().name),
            QString::fromStdString(d->profile().options.describe()), [this, row] { selectDeployment(row); }});
    }
    if (Deployment* d = currentDeployment()) {
        const QList<DeploymentPage*>& pages = m_viewOf.value(d)->pages();
        for (int i = 0; i < pages.size(); ++i)
            entries.push_back(
                {tr("Page: %1").arg(pages[i]->title()), d->profile().name, [this, d = QPointer<Deployment>(d), i] {
                     if (!d) return;
                     selectDeployment(m_model->rowOf(d));
                     if (DeploymentView* view = m_viewOf.value(d)) view->setCurrentPage(i);
                 }});
    }
    auto* dialog = new CommandPalette(std::move(entries), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showShortcuts()
{
    ShortcutsDialog dialog(m_shortcutActions,
        {{tr("Ctrl+1 … Ctrl+9"), tr("Switch to deployment 1 to 9")},
            {tr("Tab, Shift+Tab"), tr("Next or previous control (a table is one stop: arrows move inside it)")},
            // Job pages (Queues, Retries, Dead, Scheduled): these act while the job table has focus.
            {tr("R"), tr("Retry the selected jobs (Scheduled: enqueue now)")},
            {tr("M"), tr("Move the selected jobs to a queue")},
            {tr("K"), tr("Kill the selected jobs (Retries, Scheduled)")}, {tr("Del"), tr("Delete the selected jobs")},
            {tr("Ctrl+F"), tr("Focus the job filter")},
            // Retries and Dead, while the failure-group list has focus.
            {tr("Shift+R"), tr("Retry all in the selected failure group")},
            {tr("Shift+Del"), tr("Delete all in the selected failure group")}},
        this);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Kiqdesk"),
        tr("<b>Kiqdesk</b> %1<br>A desktop console for Sidekiq job systems on Redis.")
            .arg(QApplication::applicationVersion()));
}

void MainWindow::updateTitle()
{
    const Deployment* d = currentDeployment();
    if (isFleetShown())
        setWindowTitle(tr("Fleet overview — Kiqdesk"));
    else
        setWindowTitle(d ? tr("%1 — Kiqdesk").arg(d->profile().name) : tr("Kiqdesk"));
}

} // namespace kiq::ui
