#pragma once
// Light, dark or the system's look. System (the default) leaves the platform's style and palette
// alone, so Kiqdesk follows the desktop; Light and Dark use Fusion with a fixed palette, because
// only Fusion honours a custom palette on every platform. In every theme the style's standard icons
// (page tabs, buttons) that would nearly vanish on the window colour are drawn lightness-inverted.

#include <QPalette>
#include <QString>

namespace kiq::ui {

enum class Theme { System, Light, Dark };

// Applies the theme to the running QApplication. The first call records the platform's own style and
// palette, so switching back to System restores them; call it once early (main does) even for System.
void applyTheme(Theme theme);
Theme currentTheme();

QString themeKey(Theme theme); // "system", "light", "dark": for QSettings and --theme
Theme themeFromKey(const QString& key);

QPalette darkPalette();

} // namespace kiq::ui
