#include "common/StaleDataText.h"

#include <QCoreApplication>

namespace kiq::ui {

QString staleDataText(const QString& error, const QElapsedTimer& sinceLastLoad)
{
    if (!sinceLastLoad.isValid())
        return QCoreApplication::translate("StaleDataText", "<b>Could not load:</b> %1").arg(error.toHtmlEscaped());
    return QCoreApplication::translate("StaleDataText", "<b>Could not refresh:</b> %1 (showing data from %2 s ago)")
        .arg(error.toHtmlEscaped())
        .arg(sinceLastLoad.elapsed() / 1000);
}

} // namespace kiq::ui
