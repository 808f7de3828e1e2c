#include "write/AuditReader.h"

#include "redis/Client.h"
#include "write/AuditTrail.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

#include <cmath>
#include <stdexcept>

namespace kiq::write {

namespace {
constexpr long long kPage = 1000;

std::vector<AuditRecord> parseEntries(const redis::Reply& reply)
{
    std::vector<AuditRecord> out;
    for (const auto& entry : reply.throwIfError().asArray()) {
        const auto& parts = entry.asArray();
        if (parts.size() != 2) continue;
        AuditRecord r;
        r.id = parts[0].asString();
        const auto values = parts[1].asStringList();
        for (std::size_t i = 0; i + 1 < values.size(); i += 2) r.fields.emplace_back(values[i], values[i + 1]);
        out.push_back(std::move(r));
    }
    return out;
}

// "(" before an ID makes the range exclusive (Redis 6.2+).
std::string exclusive(const std::string& id)
{
    return "(" + id;
}

std::string msId(double seconds)
{
    return std::to_string(static_cast<long long>(std::floor(seconds * 1000)));
}
} // namespace

bool AuditFilter::matches(const AuditRecord& r) const
{
    if (!user.empty() && r.get("user") != user && r.get("acl_user") != user) return false;
    if (!action.empty() && r.get("action") != action) return false;
    const double t = r.time();
    if (since && t < *since) return false;
    if (until && t > *until) return false;
    return true;
}

std::vector<AuditRecord> readAuditStream(redis::Client& client)
{
    std::vector<AuditRecord> all;
    std::string from = "-";
    for (;;) {
        auto page = parseEntries(client.command(
            redis::Command("XRANGE").key(AuditTrail::kStreamKey).arg(from).arg("+").arg("COUNT").arg(kPage)));
        const bool more = static_cast<long long>(page.size()) == kPage;
        if (!page.empty()) from = exclusive(page.back().id);
        std::move(page.begin(), page.end(), std::back_inserter(all));
        if (!more) return all;
    }
}

std::vector<AuditRecord> listAuditStream(redis::Client& client, const AuditFilter& filter)
{
    std::vector<AuditRecord> out;
    // A writer's clock may be a little off the server's: read a minute wider, filter on the entry's time.
    std::string to = filter.until ? msId(*filter.until + 60) : "+";
    const std::string from = filter.since ? msId(*filter.since - 60) : "-";
    for (;;) {
        auto page = parseEntries(client.command(
            redis::Command("XREVRANGE").key(AuditTrail::kStreamKey).arg(to).arg(from).arg("COUNT").arg(kPage)));
        for (auto& r : page) {
            if (!filter.matches(r)) continue;
            out.push_back(std::move(r));
            if (filter.limit && out.size() >= filter.limit) return out;
        }
        if (static_cast<long long>(page.size()) < kPage) return out;
        to = exclusive(page.back().id);
    }
}

std::vector<AuditRecord> readAuditFile(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists()) return {};
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the audit file " + path + ": " + file.errorString().toStdString());
    std::vector<AuditRecord> out;
    long long line = 0;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine().trimmed();
        ++line;
        if (text.isEmpty()) continue;
        AuditRecord r = AuditRecord::fromJson(QJsonDocument::fromJson(text).object()).value_or(AuditRecord {});
        r.id = "local:" + std::to_string(line);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<AuditRecord> filterAudit(const std::vector<AuditRecord>& oldestFirst, const AuditFilter& filter)
{
    std::vector<AuditRecord> out;
    for (auto it = oldestFirst.rbegin(); it != oldestFirst.rend(); ++it) {
        if (!filter.matches(*it)) continue;
        out.push_back(*it);
        if (filter.limit && out.size() >= filter.limit) break;
    }
    return out;
}

std::optional<double> parseAuditTime(const std::string& text, double now)
{
    if (text.size() >= 2) {
        const char unit = text.back();
        const double scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
        if (scale > 0) {
            bool ok = false; // not std::stod, which follows the process locale
            const double n = QByteArray::fromStdString(text.substr(0, text.size() - 1)).toDouble(&ok);
            if (ok && n >= 0 && std::isfinite(n)) return now - n * scale;
        }
    }
    for (const auto format : {Qt::ISODateWithMs, Qt::ISODate}) {
        QDateTime t = QDateTime::fromString(QString::fromStdString(text), format);
        if (!t.isValid()) {
            const QDate d = QDate::fromString(QString::fromStdString(text), format);
            if (d.isValid()) t = d.startOfDay();
        }
        if (t.isValid()) return double(t.toMSecsSinceEpoch()) / 1000;
    }
    return std::nullopt;
}

} // namespace kiq::write
