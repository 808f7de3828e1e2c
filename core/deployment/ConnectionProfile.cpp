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
