#include "health/IncidentSnapshot.h"

#include "redaction/Redaction.h"
#include "redis/Errors.h"
#include "server/ServerInfo.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/api/Stats.h"
#include "sidekiq/model/FailureFingerprint.h"
#include "sidekiq/search/JobFilter.h"
#include "util/SaveFile.h"
#include "util/ThreadPriority.h"
#include "write/AuditReader.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace kiq::health {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string json(const QJsonValue& value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return doc.toJson(QJsonDocument::Indented).toStdString();
}

std::string isoUtc(double epochSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(epochSeconds * 1000), Qt::UTC)
        .toString(Qt::ISODate)
        .toStdString();
}

// A job payload as the rules show it, as JSON (a payload that is not JSON stays a string).
QJsonValue shownPayload(const redaction::Redactor& r, const std::string& raw)
{
    const std::string shown = r.payload(raw);
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(shown));
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(q(shown));
}

std::string countersFile(const sidekiq::StatsSnapshot& s)
{
    QJsonArray queues;
    for (const auto& queue : s.queues)
        queues.append(QJsonObject {{"name", q(queue.name)}, {"size", queue.size},
            {"latency_seconds", queue.latencySeconds}, {"paused", queue.paused}});
    return json(QJsonObject {{"processed", s.processed}, {"failed", s.failed}, {"enqueued", s.enqueued},
        {"scheduled", s.scheduledSize}, {"retry", s.retrySize}, {"dead", s.deadSize}, {"processes", s.processesSize},
        {"busy", s.workersSize}, {"queues", queues}});
}

std::string healthFile(const HealthReport& report)
{
    QJsonArray checks;
    for (const auto& r : report.results) {
        QJsonObject o {{"id", q(r.id)}, {"state", checkStateName(r.state)}, {"message", q(r.message)}};
        if (!r.subject.empty()) o["queue"] = q(r.subject);
        o["value"] = r.value ? QJsonValue(*r.value) : QJsonValue();
        o["threshold"] = r.threshold ? QJsonValue(*r.threshold) : QJsonValue();
        checks.append(o);
    }
    return json(QJsonObject {{"state", checkStateName(report.worst())}, {"checks", checks}});
}

std::string seriesFile(const std::vector<OverviewSample>& samples)
{
    std::string out = "time_utc,epoch_seconds,processed,failed,enqueued,busy,used_memory_bytes,ops_per_sec\n";
    for (const auto& s : samples)
        out += isoUtc(s.takenAt) + "," + std::to_string(static_cast<long long>(s.takenAt)) + ","
            + std::to_string(s.processed) + "," + std::to_string(s.failed) + "," + std::to_string(s.enqueued) + ","
            + std::to_string(s.busy) + "," + std::to_string(s.usedMemory) + "," + std::to_string(s.opsPerSec) + "\n";
    return out;
}

std::string dailyFile(const std::vector<sidekiq::DailyCount>& days)
{
    std::string out = "date,processed,failed\n";
    for (const auto& d : days)
        out += d.date + "," + std::to_string(d.processed) + "," + std::to_string(d.failed) + "\n";
    return out;
}

struct Group {
    sidekiq::FailureFingerprint fingerprint;
    long long retry = 0, dead = 0;
    double first = 0, last = 0;
    QJsonArray samples;
};

// The newest jobs of retry and dead that failed in the window, grouped by cause.
std::string failureGroupsFile(
    redis::Client& client, const IncidentOptions& o, double since, std::vector<std::string>& problems)
{
    std::map<std::uint64_t, Group> groups;
    QJsonObject read;
    std::unique_ptr<redis::LoadPacer> pacer;
    redis::LoadPacer::rebudget(pacer, o.budget);
    const util::BackgroundPriority lowered(pacer != nullptr); // our parsing must not hold a Redis on this host
    const auto probe = redis::LoadPacer::probeOf(client);
    for (const auto kind : {sidekiq::JobSetKind::Retry, sidekiq::JobSetKind::Dead}) {
        long long offset = 0, examined = 0;
        try {
            while (examined < static_cast<long long>(o.failuresRead)) {
                const auto n = static_cast<long long>(std::min<std::size_t>(
                    pacer ? pacer->size(redis::LoadPacer::Read, 1000) : 1000, o.failuresRead - std::size_t(examined)));
                // Newest first by score: for dead the time of death, for retry the next attempt (later
                // attempts follow later failures), each checked by its own failed_at below.
                const auto page = redis::LoadPacer::call(
                    pacer.get(), redis::LoadPacer::Read, probe,
                    [&] { return sidekiq::pageByRank(client, kind, offset, n, true); },
                    [](const auto& entries) { return entries.size(); });
                for (const auto& e : page) {
                    const auto at = sidekiq::jobTime(e.job);
                    if (!at || *at < since || !e.job.errorClass) continue;
                    const auto fp = sidekiq::FailureFingerprint::of(e.job);
                    Group& g = groups[fp.hash];
                    if (g.retry + g.dead == 0) {
                        g.fingerprint = fp;
                        g.first = g.last = *at;
                    }
                    (kind == sidekiq::JobSetKind::Retry ? g.retry : g.dead) += 1;
                    g.first = std::min(g.first, *at);
                    g.last = std::max(g.last, *at);
                    if (g.samples.size() < static_cast<qsizetype>(o.samplesPerGroup))
                        g.samples.append(shownPayload(*o.redactor, e.job.raw));
                }
                examined += static_cast<long long>(page.size());
                offset += static_cast<long long>(page.size());
                if (static_cast<long long>(page.size()) < n) break;
            }
        } catch (const redis::ReplyError& e) {
            problems.push_back(std::string("failure groups: ") + sidekiq::setName(kind) + ": " + e.what());
        }
        read[sidekiq::setName(kind)] = examined;
    }
    std::vector<const Group*> sorted;
    for (const auto& [hash, g] : groups) sorted.push_back(&g);
    std::sort(sorted.begin(), sorted.end(), [](const Group* a, const Group* b) {
        return a->retry + a->dead != b->retry + b->dead ? a->retry + a->dead > b->retry + b->dead
                                                        : a->fingerprint.hash < b->fingerprint.hash;
    });
    if (sorted.size() > o.topGroups) sorted.resize(o.topGroups);
    QJsonArray out;
    for (const Group* g : sorted) {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(g->fingerprint.hash));
        out.append(QJsonObject {{"group", hex}, {"class", q(g->fingerprint.displayClass)},
            {"error_class", q(g->fingerprint.errorClass)},
            {"message", q(o.redactor->text(g->fingerprint.normalizedMessage))}, {"count", g->retry + g->dead},
            {"retry", g->retry}, {"dead", g->dead}, {"first_failed_utc", q(isoUtc(g->first))},
            {"last_failed_utc", q(isoUtc(g->last))}, {"samples", g->samples}});
    }
    return json(QJsonObject {{"read", read}, {"groups", out}});
}

std::string processesFile(redis::Client& client, const redaction::Redactor& r)
{
    const sidekiq::ProcessList list = sidekiq::listProcesses(client);
    std::vector<std::string> identities;
    for (const auto& p : list.live) identities.push_back(p.identity);
    std::map<std::string, QJsonArray> busy;
    for (const auto& b : sidekiq::listBusyJobs(client, identities))
        busy[b.identity].append(QJsonObject {{"thread", q(b.work.threadId)}, {"queue", q(b.work.queue)},
            {"run_at", b.work.runAt ? QJsonValue(qint64(*b.work.runAt)) : QJsonValue()},
            {"payload", shownPayload(r, b.work.payload.raw)}});
    QJsonArray processes;
    for (const auto& p : list.live) {
        QJsonArray queues;
        for (const auto& queue : p.queues) queues.append(q(queue));
        processes.append(QJsonObject {{"identity", q(p.identity)}, {"hostname", q(p.hostname)}, {"pid", qint64(p.pid)},
            {"tag", q(p.tag)}, {"version", q(p.version)}, {"queues", queues},
            {"concurrency", p.concurrency ? QJsonValue(qint64(*p.concurrency)) : QJsonValue()},
            {"busy", qint64(p.busy)}, {"rss_kb", qint64(p.rssKb)}, {"quiet", p.quiet},
            {"beat_utc", p.beat ? QJsonValue(q(isoUtc(*p.beat))) : QJsonValue()},
            {"started_utc", p.startedAt ? QJsonValue(q(isoUtc(*p.startedAt))) : QJsonValue()},
            {"jobs", busy[p.identity]}});
    }
    QJsonArray expired;
    for (const auto& id : list.expired) expired.append(q(id));
    return json(QJsonObject {{"processes", processes}, {"expired", expired}});
}

std::string infoFile(const server::ServerInfo& info)
{
    std::string out;
    for (const auto& [section, fields] : info.sections) {
        out += "# " + section + "\n";
        for (const auto& [field, value] : fields) out += field + ":" + value + "\n";
        out += "\n";
    }
    return out;
}

std::string slowlogFile(const server::ServerInfo& info, const redaction::Redactor& r, double since)
{
    QJsonArray entries;
    for (const auto& e : info.slowlog) {
        if (static_cast<double>(e.timestamp) < since) continue;
        QJsonArray args;
        for (const auto& a : e.args) args.append(q(!a.empty() && a.front() == '{' ? r.payload(a) : r.text(a)));
        entries.append(QJsonObject {{"id", e.id}, {"time_utc", q(isoUtc(double(e.timestamp)))},
            {"duration_us", qint64(e.duration.count())}, {"args", args}, {"client", q(e.clientAddress)},
            {"client_name", q(e.clientName)}});
    }
    return json(entries);
}

std::string clientsFile(const server::ServerInfo& info)
{
    std::map<std::string, long long> byLibrary, byName, byUser;
    QJsonArray clients;
    for (const auto& c : info.clients) {
        const std::string lib
            = c.field("lib-name").empty() ? "(unnamed library)" : c.field("lib-name") + " " + c.field("lib-ver");
        ++byLibrary[lib];
        ++byName[c.name().empty() ? "(no name)" : c.name()];
        ++byUser[c.user().empty() ? "default" : c.user()];
        clients.append(QJsonObject {{"id", c.id()}, {"addr", q(c.address())}, {"name", q(c.name())},
            {"user", q(c.user())}, {"lib_name", q(c.field("lib-name"))}, {"lib_ver", q(c.field("lib-ver"))},
            {"age_seconds", c.ageSeconds()}, {"idle_seconds", c.idleSeconds()}, {"cmd", q(c.lastCommand())},
            {"db", c.db()}});
    }
    const auto counts = [](const std::map<std::string, long long>& m) {
        QJsonObject o;
        for (const auto& [k, n] : m) o[q(k)] = n;
        return o;
    };
    return json(QJsonObject {{"total", qint64(info.clients.size())}, {"by_library", counts(byLibrary)},
        {"by_name", counts(byName)}, {"by_user", counts(byUser)}, {"clients", clients}});
}

std::string auditFile(redis::Client& client, const redaction::Redactor& r, double since)
{
    write::AuditFilter filter;
    filter.since = since;
    auto entries = write::listAuditStream(client, filter); // newest first
    std::string out;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) out += r.text(it->toJsonLine()) + "\n";
    return out;
}

std::string safeName(const std::string& name)
{
    std::string out;
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
    return out.empty() ? "deployment" : out;
}

} // namespace

IncidentSnapshot collectIncident(redis::Client& client, const IncidentOptions& o, double now)
{
    if (!o.redactor) throw redis::UsageError("an incident snapshot needs the profile's redaction rules");
    IncidentSnapshot s;
    s.takenAt = now;
    const std::string stamp = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(now), Qt::UTC)
                                  .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))
                                  .toStdString();
    s.folder = "kiqdesk-snapshot-" + safeName(o.deployment) + "-" + stamp;
    const double since = now - o.windowSeconds;
    const auto part = [&](const char* what, auto&& read) {
        try {
            read();
        } catch (const redis::ReplyError& e) {
            s.problems.push_back(std::string(what) + ": " + e.what());
        }
    };

    HealthEvaluator evaluator;
    const HealthReport report = evaluator.evaluate(client, o.thresholds);
    if (report.stats)
        s.files.push_back({"counters.json", countersFile(*report.stats)});
    else
        s.problems.push_back("counters: the server refused the reads (see health.json)");
    s.files.push_back({"health.json", healthFile(report)});
    s.files.push_back({"series.csv", seriesFile(o.series)});
    part("daily history", [&] {
        s.files.push_back({"daily-history.csv", dailyFile(sidekiq::readHistory(client, 30, now))});
    });
    s.files.push_back({"failure-groups.json", failureGroupsFile(client, o, since, s.problems)});
    part("processes", [&] { s.files.push_back({"processes.json", processesFile(client, *o.redactor)}); });
    const server::ServerInfo info = server::loadServerInfo(client);
    if (info.infoError.empty())
        s.files.push_back({"info.txt", infoFile(info)});
    else
        s.problems.push_back("INFO: " + info.infoError);
    if (info.slowlogError.empty())
        s.files.push_back({"slowlog.json", slowlogFile(info, *o.redactor, since)});
    else
        s.problems.push_back("SLOWLOG: " + info.slowlogError);
    if (info.clientsError.empty())
        s.files.push_back({"clients.json", clientsFile(info)});
    else
        s.problems.push_back("CLIENT LIST: " + info.clientsError);
    part("audit trail", [&] { s.files.push_back({"audit.jsonl", auditFile(client, *o.redactor, since)}); });

    // README.txt goes first; its file list is written with the archive (files may still be added).
    std::string readme = "Kiqdesk incident snapshot\n\nDeployment: " + o.deployment + "\nTaken: " + isoUtc(now)
        + " (UTC)\nWindow: " + isoUtc(since) + " to " + isoUtc(now) + "\nRedaction: "
        + (o.redactor->active() ? "on: arguments, payloads, messages, slow-log arguments and audit details are "
                                  "shown as the profile's rules hide them ([REDACTED])"
                                : "OFF: the profile's rules are disabled; job data is as it is in Redis")
        + "\n";
    if (!s.problems.empty()) {
        readme += "\nNot included (the server refused or failed):\n";
        for (const auto& p : s.problems) readme += "  - " + p + "\n";
    }
    s.files.insert(s.files.begin(), {"README.txt", readme});
    return s;
}

void addIncidentFile(IncidentSnapshot& snapshot, std::string name, std::string bytes)
{
    snapshot.files.push_back({std::move(name), std::move(bytes)});
}

std::string writeIncidentArchive(const IncidentSnapshot& snapshot, const std::string& path)
{
    std::string readme = snapshot.files.empty() ? std::string() : snapshot.files.front().bytes;
    readme += "\nFiles:\n";
    for (std::size_t i = 1; i < snapshot.files.size(); ++i)
        readme += "  " + snapshot.files[i].name + " (" + std::to_string(snapshot.files[i].bytes.size()) + " bytes)\n";

    // Built in memory (a snapshot is small), then saved all or nothing.
    std::string bytesOut;
    archive* a = archive_write_new();
    const auto append = [](archive*, void* out, const void* data, size_t n) -> la_ssize_t {
        static_cast<std::string*>(out)->append(static_cast<const char*>(data), n);
        return static_cast<la_ssize_t>(n);
    };
    bool ok = archive_write_add_filter_gzip(a) == ARCHIVE_OK && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK
        && archive_write_open(a, &bytesOut, nullptr, append, nullptr) == ARCHIVE_OK;
    for (std::size_t i = 0; ok && i < snapshot.files.size(); ++i) {
        const std::string& bytes = i == 0 ? readme : snapshot.files[i].bytes;
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, (snapshot.folder + "/" + snapshot.files[i].name).c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0600);
        archive_entry_set_mtime(e, static_cast<time_t>(snapshot.takenAt), 0);
        ok = archive_write_header(a, e) == ARCHIVE_OK
            && archive_write_data(a, bytes.data(), bytes.size()) == static_cast<la_ssize_t>(bytes.size());
        archive_entry_free(e);
    }
    ok = ok && archive_write_close(a) == ARCHIVE_OK;
    const std::string error = ok ? std::string() : archive_error_string(a) ? archive_error_string(a) : "archive error";
    archive_write_free(a);
    if (!ok) return error;
    const QString saved = util::saveFile(QString::fromStdString(path), QByteArray::fromStdString(bytesOut));
    if (!saved.isEmpty()) return saved.toStdString();
    // Job data, even redacted, is for the person who took it.
    QFile::setPermissions(QString::fromStdString(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

} // namespace kiq::health
