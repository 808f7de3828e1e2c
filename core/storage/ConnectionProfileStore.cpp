#include "storage/ConnectionProfileStore.h"

#include <QDateTime>
#include <QFile>
#include <QSettings>
#include <QStringList>

#include <algorithm>

namespace kiq::storage {

using deployment::environmentFromKey;
using deployment::environmentKey;

namespace {
using kiq::redis::Endpoint;
using kiq::redis::Topology;

const QString kArray = QStringLiteral("profiles");
const QString kVersionKey = QStringLiteral("profilesVersion");

QString topologyKey(Topology t)
{
    switch (t) {
    case Topology::Standalone:
        return QStringLiteral("standalone");
    case Topology::Sentinel:
        return QStringLiteral("sentinel");
    case Topology::Cluster:
        return QStringLiteral("cluster");
    }
    return QStringLiteral("standalone");
}

Topology topologyFromKey(const QString& key)
{
    if (key == QLatin1String("sentinel")) return Topology::Sentinel;
    if (key == QLatin1String("cluster")) return Topology::Cluster;
    return Topology::Standalone;
}

QStringList endpointsToStrings(const std::vector<Endpoint>& endpoints)
{
    QStringList out;
    for (const auto& e : endpoints) out << QString::fromStdString(e.toString());
    return out;
}

// "host:port" or "[v6]:port", as Endpoint::toString writes them.
std::vector<Endpoint> endpointsFromStrings(const QStringList& list)
{
    std::vector<Endpoint> out;
    for (const QString& s : list) {
        const auto colon = s.lastIndexOf(u':');
        if (colon <= 0) continue;
        QString host = s.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']')) host = host.mid(1, host.size() - 2);
        bool ok = false;
        const int port = s.mid(colon + 1).toInt(&ok);
        if (ok) out.push_back(Endpoint {host.toStdString(), port});
    }
    return out;
}

QString toQ(const std::string& text)
{
    return QString::fromStdString(text);
}
std::string toStd(const QVariant& v)
{
    return v.toString().toStdString();
}

} // namespace

QVariantMap profileToMap(const ConnectionProfile& p)
{
    QVariantMap st;
    const auto& o = p.options;
    st.insert(QStringLiteral("id"), p.id);
    st.insert(QStringLiteral("name"), p.name);
    st.insert(QStringLiteral("environment"), environmentKey(p.environment));
    st.insert(QStringLiteral("tagColor"), p.tagColor);
    st.insert(QStringLiteral("readOnly"), p.readOnly);
    st.insert(QStringLiteral("armMinutes"), p.armMinutes);
    st.insert(QStringLiteral("auditMaxLen"), p.auditMaxLen);
    st.insert(QStringLiteral("load/sharePercent"), p.loadSharePercent);
    st.insert(QStringLiteral("load/callMs"), p.loadCallMs);
    st.insert(QStringLiteral("redaction/enabled"), p.redaction.enabled);
    st.insert(QStringLiteral("redaction/keys"), toQ(kiq::redaction::joinList(p.redaction.keys)));
    st.insert(QStringLiteral("redaction/paths"), toQ(kiq::redaction::joinList(p.redaction.paths)));
    st.insert(QStringLiteral("redaction/valuePatterns"), p.redaction.valuePatterns);
    st.insert(QStringLiteral("redaction/emails"), p.redaction.emails);
    st.insert(QStringLiteral("health"), p.health.toJson()); // only what differs from the defaults
    st.insert(QStringLiteral("topology"), topologyKey(o.topology));
    st.insert(QStringLiteral("host"), toQ(o.endpoint.host));
    st.insert(QStringLiteral("port"), o.endpoint.port);
    st.insert(QStringLiteral("seeds"), endpointsToStrings(o.seeds));
    st.insert(QStringLiteral("sentinelMaster"), toQ(o.sentinelMaster));
    st.insert(QStringLiteral("sentinelUser"), toQ(o.sentinelUser));
    st.insert(QStringLiteral("user"), toQ(o.user));
    st.insert(QStringLiteral("db"), o.db);
    st.insert(QStringLiteral("keyPrefix"), toQ(o.keyPrefix));
    st.insert(QStringLiteral("clientName"), toQ(o.clientName));
    st.insert(QStringLiteral("connectTimeoutMs"), qint64(o.connectTimeout.count()));
    st.insert(QStringLiteral("commandTimeoutMs"), qint64(o.commandTimeout.count()));
    st.insert(QStringLiteral("reconnectAttempts"), o.reconnectAttempts);
    st.insert(QStringLiteral("reconnectBaseDelayMs"), qint64(o.reconnectBaseDelay.count()));
    st.insert(QStringLiteral("tls/enabled"), o.tls.enabled);
    st.insert(QStringLiteral("tls/caFile"), toQ(o.tls.caFile));
    st.insert(QStringLiteral("tls/caDir"), toQ(o.tls.caDir));
    st.insert(QStringLiteral("tls/certFile"), toQ(o.tls.certFile));
    st.insert(QStringLiteral("tls/keyFile"), toQ(o.tls.keyFile));
    st.insert(QStringLiteral("tls/sni"), toQ(o.tls.sni));
    st.insert(QStringLiteral("tls/verifyPeer"), o.tls.verifyPeer);
    st.insert(QStringLiteral("tls/verifyHostname"), o.tls.verifyHostname);
    // The secrets themselves are deliberately not written; only whether to ask for them.
    st.insert(QStringLiteral("passwordRequired"), p.passwordRequired || !o.password.empty());
    st.insert(QStringLiteral("sentinelPasswordRequired"), p.sentinelPasswordRequired || !o.sentinelPassword.empty());
    st.insert(QStringLiteral("tls/keyPassphraseRequired"), p.keyPassphraseRequired || !o.tls.keyPassphrase.empty());
    st.insert(QStringLiteral("webhook"), p.webhook);
    // Where each secret comes from: the source and a helper's argv, never the secret.
    for (const auto secret : kiq::credentials::kAllSecrets) {
        const auto& source = p.source(secret);
        const QString base = QStringLiteral("secrets/") + kiq::credentials::secretKey(secret);
        st.insert(base + QStringLiteral("/source"), kiq::credentials::sourceKindKey(source.kind));
        st.insert(base + QStringLiteral("/helper"), source.helper);
    }
    return st;
}

ConnectionProfile profileFromMap(const QVariantMap& st)
{
    ConnectionProfile p;
    kiq::redis::ConnectionOptions defaults;
    auto& o = p.options;
    p.id = st.value(QStringLiteral("id")).toString();
    p.name = st.value(QStringLiteral("name")).toString();
    p.environment = environmentFromKey(st.value(QStringLiteral("environment")).toString());
    p.tagColor = st.value(QStringLiteral("tagColor")).toString();
    p.readOnly = st.value(QStringLiteral("readOnly"), false).toBool();
    // A hand-edited 0 or garbage must not make arming impossible.
    p.armMinutes = std::max(1, st.value(QStringLiteral("armMinutes"), ConnectionProfile {}.armMinutes).toInt());
    // Likewise a cap so small that the trail forgets what was just written.
    p.auditMaxLen = std::max(ConnectionProfile::kMinAuditMaxLen,
        st.value(QStringLiteral("auditMaxLen"), ConnectionProfile::kDefaultAuditMaxLen).toLongLong());
    // Out of range (hand-edited): the environment's default rather than something surprising.
    p.loadSharePercent = st.value(QStringLiteral("load/sharePercent"), 0).toInt();
    if (p.loadSharePercent != ConnectionProfile::kUnlimitedLoad && (p.loadSharePercent < 0 || p.loadSharePercent > 100))
        p.loadSharePercent = 0;
    p.loadCallMs
        = std::clamp(st.value(QStringLiteral("load/callMs"), kiq::redis::LoadBudget::kDefaultCallMs).toDouble(),
            kiq::redis::LoadBudget::kMinCallMs, kiq::redis::LoadBudget::kMaxCallMs);
    p.redaction.enabled = st.value(QStringLiteral("redaction/enabled"), true).toBool();
    if (st.contains(QStringLiteral("redaction/keys")))
        p.redaction.keys = kiq::redaction::splitList(toStd(st.value(QStringLiteral("redaction/keys"))));
    p.redaction.paths = kiq::redaction::splitList(toStd(st.value(QStringLiteral("redaction/paths"))));
    p.redaction.valuePatterns = st.value(QStringLiteral("redaction/valuePatterns"), true).toBool();
    p.redaction.emails = st.value(QStringLiteral("redaction/emails"), false).toBool();
    p.health = kiq::health::HealthThresholds::fromJson(st.value(QStringLiteral("health")).toString());
    o.topology = topologyFromKey(st.value(QStringLiteral("topology")).toString());
    o.endpoint.host = toStd(st.value(QStringLiteral("host"), toQ(defaults.endpoint.host)));
    o.endpoint.port = st.value(QStringLiteral("port"), defaults.endpoint.port).toInt();
    o.seeds = endpointsFromStrings(st.value(QStringLiteral("seeds")).toStringList());
    o.sentinelMaster = toStd(st.value(QStringLiteral("sentinelMaster")));
    o.sentinelUser = toStd(st.value(QStringLiteral("sentinelUser")));
    o.user = toStd(st.value(QStringLiteral("user")));
    o.db = st.value(QStringLiteral("db"), 0).toInt();
    o.keyPrefix = toStd(st.value(QStringLiteral("keyPrefix")));
    o.clientName = toStd(st.value(QStringLiteral("clientName"), toQ(defaults.clientName)));
    o.connectTimeout = std::chrono::milliseconds(
        st.value(QStringLiteral("connectTimeoutMs"), qint64(defaults.connectTimeout.count())).toLongLong());
    o.commandTimeout = std::chrono::milliseconds(
        st.value(QStringLiteral("commandTimeoutMs"), qint64(defaults.commandTimeout.count())).toLongLong());
    o.reconnectAttempts = st.value(QStringLiteral("reconnectAttempts"), defaults.reconnectAttempts).toInt();
    o.reconnectBaseDelay = std::chrono::milliseconds(
        st.value(QStringLiteral("reconnectBaseDelayMs"), qint64(defaults.reconnectBaseDelay.count())).toLongLong());
    o.tls.enabled = st.value(QStringLiteral("tls/enabled"), false).toBool();
    o.tls.caFile = toStd(st.value(QStringLiteral("tls/caFile")));
    o.tls.caDir = toStd(st.value(QStringLiteral("tls/caDir")));
    o.tls.certFile = toStd(st.value(QStringLiteral("tls/certFile")));
    o.tls.keyFile = toStd(st.value(QStringLiteral("tls/keyFile")));
    o.tls.sni = toStd(st.value(QStringLiteral("tls/sni")));
    o.tls.verifyPeer = st.value(QStringLiteral("tls/verifyPeer"), true).toBool();
    o.tls.verifyHostname = st.value(QStringLiteral("tls/verifyHostname"), true).toBool();
    p.passwordRequired = st.value(QStringLiteral("passwordRequired"), false).toBool();
    p.sentinelPasswordRequired = st.value(QStringLiteral("sentinelPasswordRequired"), false).toBool();
    p.keyPassphraseRequired = st.value(QStringLiteral("tls/keyPassphraseRequired"), false).toBool();
    p.webhook = st.value(QStringLiteral("webhook"), false).toBool();
    for (const auto secret : kiq::credentials::kAllSecrets) {
        auto& source = p.source(secret);
        const QString base = QStringLiteral("secrets/") + kiq::credentials::secretKey(secret);
        source.kind = kiq::credentials::sourceKindFromKey(st.value(base + QStringLiteral("/source")).toString());
        source.helper = st.value(base + QStringLiteral("/helper")).toStringList();
    }
    return p;
}

QList<ConnectionProfile> mergeById(QList<ConnectionProfile> saved, const QList<ConnectionProfile>& incoming)
{
    for (const auto& p : incoming) {
        const auto it = std::find_if(saved.begin(), saved.end(), [&](const auto& s) { return s.id == p.id; });
        if (it != saved.end())
            *it = p;
        else
            saved << p;
    }
    return saved;
}

ProfileStore::ProfileStore(QSettings& settings)
    : m_settings(settings)
{
    keepAsideIfUnreadable();
}

void ProfileStore::keepAsideIfUnreadable()
{
    const int version = m_settings.value(kVersionKey, 0).toInt();
    const bool corrupt = m_settings.status() == QSettings::FormatError;
    if (!corrupt && version <= kFormatVersion) return; // older files read as they are: see profileFromMap
    const QString file = m_settings.fileName();
    const QString kept = file + QStringLiteral(".kept-")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    const QString why = corrupt
        ? QStringLiteral("the saved connections in %1 could not be read").arg(file)
        : QStringLiteral("the saved connections in %1 were written by a newer Kiqdesk (format %2; this one reads up "
                         "to %3)")
              .arg(file)
              .arg(version)
              .arg(kFormatVersion);
    if (!QFile::copy(file, kept)) {
        // Nowhere to keep them: leave the file alone and save nothing over it this run.
        m_frozen = true;
        m_problem = why
            + QStringLiteral("; they could not be copied aside, so none are shown and nothing is saved "
                             "until the file is moved away");
        return;
    }
    m_problem = why + QStringLiteral(". They are kept unchanged in %1; starting without them.").arg(kept);
    m_settings.remove(kArray);
    m_settings.remove(kVersionKey);
    m_settings.sync();
}

QList<ConnectionProfile> ProfileStore::load() const
{
    QList<ConnectionProfile> out;
    if (m_frozen) return out;
    const int n = m_settings.beginReadArray(kArray);
    for (int i = 0; i < n; ++i) {
        m_settings.setArrayIndex(i);
        QVariantMap map;
        for (const QString& key : m_settings.allKeys()) map.insert(key, m_settings.value(key));
        ConnectionProfile p = profileFromMap(map);
        if (!p.id.isEmpty()) out << p;
    }
    m_settings.endArray();
    return out;
}

void ProfileStore::save(const QList<ConnectionProfile>& profiles)
{
    if (m_frozen) return;
    // remove() first: a shorter list must not leave the tail of the old array behind.
    m_settings.remove(kArray);
    m_settings.setValue(kVersionKey, kFormatVersion);
    m_settings.beginWriteArray(kArray, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings.setArrayIndex(i);
        const QVariantMap map = profileToMap(profiles[i]);
        for (auto it = map.begin(); it != map.end(); ++it) m_settings.setValue(it.key(), it.value());
    }
    m_settings.endArray();
    m_settings.sync();
}

void ProfileStore::put(const ConnectionProfile& profile)
{
    save(mergeById(load(), {profile}));
}

void ProfileStore::remove(const QString& id)
{
    QList<ConnectionProfile> all = load();
    all.removeIf([&](const auto& p) { return p.id == id; });
    save(all);
}

} // namespace kiq::storage
