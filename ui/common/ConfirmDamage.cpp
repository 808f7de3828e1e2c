#include "common/ConfirmDamage.h"

#include <QCoreApplication>
#include <QInputDialog>
#include <QMessageBox>

namespace kiq::ui {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("kiq::ui::ConfirmDamage", text);
}
} // namespace

bool confirmDamage(QWidget* parent, const QString& title, const QString& what, long long count)
{
    if (count <= 0) return false;
    if (count <= kTypeThreshold)
        return QMessageBox::question(parent, title, what, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            == QMessageBox::Yes;
    bool ok = false;
    const QString typed = QInputDialog::getText(parent, title,
        what + QStringLiteral("\n\n") + tr("Type %1 to confirm.").arg(count), QLineEdit::Normal, {}, &ok);
    return ok && typed.trimmed() == QString::number(count);
}

} // namespace kiq::ui
