#pragma once
// Base for tables fed with a whole snapshot on every refresh (the slow log, the client list).
// A model reset every 5 s would drop the user's selection and scroll position, so applySnapshot()
// merges by key instead: rows whose key vanished are removed (in contiguous runs), rows still present
// are updated in place with one dataChanged, new keys are appended. Sorting is the proxy's job.
//
// Subclasses define columnCount, data, headerData and keyOf. A template, so its bodies live here.

#include <QAbstractTableModel>

#include <map>
#include <vector>

namespace kiq::ui {

template <typename Row, typename Key> class SnapshotTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    const std::vector<Row>& rows() const { return m_rows; }

    void applySnapshot(std::vector<Row> fresh)
    {
        std::map<Key, std::size_t> freshIndex; // a duplicate key keeps its first row
        for (std::size_t i = 0; i < fresh.size(); ++i) freshIndex.emplace(keyOf(fresh[i]), i);
        const auto vanished = [&](const Row& r) { return !freshIndex.contains(keyOf(r)); };

        for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
            if (!vanished(m_rows[row])) continue;
            const int last = row;
            while (row > 0 && vanished(m_rows[row - 1])) --row;
            beginRemoveRows({}, row, last);
            m_rows.erase(m_rows.begin() + row, m_rows.begin() + last + 1);
            endRemoveRows();
        }

        std::vector<bool> placed(fresh.size(), false);
        for (Row& r : m_rows) {
            const std::size_t i = freshIndex.at(keyOf(r));
            r = std::move(fresh[i]);
            placed[i] = true;
        }
        if (!m_rows.empty()) emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1));

        std::vector<std::size_t> added;
        for (std::size_t i = 0; i < fresh.size(); ++i)
            if (!placed[i] && freshIndex.at(keyOf(fresh[i])) == i) added.push_back(i);
        if (added.empty()) return;
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        // Rows can be large (a busy job is about a kilobyte) and thousands come at once: the first
        // snapshot is taken over whole, and otherwise each row is moved once into reserved room. Copying
        // through a growing vector touched fresh memory page by page, 50 ms at 5,000 busy jobs.
        if (m_rows.empty() && added.size() == fresh.size()) {
            m_rows = std::move(fresh);
        } else {
            m_rows.reserve(m_rows.size() + added.size());
            for (std::size_t i : added) m_rows.push_back(std::move(fresh[i]));
        }
        endInsertRows();
    }

    void clearRows()
    {
        if (m_rows.empty()) return;
        beginRemoveRows({}, 0, int(m_rows.size()) - 1);
        m_rows.clear();
        endRemoveRows();
    }

protected:
    virtual Key keyOf(const Row& row) const = 0;

    std::vector<Row> m_rows;
};

} // namespace kiq::ui
