#pragma once
// Asks for a deployment's password at connect time, when its source is "ask", or the keychain did not
// have it (see credentials/SecretResolver.h). Profiles never store passwords.

#include <QString>

#include <optional>

class QWidget;

namespace kiq::ui {

// nullopt when the user cancels. `who` names the account, e.g. "ops on Billing production".
// `note` (why the keychain did not give it, say) is shown above the question.
std::optional<QString> askPassword(QWidget* parent, const QString& title, const QString& who, const QString& note = {});
// The same for the passphrase of an encrypted client key (mTLS); `keyFile` is shown.
std::optional<QString> askKeyPassphrase(
    QWidget* parent, const QString& title, const QString& keyFile, const QString& note = {});
// The URL the deployment `name`'s alerts are posted to (it holds the chat tool's token: typed hidden).
std::optional<QString> askWebhookUrl(
    QWidget* parent, const QString& title, const QString& name, const QString& note = {});

} // namespace kiq::ui
