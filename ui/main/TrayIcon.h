#pragma once
// The fleet's worst health state in the system tray (issue 21): a dot on the app's icon, green, amber,
// red or grey, a tooltip naming what is wrong, and a menu to show the window, acknowledge every
// alert or quit. With a tray, closing the window hides it: the AlertCenter keeps evaluating and
// notifying until Quit.

#include "health/HealthChecks.h"

#include <QIcon>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace kiq::ui {

class AlertCenter;

class TrayIcon final : public QObject {
    Q_OBJECT
public:
    TrayIcon(AlertCenter* alerts, QWidget* window, QObject* parent = nullptr);
    ~TrayIcon() override;

    // Whether the desktop shows tray icons (none under the offscreen platform or without a panel).
    static bool available();
    void show();
    bool isVisible() const;

    kiq::health::CheckState state() const { return m_state; }
    QIcon icon() const;
    QString toolTip() const;
    QMenu* menu() const { return m_menu; }
    static QIcon iconFor(kiq::health::CheckState state);

private:
    void update();

    AlertCenter* m_alerts;
    QWidget* m_window;
    QSystemTrayIcon* m_tray;
    QMenu* m_menu;
    QAction* m_summary;
    QAction* m_acknowledge;
    kiq::health::CheckState m_state = kiq::health::CheckState::Unknown;
};

} // namespace kiq::ui
