#include "main/PasswordPrompt.h"

#include <QCoreApplication>
#include <QInputDialog>
#include <QLineEdit>

namespace kiq::ui {

namespace {
// One hidden line of text (the three secrets share the dialog); `note` goes above the question.
std::optional<QString> askHidden(QWidget* parent, const QString& title, const QString& label, const QString& note)
{
    bool ok = false;
    const QString text = QInputDialog::getText(parent, title,
        note.isEmpty() ? label : note + QStringLiteral("\n\n") + label, QLineEdit::Password, QString(), &ok);
    if (!ok) return std::nullopt;
    return text;
}
} // namespace

std::optional<QString> askPassword(QWidget* parent, const QString& title, const QString& who, const QString& note)
{
    return askHidden(
        parent, title, QCoreApplication::translate("kiq::ui::PasswordPrompt", "Password for %1:").arg(who), note);
}

std::optional<QString> askKeyPassphrase(
    QWidget* parent, const QString& title, const QString& keyFile, const QString& note)
{
    return askHidden(parent, title,
        QCoreApplication::translate("kiq::ui::PasswordPrompt", "Passphrase of the client key %1:").arg(keyFile), note);
}

std::optional<QString> askWebhookUrl(QWidget* parent, const QString& title, const QString& name, const QString& note)
{
    return askHidden(parent, title,
        QCoreApplication::translate("kiq::ui::PasswordPrompt", "Webhook URL for the alerts of %1:").arg(name), note);
}

} // namespace kiq::ui
