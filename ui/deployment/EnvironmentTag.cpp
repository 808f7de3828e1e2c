#include "deployment/EnvironmentTag.h"

#include <QCoreApplication>

namespace kiq::ui {

QString environmentLabel(kiq::deployment::Environment environment)
{
    using kiq::deployment::Environment;
    switch (environment) {
    case Environment::Development:
        return QCoreApplication::translate("kiq::ui::Environment", "Development");
    case Environment::Staging:
        return QCoreApplication::translate("kiq::ui::Environment", "Staging");
    case Environment::Production:
        return QCoreApplication::translate("kiq::ui::Environment", "Production");
    case Environment::Other:
        return QCoreApplication::translate("kiq::ui::Environment", "Other");
    }
    return {};
}

QColor tagColor(const kiq::deployment::ConnectionProfile& profile)
{
    QColor c(profile.effectiveTagColor());
    return c.isValid() ? c : QColor(QString(kiq::deployment::defaultTagColor(profile.environment)));
}

QColor statusColor(Deployment::Status status)
{
    // Chosen to read on both light and dark palettes.
    switch (status) {
    case Deployment::Status::Reachable:
        return QColor(0x2e, 0xb8, 0x5c);
    case Deployment::Status::Unreachable:
        return QColor(0xe0, 0x40, 0x3a);
    case Deployment::Status::Connecting:
        return QColor(0xe8, 0xa3, 0x17);
    case Deployment::Status::Disconnected:
        return QColor(0x8a, 0x93, 0x9e);
    }
    return Qt::gray;
}

QString statusLabel(Deployment::Status status)
{
    switch (status) {
    case Deployment::Status::Reachable:
        return QCoreApplication::translate("kiq::ui::Status", "Reachable");
    case Deployment::Status::Unreachable:
        return QCoreApplication::translate("kiq::ui::Status", "Unreachable");
    case Deployment::Status::Connecting:
        return QCoreApplication::translate("kiq::ui::Status", "Connecting");
    case Deployment::Status::Disconnected:
        return QCoreApplication::translate("kiq::ui::Status", "Not connected");
    }
    return {};
}

} // namespace kiq::ui
