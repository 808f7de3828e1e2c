#pragma once
// The app's English translation (kiqdesk_en.qm: the plural forms of the %n messages), loaded the way
// main() loads the translation of the system locale, for GUI tests that read English counts ("1 process",
// not "1 process(es)"). The test's target gets KIQ_EN_QM from kiq_use_english_translation() in
// tests/CMakeLists.txt.

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocale>
#include <QTranslator>

namespace kiq::test {

inline bool installEnglishTranslation(QTranslator& translator)
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    return translator.load(QLocale(), QStringLiteral("kiqdesk"), QStringLiteral("_"),
               QFileInfo(QStringLiteral(KIQ_EN_QM)).absolutePath())
        && QCoreApplication::installTranslator(&translator);
}

} // namespace kiq::test
