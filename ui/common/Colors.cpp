#include "common/Colors.h"

namespace kiq::ui {

namespace {
QColor pick(const QPalette& palette, QColor onLight, QColor onDark)
{
    return isDarkPalette(palette) ? onDark : onLight;
}
} // namespace

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

// Each pair reads at a contrast of at least 4:1 on its window colour (Light and Dark themes, and the
// usual system palettes), so red text is not lost on either.
QColor problemColor(const QPalette& palette)
{
    return pick(palette, QColor(0xb3, 0x26, 0x1e), QColor(0xff, 0x6b, 0x6b));
}

QColor warningColor(const QPalette& palette)
{
    return pick(palette, QColor(0x9a, 0x5b, 0x00), QColor(0xf0, 0xb4, 0x2e));
}

QColor goodColor(const QPalette& palette)
{
    return pick(palette, QColor(0x1a, 0x7f, 0x37), QColor(0x4c, 0xc3, 0x6a));
}

QColor mutedColor(const QPalette& palette)
{
    return palette.color(QPalette::PlaceholderText);
}

QString pillStyleSheet(const QColor& fill, bool bold)
{
    return QStringLiteral("QLabel { background: %1; color: %2; border-radius: 4px; padding: 2px 8px;%3 }")
        .arg(fill.name(), fill.lightnessF() > 0.6 ? QStringLiteral("black") : QStringLiteral("white"),
            bold ? QStringLiteral(" font-weight: bold;") : QString());
}

} // namespace kiq::ui
