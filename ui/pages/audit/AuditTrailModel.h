#pragma once
// The Audit trail page's timeline: one row per entry (newest first as read), with the rows where the
// chain breaks marked after a verify. Raw values (Qt::UserRole) are kept apart for the sort proxy.

#include "write/AuditRecord.h"

#include <QAbstractTableModel>

#include <map>
#include <vector>

namespace kiq::ui {

class AuditTrailModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditTrailModel)
public:
    enum Column {
        TimeColumn,
        UserColumn,
        AclUserColumn,
        ActionColumn,
        TargetColumn,
        DetailColumn,
        CountsColumn,
        ReasonColumn,
        OutcomeColumn,
        ColumnCount
    };
    enum Role { UnderlyingDataRole = Qt::UserRole };

    explicit AuditTrailModel(QObject* parent = nullptr);

    void setRows(std::vector<kiq::write::AuditRecord> rows);
    // Entry ID -> what is wrong there; replaces the previous marks (empty: none).
    void setBreaks(std::map<std::string, std::string> breaks);
    const std::vector<kiq::write::AuditRecord>& rows() const { return m_rows; }
    bool isBroken(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<kiq::write::AuditRecord> m_rows;
    std::map<std::string, std::string> m_breaks;
};

} // namespace kiq::ui
