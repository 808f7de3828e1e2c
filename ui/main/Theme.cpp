#include "main/Theme.h"

#include <QApplication>
#include <QIconEngine>
#include <QImage>
#include <QPainter>
#include <QPixmapCache>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>

#include <cmath>

namespace kiq::ui {

namespace {
struct SystemLook {
    bool recorded = false;
    QString styleName;
    QPalette palette;
};

SystemLook& systemLook()
{
    static SystemLook look;
    return look;
}

Theme& current()
{
    static Theme theme = Theme::System;
    return theme;
}

// The least difference in luminance (0..1) between a standard icon, on average, and the window
// colour; an icon closer to it is drawn with its lightness inverted.
constexpr double kIconMinContrast = 0.3;

double luminance(QRgb c)
{
    return qGray(c) / 255.0;
}

// Draws its icon as it is, unless the icon would nearly vanish on the palette's window colour (a
// dark glyph on the dark theme, issue 14): then with its lightness inverted, which keeps the hue of
// coloured icons. Decided at paint time, so icons made before a theme switch follow it too.
class PaletteIconEngine final : public QIconEngine {
public:
    explicit PaletteIconEngine(QIcon base)
        : m_base(std::move(base))
    {
    }

    QIconEngine* clone() const override { return new PaletteIconEngine(m_base); }
    QString key() const override { return QStringLiteral("kiq-palette"); }
    bool isNull() override { return m_base.isNull(); }
    QSize actualSize(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        return m_base.actualSize(size, mode, state);
    }
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override
    {
        return m_base.availableSizes(mode, state);
    }
    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override
    {
        const qreal dpr = painter->device()->devicePixelRatioF();
        painter->drawPixmap(rect, pixmap((QSizeF(rect.size()) * dpr).toSize(), mode, state));
    }
    // `size` is in device pixels (QIcon::pixmap scales it before asking).
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        const QPixmap base = m_base.pixmap(size, 1.0, mode, state);
        const QRgb window = QGuiApplication::palette().color(QPalette::Window).rgb();
        if (base.isNull()) return base;
        const QString cacheKey = QStringLiteral("kiq-palette-icon-%1-%2").arg(base.cacheKey()).arg(window);
        QPixmap adapted;
        if (QPixmapCache::find(cacheKey, &adapted)) return adapted;
        adapted = adapt(base, luminance(window));
        QPixmapCache::insert(cacheKey, adapted);
        return adapted;
    }

private:
    static QPixmap adapt(const QPixmap& pixmap, double background)
    {
        QImage image = pixmap.toImage().convertToFormat(QImage::Format_ARGB32);
        double sum = 0, weight = 0;
        for (int y = 0; y < image.height(); ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
            for (int x = 0; x < image.width(); ++x) {
                const double alpha = qAlpha(line[x]) / 255.0;
                sum += alpha * luminance(line[x]);
                weight += alpha;
            }
        }
        if (weight == 0 || std::abs(sum / weight - background) >= kIconMinContrast) return pixmap;
        for (int y = 0; y < image.height(); ++y) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
            for (int x = 0; x < image.width(); ++x) {
                QColor c = QColor::fromRgba(line[x]);
                float h = 0, s = 0, l = 0, a = 0;
                c.getHslF(&h, &s, &l, &a);
                c.setHslF(h, s, 1 - l, a);
                line[x] = c.rgba();
            }
        }
        return QPixmap::fromImage(image);
    }

    QIcon m_base;
};

// The chosen style, with its standard icons (page tabs, buttons, message boxes) drawn by
// PaletteIconEngine.
class IconStyle final : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;

    QIcon standardIcon(StandardPixmap icon, const QStyleOption* option, const QWidget* widget) const override
    {
        QIcon base = QProxyStyle::standardIcon(icon, option, widget);
        return base.isNull() ? base : QIcon(new PaletteIconEngine(std::move(base)));
    }
};
} // namespace

QPalette darkPalette()
{
    // Fusion's own dark scheme (as Qt Creator and qBittorrent use it), with links and the highlight
    // brightened enough to read on the dark base.
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor disabledText(0x7f, 0x82, 0x87), highlight(0x3d, 0x7e, 0xd6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa1));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::Mid, QColor(0x25, 0x26, 0x29));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabledText);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x53, 0x57));
    return p;
}

void applyTheme(Theme theme)
{
    SystemLook& look = systemLook();
    if (!look.recorded) {
        look.recorded = true;
        look.styleName = QApplication::style()->name();
        look.palette = QApplication::palette();
    }
    current() = theme;
    switch (theme) {
    case Theme::System:
        QApplication::setStyle(new IconStyle(QStyleFactory::create(look.styleName)));
        QApplication::setPalette(look.palette);
        break;
    case Theme::Light:
        QApplication::setStyle(new IconStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Theme::Dark:
        QApplication::setStyle(new IconStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
        QApplication::setPalette(darkPalette());
        break;
    }
}

Theme currentTheme()
{
    return current();
}

QString themeKey(Theme theme)
{
    switch (theme) {
    case Theme::System:
        return QStringLiteral("system");
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

Theme themeFromKey(const QString& key)
{
    if (key == QLatin1String("light")) return Theme::Light;
    if (key == QLatin1String("dark")) return Theme::Dark;
    return Theme::System;
}

} // namespace kiq::ui
