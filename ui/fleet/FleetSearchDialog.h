#pragma once
// Fleet search (Ctrl+Shift+F): one JID, or a piece of a class, argument or error, looked for in every
// connected deployment at once: jobs in progress, queues, scheduled, retries and dead. Each deployment's
// search (sidekiq/search/JobSearch.h) runs on its own client in paced steps under its profile's load
// budget, one step in flight at a time, so its pages keep refreshing in between and a slow server
// delays only its own row. Hits are listed as they arrive; opening one (double-click, Enter) shows
// the job in place on its deployment's page.

#include "fleet/FleetSearchModel.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QPointer>

#include <memory>
#include <vector>

class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace kiq::ui {

class DeploymentListModel;
class StatusLine;

class FleetSearchDialog final : public QDialog {
    Q_OBJECT
public:
    explicit FleetSearchDialog(DeploymentListModel* deployments, QWidget* parent = nullptr);

    QLineEdit* queryEdit() const { return m_query; }
    FleetSearchModel* model() const { return m_model; }
    QTableView* hitTable() const { return m_hits; }
    QTableWidget* progressTable() const { return m_progress; }
    bool isSearching() const;

    void search(const QString& text); // every connected deployment; replaces a search in progress
    void stop();

signals:
    void hitActivated(const kiq::ui::FleetSearchHit& hit);
    void finished(); // every deployment's search has ended (done, failed or stopped)

private:
    struct Run {
        QPointer<Deployment> deployment;
        QString name;
        std::shared_ptr<kiq::sidekiq::JobSearch> search;
        kiq::sidekiq::JobSearchProgress progress;
        QString problem; // why it ended early
        bool running = false;
        QElapsedTimer started;
        QMetaObject::Connection resetWatch; // ends the run when the deployment's client changes
        double seconds = 0; // how long it ran, once ended
    };
    void step(std::size_t index);
    void showRun(std::size_t index);
    void updateStatus();
    void endRun(std::size_t index, const QString& problem);

    DeploymentListModel* m_deployments;
    QLineEdit* m_query;
    QPushButton* m_searchButton;
    QPushButton* m_stopButton;
    QTableWidget* m_progress;
    FleetSearchModel* m_model;
    QTableView* m_hits;
    StatusLine* m_status;
    std::vector<Run> m_runs;
    int m_generation = 0; // results of an earlier search are dropped
};

} // namespace kiq::ui
