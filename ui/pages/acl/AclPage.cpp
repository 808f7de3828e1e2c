#include "pages/acl/AclPage.h"

#include "acl/AclService.h"
#include "common/Keyboard.h"
#include "common/StatusLine.h"
#include "pages/acl/AclLogModel.h"
#include "pages/acl/AclUserEditor.h"
#include "pages/acl/AclUsersModel.h"
#include "pages/acl/ApplyRoleDialog.h"
#include "redis/AsyncClient.h"
#include "write/WriteGate.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::acl::NodeOutcome;

namespace {
struct AclSnapshot {
    std::vector<kiq::acl::AclUser> users;
    std::vector<kiq::acl::AclLogEntry> log;
};

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setAlternatingRowColors(true);
    tabLeavesView(view);
    return view;
}

QString describe(const std::vector<NodeOutcome>& outcomes)
{
    QStringList lines;
    for (const auto& o : outcomes)
        lines << QStringLiteral("%1 %2 (%3): %4")
                     .arg(o.ok ? QStringLiteral("✓") : QStringLiteral("✗"), QString::fromStdString(o.node.toString()),
                         o.isPrimary ? AclPage::tr("primary") : AclPage::tr("replica"),
                         QString::fromStdString(o.message));
    return lines.join(QLatin1Char('\n'));
}

bool allOk(const std::vector<NodeOutcome>& outcomes)
{
    return !outcomes.empty()
        && std::all_of(outcomes.begin(), outcomes.end(), [](const NodeOutcome& o) { return o.ok; });
}
} // namespace

AclPage::AclPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_users(new AclUsersModel(this))
    , m_log(new AclLogModel(this))
    , m_userView(makeTable(m_users, this))
    , m_logView(makeTable(m_log, this))
    , m_status(new StatusLine(QStringLiteral("aclStatus"), this))
    , m_result(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("aclPage"));
    auto* create = new QPushButton(tr("New user…"), this);
    auto* edit = new QPushButton(tr("Edit…"), this);
    auto* enable = new QPushButton(tr("Enable"), this);
    auto* disable = new QPushButton(tr("Disable"), this);
    auto* remove = new QPushButton(tr("Delete…"), this);
    auto* role = new QPushButton(tr("Apply Sidekiq role…"), this);
    auto* reset = new QPushButton(tr("Reset log"), this);
    create->setObjectName(QStringLiteral("aclNewUserButton"));
    edit->setObjectName(QStringLiteral("aclEditButton"));
    enable->setObjectName(QStringLiteral("aclEnableButton"));
    disable->setObjectName(QStringLiteral("aclDisableButton"));
    remove->setObjectName(QStringLiteral("aclDeleteButton"));
    role->setObjectName(QStringLiteral("aclApplyRoleButton"));
    reset->setObjectName(QStringLiteral("aclResetLogButton"));
    m_userButtons = {edit, enable, disable, remove};
    m_otherButtons = {create, role, reset};
    connect(create, &QPushButton::clicked, this, [this] { editSelected(true); });
    connect(edit, &QPushButton::clicked, this, [this] { editSelected(false); });
    connect(m_userView, &QTableView::doubleClicked, this, [this, edit] {
        if (edit->isEnabled()) editSelected(false); // the editor only writes: not while read-only
    });
    connect(enable, &QPushButton::clicked, this, [this] {
        if (!selectedUser().isEmpty()) setEnabled(selectedUser(), true);
    });
    connect(disable, &QPushButton::clicked, this, [this] {
        if (!selectedUser().isEmpty()) setEnabled(selectedUser(), false);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString user = selectedUser();
        if (user.isEmpty()) return;
        if (QMessageBox::question(this, tr("Delete ACL user"),
                tr("Delete the ACL user '%1' on every node? Clients logged in as it are disconnected.").arg(user))
            == QMessageBox::Yes)
            deleteUser(user);
    });
    connect(role, &QPushButton::clicked, this, &AclPage::chooseRole);
    connect(reset, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Reset ACL log"), tr("Clear the ACL log on every node?"))
            == QMessageBox::Yes)
            resetLog();
    });

    // The same changes as kiqdesk-cli commands, for a review or a script (allowed while writes are refused).
    auto* copyMenu = new QMenu(this);
    auto addCopy = [&](const QString& text, const char* name,
                       std::function<kiq::write::CliAction(const QString&)> action, bool needsUser = true) {
        QAction* item = copyMenu->addAction(text);
        item->setObjectName(QString::fromLatin1(name));
        connect(item, &QAction::triggered, this, [this, action = std::move(action), needsUser] {
            const QString user = selectedUser();
            if (needsUser && user.isEmpty()) return m_status->showProblemText(tr("Select a user first."));
            m_status->showInfo(copyAsCommand(action(user)));
        });
    };
    addCopy(tr("Enable the selected user"), "copyAclEnableAction",
        [](const QString& u) { return kiq::write::aclSet(u.toStdString(), {"on"}); });
    addCopy(tr("Disable the selected user"), "copyAclDisableAction",
        [](const QString& u) { return kiq::write::aclSet(u.toStdString(), {"off"}); });
    addCopy(tr("Delete the selected user"), "copyAclDeleteAction",
        [](const QString& u) { return kiq::write::aclDelete(u.toStdString()); });
    addCopy(
        tr("Reset the log"), "copyAclResetLogAction", [](const QString&) { return kiq::write::aclLogReset(); }, false);
    auto* copyButton = new QPushButton(tr("Copy as command"), this);
    copyButton->setObjectName(QStringLiteral("aclCopyCommandButton"));
    copyButton->setMenu(copyMenu);

    auto* userButtons = new QHBoxLayout;
    for (QPushButton* b : {create, edit, enable, disable, remove, role}) userButtons->addWidget(b);
    userButtons->addStretch();
    auto* usersTab = new QWidget(this);
    auto* usersLayout = new QVBoxLayout(usersTab);
    usersLayout->addLayout(userButtons);
    usersLayout->addWidget(m_userView, 1);

    auto* logTab = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logTab);
    auto* logButtons = new QHBoxLayout;
    logButtons->addWidget(reset);
    logButtons->addStretch();
    logLayout->addLayout(logButtons);
    logLayout->addWidget(m_logView, 1);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(usersTab, tr("Users"));
    tabs->addTab(logTab, tr("Log"));
    // Beside the tabs, where there is room in every language, and for the actions of both tabs.
    tabs->setCornerWidget(copyButton, Qt::TopRightCorner);
    m_result->setReadOnly(true);
    m_result->setMaximumHeight(150);
    m_result->setPlaceholderText(tr("The result of each change appears here, per node, with the role checks."));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(tabs, 1);
    layout->addWidget(m_result);

    connect(m_userView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AclPage::updateActions);
    connect(m_users, &QAbstractItemModel::modelReset, this, &AclPage::updateActions);
    connect(m_users, &QAbstractItemModel::rowsRemoved, this, &AclPage::updateActions);
    updateActions();
}

void AclPage::updateActions()
{
    // Every button here writes. Disabled with the reason as the tooltip: not connected, then read-only,
    // then what to select.
    const QString blocked = !client() ? tr("Not connected") : writeRefusal();
    for (QPushButton* b : std::as_const(m_otherButtons)) {
        b->setEnabled(blocked.isEmpty());
        b->setToolTip(blocked);
    }
    const bool user = blocked.isEmpty() && m_userView->selectionModel()->hasSelection();
    for (QPushButton* b : std::as_const(m_userButtons)) {
        b->setEnabled(user);
        b->setToolTip(!blocked.isEmpty() ? blocked : user ? QString() : tr("Select a user first"));
    }
}

QString AclPage::title() const
{
    return tr("ACL");
}
QIcon AclPage::icon() const
{
    return style()->standardIcon(QStyle::SP_VistaShield);
}

void AclPage::clientChanged()
{
    m_users->clearRows();
    m_log->clearRows();
    updateActions();
    refresh();
}

void AclPage::refresh()
{
    if (!client()) {
        m_status->showInfo(tr("Not connected."));
        return;
    }
    runFresh<AclSnapshot>(
        [](kiq::redis::Client& c) {
            return AclSnapshot {kiq::acl::listUsers(c), kiq::acl::readAclLog(c, 100)};
        },
        [this](kiq::redis::Result<AclSnapshot> r) {
            if (!r.ok()) {
                m_status->showError(tr("Cannot read ACL users:"), explainError(r.error->message));
                return;
            }
            int risky = 0;
            for (const auto& u : r.value->users) risky += !u.risks().empty();
            m_users->applySnapshot(std::move(r.value->users));
            m_log->applySnapshot(std::move(r.value->log));
            m_status->showInfo(risky ? tr("%n user(s) with risky rights (in red; hover for why).", nullptr, risky)
                                     : tr("%n user(s), none with risky rights.", nullptr, m_users->rowCount()));
        });
}

QString AclPage::selectedUser() const
{
    const auto rows = m_userView->selectionModel()->selectedRows();
    if (rows.isEmpty()) return {};
    return m_users->data(m_users->index(rows.front().row(), AclUsersModel::NameColumn), Qt::DisplayRole).toString();
}

QString AclPage::resultText() const
{
    return m_result->toPlainText();
}

void AclPage::showResult(const QString& text, bool ok)
{
    m_result->setPlainText(text);
    emit changeFinished(ok);
    refresh();
}

void AclPage::applyRules(const QString& user, const kiq::acl::AclRules& rules)
{
    if (!client() || !writeGate()) return;
    auto gate = writeGate();
    client()->run<std::vector<NodeOutcome>>(
        [gate, name = user.toStdString(), rules](
            kiq::redis::Client& c) { return kiq::acl::applyUser(c, *gate, name, rules); },
        this,
        [this, user](kiq::redis::Result<std::vector<NodeOutcome>> r) {
            if (!r.ok())
                return showResult(
                    tr("Could not apply the rules of %1: %2").arg(user, explainError(r.error->message)), false);
            showResult(tr("ACL SETUSER %1\n").arg(user) + describe(*r.value), allOk(*r.value));
        });
}

void AclPage::setEnabled(const QString& user, bool enabled)
{
    kiq::acl::AclRules rules;
    rules.state = enabled ? kiq::acl::AclRules::State::On : kiq::acl::AclRules::State::Off;
    applyRules(user, rules);
}

void AclPage::applyRole(kiq::acl::Role role, const QString& user, const QString& password)
{
    if (!client() || !writeGate()) return;
    auto gate = writeGate();
    struct Outcome {
        std::vector<NodeOutcome> nodes;
        std::vector<kiq::acl::CheckOutcome> checks;
    };
    client()->run<Outcome>(
        [gate, role, name = user.toStdString(), password = password.toStdString()](kiq::redis::Client& c) {
            auto tpl = kiq::acl::roleTemplate(role, c.keyPrefix());
            tpl.rules.state = kiq::acl::AclRules::State::On;
            tpl.rules.addPasswords = {password};
            Outcome out {kiq::acl::applyUser(c, *gate, name, tpl.rules), {}};
            if (allOk(out.nodes)) out.checks = kiq::acl::verifyRole(c, name, tpl);
            return out;
        },
        this,
        [this, user](kiq::redis::Result<Outcome> r) {
            if (!r.ok())
                return showResult(
                    tr("Could not apply the role to %1: %2").arg(user, explainError(r.error->message)), false);
            QStringList lines {describe(r.value->nodes)};
            bool ok = allOk(r.value->nodes);
            for (const auto& c : r.value->checks) {
                QStringList cmd;
                for (const auto& w : c.check.command) cmd << QString::fromStdString(w).left(24);
                const QString verdict = c.passed() ? tr("ok") : tr("FAILED");
                lines << tr("%1 %2 %3%4")
                             .arg(verdict, c.check.mustBeAllowed ? tr("allow") : tr("deny"), cmd.join(QLatin1Char(' ')),
                                 c.passed() || c.allowed ? QString()
                                                         : QStringLiteral(" — ") + QString::fromStdString(c.denial));
                ok = ok && c.passed();
            }
            showResult(lines.join(QLatin1Char('\n')), ok);
        });
}

void AclPage::deleteUser(const QString& user)
{
    if (!client() || !writeGate()) return;
    auto gate = writeGate();
    client()->run<std::vector<NodeOutcome>>(
        [gate, name = user.toStdString()](kiq::redis::Client& c) { return kiq::acl::deleteUser(c, *gate, name); }, this,
        [this, user](kiq::redis::Result<std::vector<NodeOutcome>> r) {
            if (!r.ok())
                return showResult(tr("Could not delete %1: %2").arg(user, explainError(r.error->message)), false);
            showResult(tr("ACL DELUSER %1\n").arg(user) + describe(*r.value), allOk(*r.value));
        });
}

void AclPage::resetLog()
{
    if (!client() || !writeGate()) return;
    auto gate = writeGate();
    client()->run<std::vector<NodeOutcome>>([gate](kiq::redis::Client& c) { return kiq::acl::resetAclLog(c, *gate); },
        this,
        [this](kiq::redis::Result<std::vector<NodeOutcome>> r) {
            if (!r.ok()) return showResult(explainError(r.error->message), false);
            showResult(describe(*r.value), allOk(*r.value));
        });
}

void AclPage::editSelected(bool createNew)
{
    std::optional<kiq::acl::AclUser> current;
    if (!createNew) {
        const QString name = selectedUser();
        if (name.isEmpty()) return;
        for (const auto& u : m_users->rows())
            if (u.name == name.toStdString()) current = u;
    }
    AclUserEditor editor(current, this);
    editor.setCopyCommand([this](const kiq::write::CliAction& action) { return copyAsCommand(action); });
    if (editor.exec() != QDialog::Accepted) return;
    if (auto rules = editor.rules()) applyRules(editor.userName(), *rules);
}

void AclPage::chooseRole()
{
    if (!client()) return;
    ApplyRoleDialog dialog(QString::fromStdString(client()->options().keyPrefix), this);
    dialog.setCopyCommand([this](const kiq::write::CliAction& action) { return copyAsCommand(action); });
    if (dialog.exec() == QDialog::Accepted) applyRole(dialog.role(), dialog.userName(), dialog.password());
}

} // namespace kiq::ui
