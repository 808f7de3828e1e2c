#include "storage/ProfileFile.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace kiq::storage {

namespace {
const QString kVersionKey = QStringLiteral("kiqdesk_profiles");
// The store keeps the health thresholds as a compact JSON string; the file shows them as an object.
const QString kHealthKey = QStringLiteral("health");

// "tls/enabled" → {"tls": {"enabled": …}}: readable and diffable by people, not only by Kiqdesk.
void insertNested(QJsonObject& object, const QStringList& path, const QJsonValue& value)
{
    if (path.size() == 1) {
        object.insert(path.front(), value);
        return;
    }
    QJsonObject child = object.value(path.front()).toObject();
    insertNested(child, path.mid(1), value);
    object.insert(path.front(), child);
}

void flatten(const QJsonObject& object, const QString& prefix, QVariantMap& out)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix + it.key();
        if (key == kHealthKey && it->isObject())
            out.insert(key, QString::fromUtf8(QJsonDocument(it->toObject()).toJson(QJsonDocument::Compact)));
        else if (it->isObject())
            flatten(it->toObject(), key + u'/', out);
        else
            out.insert(key, it->toVariant());
    }
}

QJsonObject toJson(const ConnectionProfile& profile)
{
    QJsonObject out;
    const QVariantMap map = profileToMap(profile);
    for (auto it = map.begin(); it != map.end(); ++it) {
        QJsonValue value = QJsonValue::fromVariant(*it);
        if (it.key() == kHealthKey) {
            const QJsonObject health = QJsonDocument::fromJson(it->toString().toUtf8()).object();
            if (health.isEmpty()) continue; // the defaults: nothing to say
            value = health;
        }
        insertNested(out, it.key().split(u'/'), value);
    }
    return out;
}

// Keys whose difference matters to the person importing; a reordered map is not a change.
QStringList differingKeys(const ConnectionProfile& a, const ConnectionProfile& b)
{
    const QVariantMap x = profileToMap(a), y = profileToMap(b);
    QStringList keys = x.keys() + y.keys();
    keys.removeDuplicates();
    keys.sort();
    QStringList out;
    for (const QString& key : keys)
        if (x.value(key) != y.value(key)) out << key;
    return out;
}
} // namespace

QByteArray writeProfilesFile(const QList<ConnectionProfile>& profiles)
{
    QJsonArray list;
    for (const auto& p : profiles) list.append(toJson(p));
    const QJsonObject root {{kVersionKey, kProfilesFileVersion},
        {QStringLiteral("exported_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("profiles"), list}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

ProfilesFileRead readProfilesFile(const QByteArray& bytes)
{
    ProfilesFileRead out;
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
    if (parse.error != QJsonParseError::NoError) {
        out.error = QStringLiteral("not a JSON file: %1 at byte %2").arg(parse.errorString()).arg(parse.offset);
        return out;
    }
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(kVersionKey);
    if (!version.isDouble()) {
        out.error = QStringLiteral("not a Kiqdesk profiles file (it has no \"%1\" version)").arg(kVersionKey);
        return out;
    }
    if (version.toInt() > kProfilesFileVersion) {
        out.error = QStringLiteral("written by a newer Kiqdesk (profiles file version %1; this one reads up to %2)")
                        .arg(version.toInt())
                        .arg(kProfilesFileVersion);
        return out;
    }
    const QJsonArray list = root.value(QStringLiteral("profiles")).toArray();
    QStringList ids;
    for (int i = 0; i < list.size(); ++i) {
        QVariantMap map;
        flatten(list[i].toObject(), QString(), map);
        ConnectionProfile p = profileFromMap(map);
        if (p.id.isEmpty() || p.name.isEmpty()) {
            out.error = QStringLiteral("profile %1 in the file has no id or no name").arg(i + 1);
            out.profiles.clear();
            return out;
        }
        if (ids.contains(p.id)) {
            out.error = QStringLiteral("the id %1 appears twice in the file").arg(p.id);
            out.profiles.clear();
            return out;
        }
        ids << p.id;
        out.profiles << p;
    }
    return out;
}

QList<ProfileChange> importChanges(const QList<ConnectionProfile>& saved, const QList<ConnectionProfile>& incoming)
{
    QList<ProfileChange> out;
    for (const auto& p : incoming) {
        ProfileChange change {ProfileChange::Kind::Added, p.id, p.name, {}};
        const auto it = std::find_if(saved.begin(), saved.end(), [&](const auto& s) { return s.id == p.id; });
        if (it != saved.end()) {
            change.fields = differingKeys(*it, p);
            change.kind = change.fields.isEmpty() ? ProfileChange::Kind::Unchanged : ProfileChange::Kind::Changed;
        }
        out << change;
    }
    return out;
}

} // namespace kiq::storage
