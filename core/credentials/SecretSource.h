#pragma once
// Where each of a profile's secrets comes from. One of three sources per secret, chosen in the
// connection dialog and saved with the profile (the source, never the secret):
// - Ask: typed at connect (the app keeps it in memory until it quits, or until the server refuses it);
// - Keychain: the OS keychain (Secret Service / KWallet through QtKeychain, see Keychain.h);
// - Helper: a command run at connect (argv, no shell) whose stdout is the secret or the JSON
//   {"password": "...", "username": "...", "expires_at": <epoch seconds>} (CredentialHelper.h).

#include "util/Error.h"

#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>
#include <string>

namespace kiq::credentials {

// WebhookUrl: where the profile's alerts are posted (a chat tool's URL carries its token, so it is a
// secret like the others).
enum class Secret { Password, SentinelPassword, KeyPassphrase, WebhookUrl };
inline constexpr Secret kAllSecrets[]
    = {Secret::Password, Secret::SentinelPassword, Secret::KeyPassphrase, Secret::WebhookUrl};
// "password", "sentinelPassword", "keyPassphrase", "webhookUrl": stable, for files
QString secretKey(Secret secret);

enum class SourceKind { Ask, Keychain, Helper };
QString sourceKindKey(SourceKind kind); // "ask", "keychain", "helper"
SourceKind sourceKindFromKey(const QString& key); // unknown keys become Ask (asking is always safe)

struct SecretSource {
    SourceKind kind = SourceKind::Ask;
    QStringList helper; // Helper: the program and its arguments, run without a shell
    friend bool operator==(const SecretSource&, const SecretSource&) = default;
};

// "helper: vault read -field=password secret/redis" (quoted where an argument has spaces); for
// listings and the CLI. Holds no secret: a profile never holds one.
QString describe(const SecretSource& source);

// A secret had from a source. username and expiresAt come only from a helper's JSON.
struct Credential {
    std::string secret;
    std::string username; // empty: the profile's user stays
    std::optional<std::chrono::system_clock::time_point> expiresAt;
};

class CredentialError : public kiq::Error {
public:
    explicit CredentialError(const std::string& message)
        : Error(ErrorKind::Credentials, message)
    {
    }
};

// A helper's stdout: a JSON object with "password" (required), "username" and "expires_at" (epoch
// seconds, a number), or else the whole output, less one trailing newline, is the secret. Throws
// CredentialError (never quoting the output: it may be the secret) for empty output or bad JSON.
Credential parseHelperOutput(const QByteArray& output);

// When to run the helper again for a credential expiring at `expiresAt`, seen at `now`: with a fifth of
// the lifetime left but at least 60 s (a 15-minute token at 12 minutes), yet not before half of it (a
// 10 s test token at 5 s), and never sooner than 1 s (an expired token is not fetched in a loop).
std::chrono::milliseconds refreshDelay(std::chrono::system_clock::time_point expiresAt,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

} // namespace kiq::credentials
