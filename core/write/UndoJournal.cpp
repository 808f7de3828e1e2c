#include "write/UndoJournal.h"

#include "redis/Errors.h"
#include "redis/Script.h"
#include "util/FloatFormat.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>
#include <QVariant>

#include <condition_variable>
#include <deque>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiq::write {

namespace {
enum ItemState { Pending = 0, Removed = 1, Restored = 2 };

kiq::Error journalError(const std::string& what)
{
    return kiq::Error(ErrorKind::Config, "the undo journal " + what);
}

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::string str(const QVariant& v)
{
    const QByteArray b = v.toByteArray();
    return std::string(b.constData(), std::size_t(b.size()));
}
} // namespace

std::string serverOf(const redis::ConnectionOptions& connection)
{
    redis::ConnectionOptions where;
    where.topology = connection.topology;
    where.endpoint = connection.endpoint;
    where.seeds = connection.seeds;
    where.sentinelMaster = connection.sentinelMaster;
    where.db = connection.db;
    where.tls.enabled = connection.tls.enabled;
    where.keyPrefix = connection.keyPrefix;
    return where.describe();
}

struct UndoJournal::Impl {
    Options options;
    QString path;
    QString connection;
    bool open = false;
    std::string error;
    std::string warning;

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
    std::thread thread;

    // Runs `f` on the journal's thread and waits for it; its exceptions come back to the caller.
    template <class F> auto run(F f) -> std::invoke_result_t<F>
    {
        using R = std::invoke_result_t<F>;
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
        auto done = task->get_future();
        {
            std::lock_guard lock(mutex);
            tasks.push_back([task] { (*task)(); });
        }
        wake.notify_one();
        return done.get();
    }

    void loop()
    {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || !tasks.empty(); });
                if (tasks.empty()) return;
                task = std::move(tasks.front());
                tasks.pop_front();
            }
            task();
        }
    }

    double now() const
    {
        if (options.clock) return options.clock();
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    }

    QSqlDatabase db() const { return QSqlDatabase::database(connection, false); }

    void exec(QSqlQuery& q, const char* what) const
    {
        if (!q.exec()) throw journalError(std::string(what) + ": " + q.lastError().text().toStdString());
    }

    void exec(const QString& sql, const char* what) const
    {
        QSqlQuery q(db());
        if (!q.exec(sql)) throw journalError(std::string(what) + ": " + q.lastError().text().toStdString());
    }

    // A transaction around `f`, rolled back if it throws.
    template <class F> auto transaction(F f) -> std::invoke_result_t<F>
    {
        QSqlDatabase d = db();
        if (!d.transaction()) throw journalError("cannot write: " + d.lastError().text().toStdString());
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
                f();
                if (!d.commit()) throw journalError("cannot write: " + d.lastError().text().toStdString());
            } else {
                auto result = f();
                if (!d.commit()) throw journalError("cannot write: " + d.lastError().text().toStdString());
                return result;
            }
        } catch (...) {
            d.rollback();
            throw;
        }
    }

    void openDatabase()
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        // Created 0600 before SQLite opens it (its -wal and -shm files take the same mode): payloads may
        // hold personal data.
        const QByteArray native = QFile::encodeName(path);
        const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ::fchmod(fd, 0600) != 0) {
            if (fd >= 0) ::close(fd);
            error = "cannot create " + path.toStdString();
            return;
        }
        ::close(fd);
        QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        d.setDatabaseName(path);
        if (!d.open()) {
            error = d.lastError().text().toStdString();
            return;
        }
        try {
            // WAL: the app and a CLI run may write at once. FULL: a kept job is on disk before its removal
            // is sent, even if the machine loses power right after.
            exec(QStringLiteral("PRAGMA journal_mode=WAL"), "cannot be opened");
            exec(QStringLiteral("PRAGMA synchronous=FULL"), "cannot be opened");
            exec(QStringLiteral("PRAGMA busy_timeout=10000"), "cannot be opened");
            exec(QStringLiteral("CREATE TABLE IF NOT EXISTS actions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                "grp TEXT NOT NULL, server TEXT NOT NULL, time REAL NOT NULL, deployment TEXT, "
                                "action TEXT, target TEXT, detail TEXT, reason TEXT, os_user TEXT, "
                                "bytes INTEGER NOT NULL DEFAULT 0, restored_at REAL)"),
                "cannot be opened");
            exec(QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS actions_by_group ON actions (server, grp)"),
                "cannot be opened");
            exec(QStringLiteral("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                "action INTEGER NOT NULL, state INTEGER NOT NULL, source TEXT NOT NULL, "
                                "kind INTEGER NOT NULL, score REAL, moved_to TEXT, size INTEGER NOT NULL, "
                                "payload BLOB NOT NULL)"),
                "cannot be opened");
            exec(QStringLiteral("CREATE INDEX IF NOT EXISTS items_by_action ON items (action, state, id)"),
                "cannot be opened");
            pruneOld();
        } catch (const std::exception& e) {
            error = e.what();
            return;
        }
        open = true;
    }

    void closeDatabase()
    {
        {
            QSqlDatabase d = db();
            d.close();
        } // the handle must be gone before the connection is removed
        QSqlDatabase::removeDatabase(connection);
    }

    void requireOpen() const
    {
        if (!open) throw journalError("is not available (" + error + ")");
    }

    void dropAction(std::int64_t id) const
    {
        for (const char* sql : {"DELETE FROM items WHERE action = ?", "DELETE FROM actions WHERE id = ?"}) {
            QSqlQuery q(db());
            q.prepare(QString::fromLatin1(sql));
            q.addBindValue(qint64(id));
            exec(q, "cannot prune");
        }
    }

    void pruneOld() const
    {
        QSqlQuery q(db());
        q.prepare(QStringLiteral("SELECT id FROM actions WHERE time < ?"));
        q.addBindValue(now() - options.keepSeconds);
        exec(q, "cannot prune");
        std::vector<std::int64_t> old;
        while (q.next()) old.push_back(q.value(0).toLongLong());
        for (auto id : old) dropAction(id);
    }

    // The oldest records go until the payloads fit the cap; never `current`, whose jobs are being removed.
    void enforceCap(std::int64_t current)
    {
        long long dropped = 0;
        for (;;) {
            QSqlQuery total(db());
            total.prepare(QStringLiteral("SELECT COALESCE(SUM(bytes), 0) FROM actions"));
            exec(total, "cannot prune");
            if (!total.next() || total.value(0).toLongLong() <= options.maxBytes) break;
            QSqlQuery oldest(db());
            oldest.prepare(QStringLiteral("SELECT id FROM actions WHERE id <> ? ORDER BY time, id LIMIT 1"));
            oldest.addBindValue(qint64(current));
            exec(oldest, "cannot prune");
            if (!oldest.next()) break;
            dropAction(oldest.value(0).toLongLong());
            ++dropped;
        }
        if (dropped > 0)
            warning = "the undo journal reached its size cap (" + std::to_string(options.maxBytes / (1024 * 1024))
                + " MB): " + std::to_string(dropped) + (dropped == 1 ? " older action" : " older actions")
                + " can no longer be undone";
    }

    std::int64_t actionFor(const AuditEntry& action, const std::string& server, const std::string& group)
    {
        QSqlQuery find(db());
        find.prepare(QStringLiteral("SELECT id FROM actions WHERE server = ? AND grp = ?"));
        find.addBindValue(QString::fromStdString(server));
        find.addBindValue(QString::fromStdString(group));
        exec(find, "cannot write");
        if (find.next()) return find.value(0).toLongLong();
        QSqlQuery add(db());
        add.prepare(QStringLiteral("INSERT INTO actions (grp, server, time, deployment, action, target, detail, "
                                   "reason, os_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const std::string* s : {&group, &server}) add.addBindValue(QString::fromStdString(*s));
        add.addBindValue(now());
        for (const std::string* s :
            {&action.deployment, &action.intent.action, &action.intent.target, &action.intent.detail, &action.reason})
            add.addBindValue(QString::fromStdString(*s));
        add.addBindValue(QString::fromStdString(osUser()));
        exec(add, "cannot write");
        return add.lastInsertId().toLongLong();
    }

    std::vector<std::int64_t> keep(const AuditEntry& action, const std::string& server, const std::string& group,
        const std::vector<RemovedItem>& items, std::int64_t& actionId)
    {
        if (!open) throw journalError("is not available (" + error + "): no job was removed");
        auto ids = transaction([&] {
            actionId = actionFor(action, server, group);
            std::vector<std::int64_t> out;
            out.reserve(items.size());
            long long total = 0;
            QSqlQuery q(db());
            q.prepare(QStringLiteral("INSERT INTO items (action, state, source, kind, score, moved_to, size, payload) "
                                     "VALUES (?, 0, ?, ?, ?, ?, ?, ?)"));
            for (const auto& item : items) {
                q.bindValue(0, qint64(actionId));
                q.bindValue(1, QString::fromStdString(item.key));
                q.bindValue(2, int(item.from));
                q.bindValue(3, item.score);
                q.bindValue(4, QString::fromStdString(item.movedTo));
                q.bindValue(5, qint64(item.payload.size()));
                q.bindValue(6, bytes(item.payload));
                exec(q, "cannot keep the jobs");
                out.push_back(q.lastInsertId().toLongLong());
                total += static_cast<long long>(item.payload.size());
            }
            QSqlQuery size(db());
            size.prepare(QStringLiteral("UPDATE actions SET bytes = bytes + ? WHERE id = ?"));
            size.addBindValue(qint64(total));
            size.addBindValue(qint64(actionId));
            exec(size, "cannot keep the jobs");
            return out;
        });
        // After the commit: the jobs are safe whatever pruning does.
        try {
            transaction([&] {
                pruneOld();
                enforceCap(actionId);
            });
        } catch (const std::exception& e) {
            warning = e.what();
        }
        return ids;
    }

    void settle(const std::vector<std::int64_t>& removed, const std::vector<std::int64_t>& notRemoved)
    {
        requireOpen();
        transaction([&] {
            QSqlQuery done(db());
            done.prepare(QStringLiteral("UPDATE items SET state = 1 WHERE id = ? AND state = 0"));
            for (auto id : removed) {
                done.bindValue(0, qint64(id));
                exec(done, "cannot write");
            }
            std::set<std::int64_t> touched;
            QSqlQuery which(db());
            which.prepare(QStringLiteral("SELECT action, size FROM items WHERE id = ?"));
            QSqlQuery forget(db());
            forget.prepare(QStringLiteral("DELETE FROM items WHERE id = ?"));
            QSqlQuery shrink(db());
            shrink.prepare(QStringLiteral("UPDATE actions SET bytes = bytes - ? WHERE id = ?"));
            for (auto id : notRemoved) {
                which.bindValue(0, qint64(id));
                exec(which, "cannot write");
                if (!which.next()) continue;
                const std::int64_t action = which.value(0).toLongLong();
                shrink.bindValue(0, which.value(1).toLongLong());
                shrink.bindValue(1, qint64(action));
                exec(shrink, "cannot write");
                forget.bindValue(0, qint64(id));
                exec(forget, "cannot write");
                touched.insert(action);
            }
            // A write that removed nothing leaves nothing to undo.
            QSqlQuery empty(db());
            empty.prepare(QStringLiteral(
                "DELETE FROM actions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM items WHERE action = actions.id)"));
            for (auto action : touched) {
                empty.bindValue(0, qint64(action));
                exec(empty, "cannot write");
            }
        });
    }

    std::vector<UndoAction> actions(const std::string& server, std::optional<std::int64_t> id) const
    {
        std::vector<UndoAction> out;
        if (!open) return out;
        QString sql = QStringLiteral(
            "SELECT a.id, a.time, a.deployment, a.server, a.action, a.target, a.detail, a.reason, a.os_user, "
            "(SELECT COUNT(*) FROM items i WHERE i.action = a.id), "
            "(SELECT COUNT(*) FROM items i WHERE i.action = a.id AND i.state < 2), a.restored_at "
            "FROM actions a WHERE 1 = 1");
        if (!server.empty()) sql += QStringLiteral(" AND a.server = :server");
        if (id) sql += QStringLiteral(" AND a.id = :id");
        sql += QStringLiteral(" ORDER BY a.time DESC, a.id DESC");
        QSqlQuery q(db());
        q.prepare(sql);
        if (!server.empty()) q.bindValue(QStringLiteral(":server"), QString::fromStdString(server));
        if (id) q.bindValue(QStringLiteral(":id"), qint64(*id));
        exec(q, "cannot be read");
        while (q.next()) {
            UndoAction a;
            a.id = q.value(0).toLongLong();
            a.time = q.value(1).toDouble();
            a.deployment = q.value(2).toString().toStdString();
            a.server = q.value(3).toString().toStdString();
            a.action = q.value(4).toString().toStdString();
            a.target = q.value(5).toString().toStdString();
            a.detail = q.value(6).toString().toStdString();
            a.reason = q.value(7).toString().toStdString();
            a.osUser = q.value(8).toString().toStdString();
            a.count = q.value(9).toLongLong();
            a.restorable = q.value(10).toLongLong();
            if (!q.value(11).isNull()) a.restoredAt = q.value(11).toDouble();
            out.push_back(std::move(a));
        }
        return out;
    }

    std::vector<UndoItem> items(std::int64_t action, std::int64_t from, int limit, bool descending) const
    {
        requireOpen();
        QSqlQuery q(db());
        q.prepare(descending ? QStringLiteral("SELECT id, state, source, kind, score, moved_to, payload FROM items "
                                              "WHERE action = ? AND state < 2 AND id < ? ORDER BY id DESC LIMIT ?")
                             : QStringLiteral("SELECT id, state, source, kind, score, moved_to, payload FROM items "
                                              "WHERE action = ? AND state < 2 AND id > ? ORDER BY id LIMIT ?"));
        q.addBindValue(qint64(action));
        q.addBindValue(qint64(from));
        q.addBindValue(limit);
        exec(q, "cannot be read");
        std::vector<UndoItem> out;
        while (q.next()) {
            UndoItem u;
            u.id = q.value(0).toLongLong();
            u.settled = q.value(1).toInt() == Removed;
            u.item.key = q.value(2).toString().toStdString();
            u.item.from = static_cast<RemovedItem::From>(q.value(3).toInt());
            u.item.score = q.value(4).toDouble();
            u.item.movedTo = q.value(5).toString().toStdString();
            u.item.payload = str(q.value(6));
            out.push_back(std::move(u));
        }
        return out;
    }

    void markRestored(std::int64_t action, const std::vector<std::int64_t>& items)
    {
        requireOpen();
        transaction([&] {
            QSqlQuery q(db());
            q.prepare(QStringLiteral("UPDATE items SET state = 2 WHERE id = ?"));
            for (auto id : items) {
                q.bindValue(0, qint64(id));
                exec(q, "cannot write");
            }
            QSqlQuery a(db());
            a.prepare(QStringLiteral("UPDATE actions SET restored_at = ? WHERE id = ?"));
            a.addBindValue(now());
            a.addBindValue(qint64(action));
            exec(a, "cannot write");
        });
    }
};

UndoJournal::UndoJournal()
    : UndoJournal(Options {})
{
}

UndoJournal::UndoJournal(Options options)
    : d(std::make_unique<Impl>())
{
    d->options = std::move(options);
    d->path = d->options.file.isEmpty() ? defaultFile() : d->options.file;
    d->connection = QStringLiteral("kiq-undo-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    // Opened on its thread without waiting: the app makes the journal on the GUI thread. Calls queue behind it.
    d->tasks.push_back([impl = d.get()] { impl->openDatabase(); });
    d->thread = std::thread([impl = d.get()] { impl->loop(); });
}

UndoJournal::~UndoJournal()
{
    d->run([impl = d.get()] { impl->closeDatabase(); });
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_one();
    d->thread.join();
}

QString UndoJournal::defaultFile()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("undo.sqlite"));
}

QString UndoJournal::file() const
{
    return d->path;
}

bool UndoJournal::isOpen() const
{
    return d->run([impl = d.get()] { return impl->open; });
}

std::string UndoJournal::error() const
{
    return d->run([impl = d.get()] { return impl->error; });
}

std::vector<std::int64_t> UndoJournal::keep(const AuditEntry& action, const std::string& server,
    const std::string& group, const std::vector<RemovedItem>& items)
{
    std::int64_t record = 0;
    auto ids = d->run([&] { return d->keep(action, server, group, items, record); });
    std::lock_guard lock(m_lastMutex);
    m_last[std::this_thread::get_id()] = record;
    return ids;
}

std::optional<std::int64_t> UndoJournal::takeLastAction()
{
    std::lock_guard lock(m_lastMutex);
    const auto found = m_last.find(std::this_thread::get_id());
    if (found == m_last.end()) return std::nullopt;
    const std::int64_t id = found->second;
    m_last.erase(found);
    return id;
}

void UndoJournal::settle(const std::vector<std::int64_t>& removed, const std::vector<std::int64_t>& notRemoved)
{
    d->run([&] { d->settle(removed, notRemoved); });
}

std::vector<UndoAction> UndoJournal::actions(const std::string& server) const
{
    return d->run([&] { return d->actions(server, std::nullopt); });
}

std::optional<UndoAction> UndoJournal::action(std::int64_t id) const
{
    auto found = d->run([&] { return d->actions({}, id); });
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::vector<UndoItem> UndoJournal::items(std::int64_t action, std::int64_t from, int limit, bool descending) const
{
    return d->run([&] { return d->items(action, from, limit, descending); });
}

void UndoJournal::markRestored(std::int64_t action, const std::vector<std::int64_t>& items)
{
    d->run([&] { d->markRestored(action, items); });
}

void UndoJournal::prune()
{
    d->run([&] {
        d->requireOpen();
        d->transaction([&] { d->pruneOld(); });
    });
}

std::string UndoJournal::takeWarning()
{
    return d->run([&] { return std::exchange(d->warning, {}); });
}

// --- restore ------------------------------------------------------------------------------------------

namespace {
constexpr int kRestoreChunk = 500;

// KEYS: the sorted sets involved. ARGV: quads of (source index, dead-copy index or 0, score, payload).
// Each job goes back unless it is there already; a killed job's copy leaves the dead set either way (the
// kill made it). Types are checked before the first write (Lua does not roll back). Returns 1 (restored)
// or 0 (there already) per job.
const redis::Script kRestoreToSets(R"lua(
for i = 1, #KEYS do
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= 'zset' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is a ' .. t .. ', not a sorted set; no job was restored')
  end
end
local out = {}
for i = 1, #ARGV, 4 do
  local key = KEYS[tonumber(ARGV[i])]
  local job = ARGV[i + 3]
  if redis.call('ZSCORE', key, job) then
    out[#out + 1] = 0
  else
    redis.call('ZADD', key, ARGV[i + 2], job)
    out[#out + 1] = 1
  end
  local copy = tonumber(ARGV[i + 1])
  if copy > 0 then redis.call('ZREM', KEYS[copy], job) end
end
return out
)lua");

// KEYS[1] the list, KEYS[2] `queues`. ARGV[1] 'L' or 'R' (the end), ARGV[2] the queue's name or '' (not a
// queue), then the jobs in push order. The type is checked before the first write.
const redis::Script kRestoreToList(R"lua(
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'none' and t ~= 'list' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' is a ' .. t .. ', not a list; no job was restored')
end
if ARGV[2] ~= '' then redis.call('SADD', KEYS[2], ARGV[2]) end
if ARGV[1] == 'L' then
  return redis.call('LPUSH', KEYS[1], unpack(ARGV, 3))
end
return redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
)lua");

QByteArray digest(const std::string& payload)
{
    return QCryptographicHash::hash(bytes(payload), QCryptographicHash::Sha256);
}

struct DigestHash {
    std::size_t operator()(const QByteArray& d) const { return qHash(d); }
};
using Digests = std::unordered_set<QByteArray, DigestHash>;

// What a list holds now, read in bounded pages; a restore skips these jobs.
Digests listDigests(redis::Client& client, const std::string& key)
{
    Digests out;
    constexpr long long page = 1000;
    for (long long offset = 0;; offset += page) {
        const auto items = client.command(redis::Command("LRANGE").key(key).arg(offset).arg(offset + page - 1))
                               .throwIfError()
                               .asStringList();
        for (const auto& item : items) out.insert(digest(item));
        if (static_cast<long long>(items.size()) < page) return out;
    }
}

void restoreSets(redis::Client& client, UndoJournal& journal, std::int64_t id, RestoreResult& result)
{
    for (std::int64_t after = 0;;) {
        auto page = journal.items(id, after, kRestoreChunk, false);
        if (page.empty()) return;
        after = page.back().id;
        redis::Script::Call call;
        auto keyIndex = [&](const std::string& key) {
            for (std::size_t i = 0; i < call.keys.size(); ++i)
                if (call.keys[i] == key) return std::to_string(i + 1);
            call.keys.push_back(key);
            return std::to_string(call.keys.size());
        };
        std::vector<std::int64_t> done;
        for (const auto& u : page) {
            if (u.item.from != RemovedItem::From::SortedSet) continue;
            call.args.push_back(keyIndex(u.item.key));
            call.args.push_back(u.item.movedTo.empty() ? "0" : keyIndex(u.item.movedTo));
            call.args.push_back(util::formatRubyFloat(u.item.score));
            call.args.push_back(u.item.payload);
            done.push_back(u.id);
        }
        if (done.empty()) continue;
        const auto reply = kRestoreToSets.run(client, call.keys, call.args);
        for (const auto& flag : reply.throwIfError().asArray())
            (flag.asInteger() == 1 ? result.restored : result.skipped) += 1;
        journal.markRestored(id, done);
    }
}

void restoreLists(redis::Client& client, UndoJournal& journal, std::int64_t id, RestoreResult& result)
{
    // Newest item first: an end's first-removed job is pushed last, so it is at that end again.
    std::map<std::string, Digests> present;
    for (std::int64_t before = std::numeric_limits<std::int64_t>::max();;) {
        const auto page = journal.items(id, before, kRestoreChunk, true);
        if (page.empty()) return;
        before = page.back().id;
        // Consecutive items of one list and end go in one call.
        for (std::size_t start = 0; start < page.size();) {
            const RemovedItem& first = page[start].item;
            std::size_t end = start;
            while (end < page.size() && page[end].item.key == first.key && page[end].item.from == first.from) ++end;
            if (first.from == RemovedItem::From::SortedSet) {
                start = end;
                continue;
            }
            auto found = present.find(first.key);
            if (found == present.end()) found = present.emplace(first.key, listDigests(client, first.key)).first;
            const std::string queue = first.key.rfind("queue:", 0) == 0 ? first.key.substr(6) : std::string();
            redis::Script::Call call {
                {first.key, "queues"}, {first.from == RemovedItem::From::ListLeft ? "L" : "R", queue}};
            std::vector<std::int64_t> done;
            for (std::size_t i = start; i < end; ++i) {
                done.push_back(page[i].id);
                if (found->second.count(digest(page[i].item.payload))) {
                    ++result.skipped;
                    continue;
                }
                call.args.push_back(page[i].item.payload);
            }
            if (call.args.size() > 2) {
                kRestoreToList.run(client, call.keys, call.args).throwIfError();
                result.restored += static_cast<long long>(call.args.size() - 2);
            }
            journal.markRestored(id, done);
            start = end;
        }
    }
}
} // namespace

RestoreResult restoreAction(redis::Client& client, WriteGate& gate, UndoJournal& journal, std::int64_t id)
{
    const auto action = journal.action(id);
    if (!action) throw redis::UsageError("no undo record " + std::to_string(id));
    const std::string here = serverOf(client.options());
    if (action->server != here)
        throw redis::UsageError("undo record " + std::to_string(id) + " was removed from " + action->server
            + ", not from " + here + ": connect there to restore it");
    RestoreResult result;
    gate.perform(
        {"restore", action->target, action->restorable, "undo " + std::to_string(id) + ": " + action->action}, [&] {
            restoreSets(client, journal, id, result);
            restoreLists(client, journal, id, result);
            return WriteOutcome {result.restored, {}};
        });
    return result;
}

} // namespace kiq::write
