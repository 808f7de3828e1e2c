#pragma once
// Picks a Sidekiq role template, a user name and its password, and shows the rules the role grants
// for this deployment's namespace before they are applied.

#include "acl/SidekiqRoles.h"
#include "write/CliInvocation.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace kiq::ui {

class ApplyRoleDialog final : public QDialog {
    Q_OBJECT
public:
    ApplyRoleDialog(const QString& keyPrefix, QWidget* parent = nullptr);

    kiq::acl::Role role() const;
    QString userName() const;
    QString password() const;
    // Offers "Copy as command" (apply-role, the password left to KIQDESK_ACL_PASSWORD): `copy` puts the
    // line on the clipboard and says what it did (DeploymentPage::copyAsCommand).
    void setCopyCommand(std::function<QString(const kiq::write::CliAction&)> copy);

private:
    void update();

    QString m_prefix;
    QComboBox* m_role;
    QLineEdit* m_name;
    QLineEdit* m_password;
    QLabel* m_description;
    QLabel* m_rules;
    QLabel* m_copied;
    QPushButton* m_copyButton = nullptr;
    std::function<QString(const kiq::write::CliAction&)> m_copy;
};

} // namespace kiq::ui
