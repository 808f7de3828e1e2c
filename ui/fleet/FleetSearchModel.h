#pragma once
// The fleet search's hits (sidekiq/search/JobSearch.h), appended as each deployment's search finds
// them: which deployment, where (the queue, the process), the JID, class, error and arguments as the
// deployment's redaction rules show them.

#include "sidekiq/search/JobSearch.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <vector>

namespace kiq::ui {

class Deployment;

struct FleetSearchHit {
    QPointer<Deployment> deployment;
    QString deploymentName; // kept: the deployment may be removed while its hits are listed
    kiq::sidekiq::JobSearchHit hit;
};

// "Dead", "Queue default", "Busy host:42": where a hit is, as the pages name it.
QString placeText(const kiq::sidekiq::JobSearchHit& hit);

class FleetSearchModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { DeploymentColumn, PlaceColumn, JidColumn, ClassColumn, ErrorColumn, ArgsColumn, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void append(std::vector<FleetSearchHit> hits);
    void clear();
    const FleetSearchHit& at(int row) const { return m_rows.at(std::size_t(row)); }

private:
    std::vector<FleetSearchHit> m_rows;
};

} // namespace kiq::ui
