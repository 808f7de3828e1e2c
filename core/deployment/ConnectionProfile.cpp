#include "deployment/ConnectionProfile.h"

#include <QUuid>

namespace kiq::deployment {

QString environmentKey(Environment environment)
{
    switch (environment) {
    case Environment::Development:
        return QStringLiteral("development");
    case Environment::Staging:
        return QStringLiteral("staging");
    case Environment::Production:
        return QStringLiteral("production");
    case Environment::Other:
        return QStringLiteral("other");
    }
    return QStringLiteral("other");
}

Environment environmentFromKey(const QString& key)
{
    for (auto e : {Environment::Development, Environment::Staging, Environment::Production})
        if (key == environmentKey(e)) return e;
    return Environment::Other;
}

int defaultLoadShare(Environment environment)
{
    switch (environment) {
    case Environment::Production:
        return 25;
    case Environment::Staging:
        return 50;
    case Environment::Development:
    case Environment::Other:
        break;
    }
    return 100;
}

kiq::redis::LoadBudget ConnectionProfile::loadBudget() const
{
    if (loadSharePercent == kUnlimitedLoad) return kiq::redis::LoadBudget::none();
    const int percent = loadSharePercent > 0 ? loadSharePercent : defaultLoadShare(environment);
    return kiq::redis::LoadBudget::ofShare(percent / 100.0, loadCallMs);
}

QString defaultTagColor(Environment environment)
{
    switch (environment) {
    case Environment::Development:
        return QStringLiteral("#2e9d4f");
    case Environment::Staging:
        return QStringLiteral("#d9930d");
    case Environment::Production:
        return QStringLiteral("#d0342c");
    case Environment::Other:
        return QStringLiteral("#6c7a89");
    }
    return QStringLiteral("#6c7a89");
}

const kiq::credentials::SecretSource& ConnectionProfile::source(kiq::credentials::Secret secret) const
{
    return const_cast<ConnectionProfile*>(this)->source(secret);
}

kiq::credentials::SecretSource& ConnectionProfile::source(kiq::credentials::Secret secret)
{
    using kiq::credentials::Secret;
    switch (secret) {
    case Secret::Password:
        return passwordSource;
    case Secret::SentinelPassword:
        return sentinelPasswordSource;
    case Secret::KeyPassphrase:
        return keyPassphraseSource;
    case Secret::WebhookUrl:
        return webhookSource;
    }
    return passwordSource;
}

bool ConnectionProfile::needs(kiq::credentials::Secret secret) const
{
    using kiq::credentials::Secret;
    if (secret == Secret::WebhookUrl && !webhook) return false; // whatever its source says
    if (source(secret).kind != kiq::credentials::SourceKind::Ask) return true;
    switch (secret) {
    case Secret::Password:
        return passwordRequired;
    case Secret::SentinelPassword:
        return sentinelPasswordRequired;
    case Secret::KeyPassphrase:
        return keyPassphraseRequired;
    case Secret::WebhookUrl:
        return true; // on: asked for when connecting
    }
    return false;
}

const std::string& ConnectionProfile::secretValue(kiq::credentials::Secret secret) const
{
    return const_cast<ConnectionProfile*>(this)->secretValue(secret);
}

std::string& ConnectionProfile::secretValue(kiq::credentials::Secret secret)
{
    using kiq::credentials::Secret;
    switch (secret) {
    case Secret::Password:
        return options.password;
    case Secret::SentinelPassword:
        return options.sentinelPassword;
    case Secret::KeyPassphrase:
        return options.tls.keyPassphrase;
    case Secret::WebhookUrl:
        return webhookUrl;
    }
    return options.password;
}

QString ConnectionProfile::label() const
{
    static const char* const names[] = {"Development", "Staging", "Production", "Other"};
    return QStringLiteral("%1 (%2)").arg(name, QLatin1String(names[int(environment)]));
}

ConnectionProfile ConnectionProfile::create(const QString& name)
{
    ConnectionProfile p;
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.name = name;
    return p;
}

} // namespace kiq::deployment
