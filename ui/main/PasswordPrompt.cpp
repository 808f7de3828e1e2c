#include "main/PasswordPrompt.h"

#include <QCoreApplication>
#include <QInputDialog>
#include <QLineEdit>

namespace kiq::ui {

namespace {
QString withNote(const QString& note, const QString& label)
{
    return note.isEmpty() ? label : note + QStringLiteral("\n\n") + label;
}
} // namespace

std::optional<QString> askPassword(QWidget* parent, const QString& title, const QString& who, const QString& note)
{
    bool ok = false;
    const QString text = QInputDialog::getText(parent, title,
        withNote(note, QCoreApplication::translate("kiq::ui::PasswordPrompt", "Password for %1:").arg(who)),
        QLineEdit::Password, QString(), &ok);
    if (!ok) return std::nullopt;
    return text;
}

std::optional<QString> askKeyPassphrase(
    QWidget* parent, const QString& title, const QString& keyFile, const QString& note)
{
    bool ok = false;
    const QString text = QInputDialog::getText(parent, title,
        withNote(note,
            QCoreApplication::translate("kiq::ui::PasswordPrompt", "Passphrase of the client key %1:").arg(keyFile)),
        QLineEdit::Password, QString(), &ok);
    if (!ok) return std::nullopt;
    return text;
}

std::optional<QString> askWebhookUrl(QWidget* parent, const QString& title, const QString& name, const QString& note)
{
    bool ok = false;
    const QString text = QInputDialog::getText(parent, title,
        withNote(note,
            QCoreApplication::translate("kiq::ui::PasswordPrompt", "Webhook URL for the alerts of %1:").arg(name)),
        QLineEdit::Password, QString(), &ok);
    if (!ok) return std::nullopt;
    return text;
}

} // namespace kiq::ui
