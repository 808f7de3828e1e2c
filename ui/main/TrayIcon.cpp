#include "main/TrayIcon.h"

#include "main/AlertCenter.h"

#include <QAction>
#include <QApplication>
#include <QFont>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QWidget>

namespace kiq::ui {

using kiq::health::CheckState;

namespace {
QColor stateColor(CheckState s)
{
    switch (s) {
    case CheckState::Ok:
        return QColor(0x2e, 0x9d, 0x4f);
    case CheckState::Warn:
        return QColor(0xe0, 0x9b, 0x16);
    case CheckState::Critical:
        return QColor(0xd3, 0x2f, 0x2f);
    case CheckState::Unknown:
        break;
    }
    return QColor(0x90, 0x90, 0x90);
}

QString stateText(CheckState s)
{
    switch (s) {
    case CheckState::Ok:
        return TrayIcon::tr("all checks OK");
    case CheckState::Warn:
        return TrayIcon::tr("warning");
    case CheckState::Critical:
        return TrayIcon::tr("critical");
    case CheckState::Unknown:
        break;
    }
    return TrayIcon::tr("no deployment watched");
}
} // namespace

TrayIcon::TrayIcon(AlertCenter* alerts, QWidget* window, QObject* parent)
    : QObject(parent)
    , m_alerts(alerts)
    , m_window(window)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu())
{
    QAction* showWindow = m_menu->addAction(tr("Show Kiqdesk"));
    connect(showWindow, &QAction::triggered, this, [this] {
        m_window->show();
        m_window->raise();
        m_window->activateWindow();
    });
    m_menu->addSeparator();
    m_summary = m_menu->addAction(QString());
    m_summary->setEnabled(false);
    m_acknowledge = m_menu->addAction(tr("Acknowledge all alerts"));
    connect(m_acknowledge, &QAction::triggered, m_alerts, &AlertCenter::acknowledgeAll);
    m_menu->addSeparator();
    connect(m_menu->addAction(tr("Quit")), &QAction::triggered, qApp, &QApplication::quit);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [showWindow](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger) showWindow->trigger();
    });
    connect(m_alerts, &AlertCenter::changed, this, &TrayIcon::update);
    update();
}

TrayIcon::~TrayIcon()
{
    delete m_menu; // a context menu has no parent
}

bool TrayIcon::available()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    m_tray->show();
}

bool TrayIcon::isVisible() const
{
    return m_tray->isVisible();
}

QIcon TrayIcon::iconFor(CheckState state)
{
    QIcon icon;
    for (const int size : {16, 22, 32, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x26, 0x32, 0x38));
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2);
        QFont font;
        font.setBold(true);
        font.setPixelSize(int(size * 0.7));
        p.setFont(font);
        p.setPen(Qt::white);
        p.drawText(QRectF(0, 0, size * 0.8, size), Qt::AlignCenter, QStringLiteral("K"));
        // The state, where a glance at the panel finds it: a dot in the lower right corner.
        const double d = size * 0.5;
        p.setPen(QPen(QColor(0x26, 0x32, 0x38), size / 16.0));
        p.setBrush(stateColor(state));
        p.drawEllipse(QRectF(size - d, size - d, d, d).adjusted(0.5, 0.5, -0.5, -0.5));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QIcon TrayIcon::icon() const
{
    return m_tray->icon();
}

QString TrayIcon::toolTip() const
{
    return m_tray->toolTip();
}

void TrayIcon::update()
{
    m_state = m_alerts->worst();
    const auto active = m_alerts->active();
    m_tray->setIcon(iconFor(m_state));
    QStringList lines {tr("Kiqdesk: %1").arg(stateText(m_state))};
    constexpr int kShown = 5; // a tooltip is a glance, the window has the rest
    for (int i = 0; i < int(active.size()) && i < kShown; ++i)
        lines << QStringLiteral("%1 · %2").arg(
            QString::fromStdString(active[i].key.deployment), QString::fromStdString(active[i].message));
    if (int(active.size()) > kShown) lines << tr("… and %n more", nullptr, int(active.size()) - kShown);
    m_tray->setToolTip(lines.join(QLatin1Char('\n')));
    m_summary->setText(active.empty() ? stateText(m_state) : tr("%n alert(s) open", nullptr, int(active.size())));
    m_acknowledge->setEnabled(!active.empty());
}

} // namespace kiq::ui
