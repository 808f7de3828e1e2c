#pragma once
// The desktop's incident snapshot (health/IncidentSnapshot.h) of one deployment: the Overview's stored
// samples for the window (HistoryWorker's thread), the reads on the deployment's client, the charts
// grabbed as PNG on the GUI thread, and the archive written on a pool thread. The GUI never waits.

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace kiq::ui {

class DeploymentView;

struct IncidentSnapshotResult {
    QString error; // empty when the archive was written
    QStringList missing; // parts the server refused (the README in the archive says the same)
    int files = 0;
};

// `done` runs on `context`'s thread, unless `context` is gone by then.
void takeIncidentSnapshot(DeploymentView* view, const QString& path, double windowSeconds, QObject* context,
    std::function<void(const IncidentSnapshotResult&)> done);

} // namespace kiq::ui
