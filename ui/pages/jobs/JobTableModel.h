#pragma once
// A job table fed page by page (qBittorrent-style model: Column enum, display text apart from raw
// values in UnderlyingDataRole). The model never talks to Redis: when the view scrolls near the end,
// fetchMore() emits fetchRequested(offset, count) and the page loads that slice through the client,
// then hands it back with appendPage(). So it can be tested without a server, and the view never waits.
//
// Malformed payloads are rows like any other: the class column says so and the error column shows
// the parse error (an operator must see what is broken, and can still delete or kill it).

#include "pages/jobs/JobColumns.h"
#include "pages/jobs/JobRow.h"

#include <QAbstractTableModel>

#include <vector>

namespace kiq::ui {

class JobTableModel final : public QAbstractTableModel, public JobColumns {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobTableModel)
public:
    enum Role {
        UnderlyingDataRole = Qt::UserRole, // raw value for sorting
        PayloadRole, // the exact raw payload (QString from UTF-8 bytes)
        MalformedRole, // bool
    };
    static constexpr int kPageSize = 200;

    // `whenCaption`: what the time column means here ("Next retry", "Died", "Runs at", "Enqueued").
    explicit JobTableModel(const QString& whenCaption, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    // A new listing of `total` entries (the set's size when its first page was read).
    void resetListing(long long total, std::vector<JobRow> firstPage);
    // The slice that began at `offset`; a slice that no longer lines up (the listing was reset in the
    // meantime) is ignored.
    void appendPage(long long offset, std::vector<JobRow> rows);
    void pageFailed() { m_fetching = false; }
    void clearRows();

    long long total() const { return m_total; }
    const JobRow& row(int r) const { return m_rows.at(std::size_t(r)); }

signals:
    void fetchRequested(long long offset, long long count);

private:
    QString m_whenCaption;
    std::vector<JobRow> m_rows;
    long long m_total = 0;
    bool m_fetching = false;
};

} // namespace kiq::ui
