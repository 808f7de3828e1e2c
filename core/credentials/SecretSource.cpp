#include "credentials/SecretSource.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace kiq::credentials {

QString secretKey(Secret secret)
{
    switch (secret) {
    case Secret::Password:
        return QStringLiteral("password");
    case Secret::SentinelPassword:
        return QStringLiteral("sentinelPassword");
    case Secret::KeyPassphrase:
        return QStringLiteral("keyPassphrase");
    case Secret::WebhookUrl:
        return QStringLiteral("webhookUrl");
    }
    return QStringLiteral("password");
}

QString sourceKindKey(SourceKind kind)
{
    switch (kind) {
    case SourceKind::Ask:
        return QStringLiteral("ask");
    case SourceKind::Keychain:
        return QStringLiteral("keychain");
    case SourceKind::Helper:
        return QStringLiteral("helper");
    }
    return QStringLiteral("ask");
}

SourceKind sourceKindFromKey(const QString& key)
{
    if (key == QLatin1String("keychain")) return SourceKind::Keychain;
    if (key == QLatin1String("helper")) return SourceKind::Helper;
    return SourceKind::Ask;
}

QString describe(const SecretSource& source)
{
    if (source.kind != SourceKind::Helper) return sourceKindKey(source.kind);
    QStringList quoted;
    for (const QString& arg : source.helper) quoted << (arg.isEmpty() || arg.contains(u' ') ? u'"' + arg + u'"' : arg);
    return QStringLiteral("helper: ") + quoted.join(u' ');
}

Credential parseHelperOutput(const QByteArray& output)
{
    const QByteArray trimmed = output.trimmed();
    if (trimmed.isEmpty()) throw CredentialError("the credential helper printed nothing");
    Credential c;
    if (!trimmed.startsWith('{')) {
        // A plain secret (a password manager's `pass show`): only the final newline is not part of it.
        QByteArray secret = output;
        if (secret.endsWith('\n')) secret.chop(1);
        if (secret.endsWith('\r')) secret.chop(1);
        c.secret = secret.toStdString();
        return c;
    }
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw CredentialError("the credential helper's output starts with '{' but is not a JSON object ("
            + error.errorString().toStdString() + ")");
    const QJsonObject o = doc.object();
    const QJsonValue password = o.value(QLatin1String("password"));
    if (!password.isString() || password.toString().isEmpty())
        throw CredentialError("the credential helper's JSON has no \"password\" string");
    c.secret = password.toString().toStdString();
    const QJsonValue user = o.value(QLatin1String("username"));
    if (!user.isUndefined() && !user.isNull()) {
        if (!user.isString()) throw CredentialError("the credential helper's \"username\" is not a string");
        c.username = user.toString().toStdString();
    }
    const QJsonValue expires = o.value(QLatin1String("expires_at"));
    if (!expires.isUndefined() && !expires.isNull()) {
        if (!expires.isDouble() || expires.toDouble() <= 0)
            throw CredentialError("the credential helper's \"expires_at\" is not a positive number of epoch seconds");
        c.expiresAt
            = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::duration<double>(expires.toDouble())));
    }
    return c;
}

std::chrono::milliseconds refreshDelay(
    std::chrono::system_clock::time_point expiresAt, std::chrono::system_clock::time_point now)
{
    using namespace std::chrono;
    const auto lifetime = duration_cast<milliseconds>(expiresAt - now);
    const auto margin = std::max(milliseconds(60000), lifetime / 5);
    return std::max({lifetime - margin, lifetime / 2, milliseconds(1000)});
}

} // namespace kiq::credentials
