#include "deployment/EnvironmentTag.h"

#include "common/Colors.h"

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
    switch (status) {
    case Deployment::Status::Reachable:
        return goodColor();
    case Deployment::Status::Unreachable:
        return problemColor();
    case Deployment::Status::Connecting:
        return warningColor();
    case Deployment::Status::Disconnected:
        return mutedColor();
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
