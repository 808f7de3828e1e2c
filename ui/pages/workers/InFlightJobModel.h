#pragma once
// The jobs the local pool is running right now, one row per busy processor thread, with how long
// each has run.

#include "common/SnapshotTableModel.h"
#include "redaction/Redaction.h"
#include "worker/PoolState.h"

#include <memory>
#include <string>

namespace kiq::ui {

class InFlightJobModel final : public SnapshotTableModel<kiq::worker::InFlightJob, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InFlightJobModel)
public:
    enum Column { ThreadColumn, QueueColumn, ClassColumn, JidColumn, StartedColumn, RunTimeColumn, ColumnCount };

    explicit InFlightJobModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // How the payload tooltip shows arguments (the deployment's rules).
    void setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor) { m_redactor = std::move(redactor); }

private:
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
    std::string keyOf(const kiq::worker::InFlightJob& j) const override { return j.threadId + '\n' + j.jid; }
};

} // namespace kiq::ui
