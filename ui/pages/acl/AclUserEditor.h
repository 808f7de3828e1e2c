#pragma once
// Creates or edits one ACL user: state, passwords, key and channel patterns, command categories as
// a checkable list and extra command rules. Shows the exact ACL SETUSER line (passwords hashed)
// and its difference to the user's current rules before anything is applied.

#include "acl/AclRules.h"
#include "acl/AclUser.h"
#include "write/CliInvocation.h"

#include <QDialog>

#include <functional>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace kiq::ui {

class StatusLine;
class AclUserEditor final : public QDialog {
    Q_OBJECT
public:
    // `current` is the user being edited, or nullopt for a new one.
    explicit AclUserEditor(std::optional<kiq::acl::AclUser> current, QWidget* parent = nullptr);

    QString userName() const;
    // The rules to apply; nullopt while the form has an error (shown in the dialog).
    std::optional<kiq::acl::AclRules> rules() const;
    // Offers "Copy as command" for the rules in the form: `copy` puts the line on the clipboard and says
    // what it did (DeploymentPage::copyAsCommand).
    void setCopyCommand(std::function<QString(const kiq::write::CliAction&)> copy);

private:
    void updatePreview();
    QString composedRules() const; // everything but the password, which never goes through rule text
    kiq::acl::AclRules parsedRules() const; // throws redis::UsageError

    std::optional<kiq::acl::AclUser> m_current;
    QLineEdit* m_name;
    QCheckBox* m_enabled;
    QLineEdit* m_password;
    QCheckBox* m_resetPasswords;
    QCheckBox* m_noPass;
    QPlainTextEdit* m_keys;
    QPlainTextEdit* m_channels;
    QListWidget* m_categories;
    QLineEdit* m_extra;
    QLabel* m_preview;
    QLabel* m_diff;
    StatusLine* m_error;
    QPushButton* m_applyButton = nullptr;
    QPushButton* m_copyButton = nullptr;
    std::function<QString(const kiq::write::CliAction&)> m_copy;
};

} // namespace kiq::ui
