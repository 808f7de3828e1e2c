#include "storage/ConnectionProfileStore.h"

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

void writeProfile(QSettings& st, const ConnectionProfile& p)
{
    const auto& o = p.options;
    st.setValue(QStringLiteral("id"), p.id);
    st.setValue(QStringLiteral("name"), p.name);
    st.setValue(QStringLiteral("environment"), environmentKey(p.environment));
    st.setValue(QStringLiteral("tagColor"), p.tagColor);
    st.setValue(QStringLiteral("readOnly"), p.readOnly);
    st.setValue(QStringLiteral("armMinutes"), p.armMinutes);
    st.setValue(QStringLiteral("redaction/enabled"), p.redaction.enabled);
    st.setValue(QStringLiteral("redaction/keys"), toQ(kiq::redaction::joinList(p.redaction.keys)));
    st.setValue(QStringLiteral("redaction/paths"), toQ(kiq::redaction::joinList(p.redaction.paths)));
    st.setValue(QStringLiteral("redaction/valuePatterns"), p.redaction.valuePatterns);
    st.setValue(QStringLiteral("redaction/emails"), p.redaction.emails);
    st.setValue(QStringLiteral("health"), p.health.toJson()); // only what differs from the defaults
    st.setValue(QStringLiteral("topology"), topologyKey(o.topology));
    st.setValue(QStringLiteral("host"), toQ(o.endpoint.host));
    st.setValue(QStringLiteral("port"), o.endpoint.port);
    st.setValue(QStringLiteral("seeds"), endpointsToStrings(o.seeds));
    st.setValue(QStringLiteral("sentinelMaster"), toQ(o.sentinelMaster));
    st.setValue(QStringLiteral("sentinelUser"), toQ(o.sentinelUser));
    st.setValue(QStringLiteral("user"), toQ(o.user));
    st.setValue(QStringLiteral("db"), o.db);
    st.setValue(QStringLiteral("keyPrefix"), toQ(o.keyPrefix));
    st.setValue(QStringLiteral("clientName"), toQ(o.clientName));
    st.setValue(QStringLiteral("connectTimeoutMs"), qint64(o.connectTimeout.count()));
    st.setValue(QStringLiteral("commandTimeoutMs"), qint64(o.commandTimeout.count()));
    st.setValue(QStringLiteral("reconnectAttempts"), o.reconnectAttempts);
    st.setValue(QStringLiteral("reconnectBaseDelayMs"), qint64(o.reconnectBaseDelay.count()));
    st.setValue(QStringLiteral("tls/enabled"), o.tls.enabled);
    st.setValue(QStringLiteral("tls/caFile"), toQ(o.tls.caFile));
    st.setValue(QStringLiteral("tls/caDir"), toQ(o.tls.caDir));
    st.setValue(QStringLiteral("tls/certFile"), toQ(o.tls.certFile));
    st.setValue(QStringLiteral("tls/keyFile"), toQ(o.tls.keyFile));
    st.setValue(QStringLiteral("tls/sni"), toQ(o.tls.sni));
    st.setValue(QStringLiteral("tls/verifyPeer"), o.tls.verifyPeer);
    st.setValue(QStringLiteral("tls/verifyHostname"), o.tls.verifyHostname);
    // The secrets themselves are deliberately not written; only whether to ask for them.
    st.setValue(QStringLiteral("passwordRequired"), p.passwordRequired || !o.password.empty());
    st.setValue(QStringLiteral("sentinelPasswordRequired"), p.sentinelPasswordRequired || !o.sentinelPassword.empty());
    st.setValue(QStringLiteral("tls/keyPassphraseRequired"), p.keyPassphraseRequired || !o.tls.keyPassphrase.empty());
    // Where each secret comes from: the source and a helper's argv, never the secret.
    for (const auto secret : kiq::credentials::kAllSecrets) {
        const auto& source = p.source(secret);
        const QString base = QStringLiteral("secrets/") + kiq::credentials::secretKey(secret);
        st.setValue(base + QStringLiteral("/source"), kiq::credentials::sourceKindKey(source.kind));
        st.setValue(base + QStringLiteral("/helper"), source.helper);
    }
}

ConnectionProfile readProfile(const QSettings& st)
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
    for (const auto secret : kiq::credentials::kAllSecrets) {
        auto& source = p.source(secret);
        const QString base = QStringLiteral("secrets/") + kiq::credentials::secretKey(secret);
        source.kind = kiq::credentials::sourceKindFromKey(st.value(base + QStringLiteral("/source")).toString());
        source.helper = st.value(base + QStringLiteral("/helper")).toStringList();
    }
    return p;
}
} // namespace

ProfileStore::ProfileStore(QSettings& settings)
    : m_settings(settings)
{
}

QList<ConnectionProfile> ProfileStore::load() const
{
    QList<ConnectionProfile> out;
    const int n = m_settings.beginReadArray(kArray);
    for (int i = 0; i < n; ++i) {
        m_settings.setArrayIndex(i);
        ConnectionProfile p = readProfile(m_settings);
        if (!p.id.isEmpty()) out << p;
    }
    m_settings.endArray();
    return out;
}

void ProfileStore::save(const QList<ConnectionProfile>& profiles)
{
    // remove() first: a shorter list must not leave the tail of the old array behind.
    m_settings.remove(kArray);
    m_settings.beginWriteArray(kArray, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings.setArrayIndex(i);
        writeProfile(m_settings, profiles[i]);
    }
    m_settings.endArray();
    m_settings.sync();
}

void ProfileStore::put(const ConnectionProfile& profile)
{
    QList<ConnectionProfile> all = load();
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.id == profile.id; });
    if (it != all.end())
        *it = profile;
    else
        all << profile;
    save(all);
}

void ProfileStore::remove(const QString& id)
{
    QList<ConnectionProfile> all = load();
    all.removeIf([&](const auto& p) { return p.id == id; });
    save(all);
}

} // namespace kiq::storage
