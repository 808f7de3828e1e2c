#pragma once
// Failures by cause for the Retries and Dead pages: one row per FailureFingerprint group (error
// class + normalised message + job class) with its count and when it was first and last seen, as
// the job index computes them (JobIndexSnapshot::groups). Largest first.

#include "redaction/Redaction.h"
#include "sidekiq/search/JobIndexSnapshot.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace kiq::ui {

class FailureGroupModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { CountColumn, ErrorColumn, MessageColumn, ClassColumn, FirstSeenColumn, LastSeenColumn, ColumnCount };
    enum Role { FingerprintRole = Qt::UserRole }; // the group's hash as a filter's group= takes it (QString)

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setGroups(std::vector<kiq::sidekiq::JobIndexGroup> groups);
    const kiq::sidekiq::JobIndexGroup& group(int row) const { return m_groups.at(std::size_t(row)); }
    // The row of the group with this fingerprint, or -1.
    int rowOf(std::uint64_t fingerprint) const;

    // Messages are shown through the deployment's rules ("token=…" in an error message).
    void setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor);

    static QString fingerprintText(std::uint64_t fingerprint) { return QString::number(fingerprint, 16); }

private:
    std::vector<kiq::sidekiq::JobIndexGroup> m_groups;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
};

} // namespace kiq::ui
