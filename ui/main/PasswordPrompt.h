#pragma once
// Asks for a deployment's password at connect time. Profiles never store passwords, so this is the
// only way one enters the app besides the connection dialog.

#include <QString>

#include <optional>

class QWidget;

namespace kiq::ui {

// nullopt when the user cancels. `who` names the account, e.g. "ops on Billing production".
std::optional<QString> askPassword(QWidget* parent, const QString& title, const QString& who);
// The same for the passphrase of an encrypted client key (mTLS); `keyFile` is shown.
std::optional<QString> askKeyPassphrase(QWidget* parent, const QString& title, const QString& keyFile);

} // namespace kiq::ui
