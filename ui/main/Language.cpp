#include "main/Language.h"

namespace kiq::ui {

QString languageSettingKey()
{
    return QStringLiteral("ui/language");
}

QLocale languageLocale(const QString& setting)
{
    if (setting.isEmpty()) return QLocale::system();
    const QLocale chosen(setting);
    // QLocale turns a code it does not know into the C locale: a hand-edited or stale setting.
    return chosen.language() == QLocale::C ? QLocale::system() : chosen;
}

QString languageDisplayName(const QString& code)
{
    const QLocale locale(code);
    QString name = locale.nativeLanguageName();
    // A territory in the code ("pt_BR", "zh_CN") is part of the choice; "en" alone is just English.
    if (code.contains(u'_'))
        name += QStringLiteral(" (%1)").arg(locale.nativeTerritoryName());
    else if (locale.language() == QLocale::English)
        name = QStringLiteral("English");
    if (!name.isEmpty()) name[0] = name[0].toUpper();
    return name;
}

} // namespace kiq::ui
