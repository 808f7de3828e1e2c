#pragma once
// How a deployment's environment and status look: the tag's text and colour, the status dot's colour.
// Shared by the sidebar delegate, the deployment header and the connection dialog.

#include "deployment/ConnectionProfile.h"
#include "deployment/Deployment.h"

#include <QColor>
#include <QString>

namespace kiq::ui {

QString environmentLabel(kiq::deployment::Environment environment); // translated: "Production", ...
QColor tagColor(const kiq::deployment::ConnectionProfile& profile);
QColor statusColor(Deployment::Status status);
QString statusLabel(Deployment::Status status); // translated: "Reachable", ...

} // namespace kiq::ui
