#include "storage/ReplayJournal.h"

#include "redaction/Redaction.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace kiq::storage {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
std::string s(const QJsonValue& v)
{
    return v.toString().toStdString();
}
} // namespace

ReplayJournal::ReplayJournal(std::string path)
    : m_path(std::move(path))
{
}

std::string ReplayJournal::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("replays.jsonl"))
        .toStdString();
}

void ReplayJournal::append(const std::string& line) const
{
    QDir().mkpath(QFileInfo(QString::fromStdString(m_path)).absolutePath());
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write the replay journal " + m_path);
    const ssize_t n = ::write(fd, line.data(), line.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size())) throw std::runtime_error("cannot write the replay journal " + m_path);
}

void ReplayJournal::recordReplays(const std::string& source, const std::string& target,
    const std::vector<kiq::sidekiq::ReplayCopy>& copies, double at) const
{
    std::string lines;
    for (const auto& c : copies) {
        if (!c.ok()) continue;
        const QJsonObject replay {{"source", q(source)}, {"jid", q(c.originalJid)}, {"target", q(target)},
            {"copy", q(c.jid)}, {"queue", q(c.queue)}, {"at", at}};
        lines += QJsonDocument(QJsonObject {{"replay", replay}}).toJson(QJsonDocument::Compact).toStdString() + "\n";
    }
    if (!lines.empty()) append(lines);
}

void ReplayJournal::recordOutcome(
    const std::string& jid, bool ok, const std::string& errorClass, const std::string& errorMessage, double at) const
{
    QJsonObject outcome {{"copy", q(jid)}, {"ok", ok}, {"at", at}};
    if (!ok) {
        outcome["error_class"] = q(errorClass);
        outcome["error_message"] = q(redaction::Redactor().text(errorMessage.substr(0, 1000)));
    }
    append(QJsonDocument(QJsonObject {{"outcome", outcome}}).toJson(QJsonDocument::Compact).toStdString() + "\n");
}

std::vector<ReplayEntry> ReplayJournal::read(
    const std::string& source, const std::string& originalJid, const std::string& copyJid) const
{
    std::vector<ReplayEntry> out;
    QFile file(QString::fromStdString(m_path));
    if (!file.open(QIODevice::ReadOnly)) return out;
    std::vector<QJsonObject> outcomes;
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        if (const QJsonObject r = line.value("replay").toObject(); !r.isEmpty()) {
            const bool wanted
                = copyJid.empty() ? s(r["source"]) == source && s(r["jid"]) == originalJid : s(r["copy"]) == copyJid;
            if (wanted)
                out.push_back({s(r["source"]), s(r["jid"]), s(r["target"]), s(r["copy"]), s(r["queue"]),
                    r["at"].toDouble(), ReplayEntry::Outcome::Unknown, {}, {}, 0});
        } else if (const QJsonObject o = line.value("outcome").toObject(); !o.isEmpty()) {
            outcomes.push_back(o);
        }
    }
    for (const QJsonObject& o : outcomes) // the last outcome of a copy wins (a re-run)
        for (ReplayEntry& e : out)
            if (e.jid == s(o["copy"])) {
                e.outcome = o["ok"].toBool() ? ReplayEntry::Outcome::Succeeded : ReplayEntry::Outcome::Failed;
                e.errorClass = s(o["error_class"]);
                e.errorMessage = s(o["error_message"]);
                e.finishedAt = o["at"].toDouble();
            }
    return out;
}

std::vector<ReplayEntry> ReplayJournal::replaysOf(const std::string& source, const std::string& originalJid) const
{
    return read(source, originalJid, {});
}

std::optional<ReplayEntry> ReplayJournal::copy(const std::string& jid) const
{
    auto found = read({}, {}, jid);
    if (found.empty()) return std::nullopt;
    return found.back();
}

} // namespace kiq::storage
