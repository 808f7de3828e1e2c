#pragma once
// The Profiles page's table: Sidekiq 8's stored job profiles (sidekiq/api/Profiles.h), one row per
// profile, keyed by its Redis key, newest first until the user sorts.

#include "common/SnapshotTableModel.h"
#include "sidekiq/api/Profiles.h"

namespace kiq::ui {

class ProfileListModel final : public SnapshotTableModel<kiq::sidekiq::ProfileRecord, std::string> {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileListModel)
public:
    enum Column {
        JobColumn,
        StartedColumn,
        ElapsedColumn,
        SizeColumn,
        ExpiresColumn,
        JidColumn,
        TokenColumn,
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit ProfileListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setNow(double epochSeconds) { m_now = epochSeconds; } // for "expires in"

private:
    std::string keyOf(const kiq::sidekiq::ProfileRecord& record) const override { return record.key; }

    double m_now = 0;
};

} // namespace kiq::ui
