#pragma once
// Picks a Sidekiq role template, a user name and its password, and shows the rules the role grants
// for this deployment's namespace before they are applied.

#include "acl/SidekiqRoles.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace kiq::ui {

class ApplyRoleDialog final : public QDialog {
    Q_OBJECT
public:
    ApplyRoleDialog(const QString& keyPrefix, QWidget* parent = nullptr);

    kiq::acl::Role role() const;
    QString userName() const;
    QString password() const;

private:
    void update();

    QString m_prefix;
    QComboBox* m_role;
    QLineEdit* m_name;
    QLineEdit* m_password;
    QLabel* m_description;
    QLabel* m_rules;
};

} // namespace kiq::ui
