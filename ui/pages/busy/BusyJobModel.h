#pragma once
// The jobs running right now (every process's in-progress hash), with how long each has run and, for an
// iterable job, where its iteration stands.

#include "common/SnapshotTableModel.h"
#include "sidekiq/api/Processes.h"

#include <QSortFilterProxyModel>

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
    enum Role {
        UnderlyingDataRole = Qt::UserRole,
        // What the page's filter matches, on column 0: process, queue, class, arguments (as shown, so
        // redacted) and JID, one string per row, so filtering 5,000 jobs is one data() call per row.
        SearchTextRole,
    };

    explicit BusyJobModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::string keyOf(const kiq::sidekiq::BusyJob& j) const override { return j.identity + '\n' + j.work.threadId; }
};

// Sorts busy jobs on their fields directly: at 5,000 jobs a sort is 60,000 comparisons, and building two
// QVariant strings for each held the GUI thread 16 ms.
class BusyJobSortProxy final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

} // namespace kiq::ui
