#pragma once
// The interface language: the system locale's, or the one picked in View → Language and kept in
// QSettings under languageSettingKey() ("" is the system's, else a translation's code: "de", "pt_BR").
// main() reads it before it builds any widget and installs the translators for it; a change applies at
// the next start, because the widgets already built keep their texts.

#include <QLocale>
#include <QString>

namespace kiq::ui {

QString languageSettingKey(); // "ui/language"

// The locale the translators and number formats follow: the chosen language, or the system's when
// nothing (or a code QLocale does not know) is chosen.
QLocale languageLocale(const QString& setting);

// The name a language goes by in its own words, for the menu ("Deutsch", "日本語", "português (Brasil)").
QString languageDisplayName(const QString& code);

} // namespace kiq::ui
