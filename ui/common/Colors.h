#pragma once
// Colours that carry a meaning (a problem, a warning, all is well), picked for the palette they are
// drawn on: a dark shade on a light window, a light one on a dark window. Deciding by the window's
// lightness, not by our Theme, keeps them legible under the System theme too. Models (no widget of
// their own) use the application's palette, which the theme sets.

#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QString>

namespace kiq::ui {

bool isDarkPalette(const QPalette& palette = QGuiApplication::palette());

QColor problemColor(const QPalette& palette = QGuiApplication::palette()); // failures, stale processes, risks
QColor warningColor(const QPalette& palette = QGuiApplication::palette()); // needs attention, not broken
QColor goodColor(const QPalette& palette = QGuiApplication::palette()); // reachable, test passed
QColor mutedColor(const QPalette& palette = QGuiApplication::palette()); // secondary text, not connected

// A label drawn as a filled pill (environment tag, read-only, writes armed), with black or white text,
// whichever reads on `fill`.
QString pillStyleSheet(const QColor& fill, bool bold = false);

} // namespace kiq::ui
