#pragma once
// The jobs running right now (every process's in-progress hash), with how long each has run and, for an
// iterable job, where its iteration stands.

#include "common/SnapshotTableModel.h"
#include "sidekiq/api/Processes.h"

#include <string>

namespace kiq::ui {

class BusyJobModel final : public SnapshotTableModel<kiq::sidekiq::BusyJob, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BusyJobModel)
public:
    enum Column {
        ProcessColumn,
        ThreadColumn,
        QueueColumn,
        ClassColumn,
        ArgsColumn,
        StartedColumn,
        RunTimeColumn,
        IterationColumn, // Sidekiq ≥ 7.3 iterable jobs: execution, time iterating, cursor; or cancelled
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit BusyJobModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::string keyOf(const kiq::sidekiq::BusyJob& j) const override { return j.identity + '\n' + j.work.threadId; }
};

} // namespace kiq::ui
