#include "write/AuditRecord.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSysInfo>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace kiq::write {

namespace {
// The order the writer stores fields in; canonicalBytes() sorts by it.
constexpr std::array<std::string_view, 18> kFieldOrder {"time", "user", "host", "acl_user", "deployment", "action",
    "target", "detail", "requested", "done", "skipped", "jids", "reason", "armed_by", "outcome", "error", "prev",
    "hash"};

std::size_t rank(std::string_view name)
{
    return std::size_t(std::find(kFieldOrder.begin(), kFieldOrder.end(), name) - kFieldOrder.begin());
}

void appendLengthPrefixed(std::string& out, std::string_view text)
{
    out += std::to_string(text.size());
    out += ':';
    out += text;
}

QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
} // namespace

std::string AuditRecord::get(std::string_view name) const
{
    for (const auto& [key, value] : fields)
        if (key == name) return value;
    return {};
}

void AuditRecord::set(std::string_view name, std::string value)
{
    for (auto& [key, v] : fields) {
        if (key == name) {
            v = std::move(value);
            return;
        }
    }
    fields.emplace_back(std::string(name), std::move(value));
}

double AuditRecord::time() const
{
    // Not std::stod: the process locale (which Qt sets from the environment) may use a decimal comma.
    bool ok = false;
    const double t = QByteArray::fromStdString(get("time")).toDouble(&ok);
    return ok ? t : 0;
}

std::string AuditRecord::canonicalBytes() const
{
    std::vector<const std::pair<std::string, std::string>*> sorted;
    for (const auto& f : fields)
        if (f.first != "hash") sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        const std::size_t ra = rank(a->first), rb = rank(b->first);
        return ra != rb ? ra < rb : (ra == kFieldOrder.size() && a->first < b->first);
    });
    std::string out;
    for (const auto* f : sorted) {
        appendLengthPrefixed(out, f->first);
        appendLengthPrefixed(out, f->second);
    }
    return out;
}

std::string AuditRecord::computeHash() const
{
    const std::string bytes = canonicalBytes();
    return QCryptographicHash::hash(QByteArrayView(bytes.data(), qsizetype(bytes.size())), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

QJsonObject AuditRecord::toJson() const
{
    QJsonObject o;
    if (!id.empty()) o.insert(QStringLiteral("id"), qs(id));
    for (const auto& [key, value] : fields) o.insert(qs(key), qs(value));
    return o;
}

std::optional<AuditRecord> AuditRecord::fromJson(const QJsonObject& object)
{
    if (!object.contains(QStringLiteral("hash"))) return std::nullopt;
    AuditRecord r;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString()) return std::nullopt; // the writer stores strings only
        if (it.key() == QStringLiteral("id"))
            r.id = it.value().toString().toStdString();
        else
            r.fields.emplace_back(it.key().toStdString(), it.value().toString().toStdString());
    }
    return r;
}

std::string AuditRecord::toJsonLine() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact).toStdString();
}

AuditIdentity AuditIdentity::of(const redis::ConnectionOptions& options)
{
    return {osUser(), QSysInfo::machineHostName().toStdString(), options.user.empty() ? "default" : options.user};
}

AuditRecord makeAuditRecord(const AuditEntry& entry, const AuditIdentity& who)
{
    // Milliseconds, written without printf: a locale with a decimal comma must not change the bytes.
    const long long ms = std::llround(entry.time * 1000);
    std::string millis = std::to_string(std::llabs(ms % 1000));
    millis.insert(0, 3 - millis.size(), '0');
    const std::string time = std::to_string(ms / 1000) + "." + millis;
    std::string jids;
    for (std::size_t i = 0; i < entry.intent.sampleJids.size() && i < kSampleJids; ++i)
        jids += (i ? "," : "") + entry.intent.sampleJids[i];
    AuditRecord r;
    r.fields = {{"time", time}, {"user", who.user}, {"host", who.host}, {"acl_user", who.aclUser},
        {"deployment", entry.deployment}, {"action", entry.intent.action}, {"target", entry.intent.target},
        {"detail", entry.intent.detail}, {"requested", std::to_string(entry.intent.requested)},
        {"done", std::to_string(entry.affected)}, {"skipped", std::to_string(entry.skipped)}, {"jids", jids},
        {"reason", entry.reason}, {"armed_by", entry.armedBy}, {"outcome", entry.ok ? "ok" : "error"},
        {"error", entry.error}};
    return r;
}

} // namespace kiq::write
