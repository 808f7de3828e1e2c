#include "main/IncidentSnapshotAction.h"

#include "common/OffThread.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "health/IncidentSnapshot.h"
#include "pages/overview/HistoryWorker.h"
#include "sidekiq/model/Timestamp.h"

#include <QPointer>

#include <memory>

namespace kiq::ui {

namespace {
struct Written {
    std::string error;
    kiq::health::IncidentSnapshot snapshot;
};
} // namespace

void takeIncidentSnapshot(DeploymentView* view, const QString& path, double windowSeconds, QObject* context,
    std::function<void(const IncidentSnapshotResult&)> done)
{
    Deployment* d = view->deployment();
    if (!d->client()) {
        done({QObject::tr("%1 is not connected").arg(d->profile().name), {}, 0});
        return;
    }
    // The charts as they are on screen now, before the reads change them.
    auto images = std::make_shared<std::vector<std::pair<QString, QByteArray>>>();
    for (const DeploymentPage* page : view->pages())
        for (auto& image : page->chartImages()) images->push_back(std::move(image));
    kiq::health::IncidentOptions options;
    options.deployment = d->profile().name.toStdString();
    options.windowSeconds = windowSeconds;
    options.budget = d->profile().loadBudget();
    options.thresholds = d->profile().health;
    options.redactor = std::make_shared<const kiq::redaction::Redactor>(d->profile().redaction);
    const double now = kiq::sidekiq::Timestamp::now().seconds();
    const QString historyKey = QString::fromStdString(d->client()->options().describe()); // as the Overview keeps it
    HistoryWorker::shared()->load(historyKey, now - windowSeconds, context,
        [d = QPointer<Deployment>(d), options, images, path, now, context = QPointer<QObject>(context), done](
            std::vector<kiq::health::OverviewSample> samples) mutable {
            if (!d || !d->client() || !context) return;
            options.series = std::move(samples);
            d->client()->run<kiq::health::IncidentSnapshot>(
                [options, now](kiq::redis::Client& c) { return kiq::health::collectIncident(c, options, now); },
                context,
                [images, path, context, done](kiq::redis::Result<kiq::health::IncidentSnapshot> r) {
                    if (!r.ok()) {
                        done({QString::fromStdString(r.error->message), {}, 0});
                        return;
                    }
                    auto snapshot = std::move(*r.value);
                    for (const auto& [name, png] : *images)
                        kiq::health::addIncidentFile(snapshot, "charts/" + name.toStdString(), png.toStdString());
                    runOffThread(
                        context.data(),
                        [snapshot = std::move(snapshot), path]() mutable {
                            Written w;
                            w.error = kiq::health::writeIncidentArchive(snapshot, path.toStdString());
                            w.snapshot = std::move(snapshot);
                            return w;
                        },
                        [done](QObject*, Written w) {
                            QStringList missing;
                            for (const auto& p : w.snapshot.problems) missing << QString::fromStdString(p);
                            done({QString::fromStdString(w.error), missing, int(w.snapshot.files.size())});
                        });
                });
        });
}

} // namespace kiq::ui
