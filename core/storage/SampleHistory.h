#pragma once
// The Overview's memory across restarts: samples in a small SQLite file (QtSql), per deployment, so
// the charts open with the last 24 h instead of an empty plot. Old rows are pruned on every append.
//
// Uses its own named QSqlDatabase connection, which Qt ties to the thread that made it: create and
// use it on one thread. The app does so on HistoryWorker's thread, never on the GUI thread.

#include "health/OverviewSample.h"

#include <QString>

#include <vector>

namespace kiq::storage {

using health::OverviewSample;

class SampleHistory final {
    Q_DISABLE_COPY_MOVE(SampleHistory)
public:
    static constexpr double kKeepSeconds = 24 * 3600;

    // `file` empty: AppLocalDataLocation/overview-history.sqlite. A file that cannot be opened leaves
    // the history disabled (isOpen() false); the page still works, only without memory.
    explicit SampleHistory(const QString& file = {});
    ~SampleHistory();

    bool isOpen() const { return m_open; }
    QString error() const { return m_error; }

    void append(const QString& deployment, const OverviewSample& sample);
    // Samples newer than `sinceEpochSeconds`, oldest first.
    std::vector<OverviewSample> load(const QString& deployment, double sinceEpochSeconds) const;

    static QString defaultFile();

private:
    QString m_connection;
    bool m_open = false;
    QString m_error;
};

} // namespace kiq::storage
