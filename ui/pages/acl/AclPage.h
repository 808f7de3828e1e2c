#pragma once
// The ACL page: users with their rights and risks, create/edit/enable/disable/delete through the
// rule editor, Sidekiq role templates applied to every node and verified with ACL DRYRUN, and the
// ACL log with reset. All Redis work goes through core/acl via the deployment's AsyncClient, and
// every change through the deployment's WriteGate.

#include "acl/AclRules.h"
#include "acl/SidekiqRoles.h"
#include "deployment/DeploymentPage.h"

#include <QList>

class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace kiq::ui {

class AclLogModel;
class AclUsersModel;
class StatusLine;

class AclPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit AclPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    // The actions behind the buttons, callable without a dialog (tests, future shortcuts).
    void applyRules(const QString& user, const kiq::acl::AclRules& rules);
    void applyRole(kiq::acl::Role role, const QString& user, const QString& password);
    void setEnabled(const QString& user, bool enabled);
    void deleteUser(const QString& user);
    void resetLog();

    AclUsersModel* usersModel() const { return m_users; }
    AclLogModel* logModel() const { return m_log; }
    QString resultText() const; // what the last change did, per node and per check

signals:
    void changeFinished(bool ok);

protected:
    void clientChanged() override;
    void writesChanged() override { updateActions(); }

private:
    void editSelected(bool createNew);
    void chooseRole();
    QString selectedUser() const;
    void showResult(const QString& text, bool ok);
    void updateActions();

    AclUsersModel* m_users;
    AclLogModel* m_log;
    QTableView* m_userView;
    QTableView* m_logView;
    StatusLine* m_status;
    QPlainTextEdit* m_result;
    QList<QPushButton*> m_userButtons; // act on the selected user
    QList<QPushButton*> m_otherButtons;
};

} // namespace kiq::ui
