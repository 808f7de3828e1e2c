#include "storage/SampleHistory.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace kiq::storage {

SampleHistory::SampleHistory(const QString& file)
    : m_connection(QStringLiteral("kiq-overview-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    const QString path = file.isEmpty() ? defaultFile() : file;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    if (!db.open()) {
        m_error = db.lastError().text();
        return;
    }
    QSqlQuery q(db);
    // WAL: two windows (two deployments) appending to the same file must not block each other.
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    // No fsync per commit, one append per refresh (with WAL, NORMAL loses no data when the app
    // crashes; a power cut may cost the last samples of a chart). An fsync on a busy disk took tens
    // of milliseconds (tst_jobset_stall saw it when this still ran on the GUI thread).
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS samples (deployment TEXT NOT NULL, taken_at REAL NOT NULL, "
                               "processed INTEGER, failed INTEGER, enqueued INTEGER, busy INTEGER, "
                               "used_memory INTEGER, ops INTEGER)"))
        || !q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS samples_by_time ON samples (deployment, taken_at)"))) {
        m_error = q.lastError().text();
        return;
    }
    m_open = true;
}

SampleHistory::~SampleHistory()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    } // the handle must be gone before the connection is removed
    QSqlDatabase::removeDatabase(m_connection);
}

QString SampleHistory::defaultFile()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("overview-history.sqlite"));
}

void SampleHistory::append(const QString& deployment, const OverviewSample& s)
{
    if (!m_open) return;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(deployment);
    q.addBindValue(s.takenAt);
    q.addBindValue(s.processed);
    q.addBindValue(s.failed);
    q.addBindValue(s.enqueued);
    q.addBindValue(s.busy);
    q.addBindValue(s.usedMemory);
    q.addBindValue(s.opsPerSec);
    if (!q.exec()) m_error = q.lastError().text();
    QSqlQuery prune(db);
    prune.prepare(QStringLiteral("DELETE FROM samples WHERE deployment = ? AND taken_at < ?"));
    prune.addBindValue(deployment);
    prune.addBindValue(s.takenAt - kKeepSeconds);
    prune.exec();
}

std::vector<OverviewSample> SampleHistory::load(const QString& deployment, double sinceEpochSeconds) const
{
    std::vector<OverviewSample> out;
    if (!m_open) return out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT taken_at, processed, failed, enqueued, busy, used_memory, ops FROM samples "
                             "WHERE deployment = ? AND taken_at >= ? ORDER BY taken_at"));
    q.addBindValue(deployment);
    q.addBindValue(sinceEpochSeconds);
    if (!q.exec()) return out;
    while (q.next()) {
        OverviewSample s;
        s.takenAt = q.value(0).toDouble();
        s.processed = q.value(1).toLongLong();
        s.failed = q.value(2).toLongLong();
        s.enqueued = q.value(3).toLongLong();
        s.busy = q.value(4).toLongLong();
        s.usedMemory = q.value(5).toLongLong();
        s.opsPerSec = q.value(6).toLongLong();
        out.push_back(s);
    }
    return out;
}

} // namespace kiq::storage
