#pragma once
// A saved deployment: how to reach it and how to label it. The GUI's sidebar and the CLI's
// --profile both read these. Passwords are never part of what is saved (see ConnectionProfileStore):
// the profile only remembers that one is needed, so the app can ask at connect time.

#include "credentials/SecretSource.h"
#include "health/HealthChecks.h"
#include "redaction/Redaction.h"
#include "redis/ConnectionOptions.h"
#include "redis/LoadBudget.h"

#include <QString>

namespace kiq::deployment {

// The environment tag shown beside a deployment's name, so production is never mistaken for a
// laptop: each has a default colour (production red, staging amber, development green).
enum class Environment { Development, Staging, Production, Other };

QString environmentKey(Environment environment); // "development", ... (stable, for files and the CLI)
Environment environmentFromKey(const QString& key); // unknown keys become Other
QString defaultTagColor(Environment environment); // "#rrggbb"
// Percent of Redis time long operations take by default: production is shared with the apps (25),
// staging often is (50), a developer's own Redis is not (100).
int defaultLoadShare(Environment environment);

struct ConnectionProfile {
    QString id; // stable identity (a UUID), so renaming keeps the settings that refer to it
    QString name; // shown in the sidebar
    Environment environment = Environment::Development;
    QString tagColor; // "#rrggbb"; empty means defaultTagColor(environment)

    // Everything needed to connect. options.password and options.sentinelPassword are held in memory
    // only, after the user typed them; the store drops them.
    kiq::redis::ConnectionOptions options;
    bool passwordRequired = false; // ask for options.password before connecting
    bool sentinelPasswordRequired = false; // ask for options.sentinelPassword before connecting
    bool keyPassphraseRequired = false; // ask for options.tls.keyPassphrase (encrypted client key)
    // Where each secret comes from (credentials/SecretSource.h). A keychain or helper source needs its
    // secret whatever the flag above says; Ask asks only when the flag is set.
    kiq::credentials::SecretSource passwordSource;
    kiq::credentials::SecretSource sentinelPasswordSource;
    kiq::credentials::SecretSource keyPassphraseSource;
    // Alerts also go to a webhook (a JSON POST, for chat tools). Its URL is a secret with a source like
    // the passwords': webhookUrl is held in memory only, the store keeps the flag and the source.
    bool webhook = false;
    kiq::credentials::SecretSource webhookSource;
    std::string webhookUrl;
    const kiq::credentials::SecretSource& source(kiq::credentials::Secret secret) const;
    kiq::credentials::SecretSource& source(kiq::credentials::Secret secret);
    bool needs(kiq::credentials::Secret secret) const; // connecting needs this secret
    // The secret as held in options (memory only), for the sources to fill and the prompts to set.
    std::string& secretValue(kiq::credentials::Secret secret);
    const std::string& secretValue(kiq::credentials::Secret secret) const;

    // Writes need arming (a reason, for armMinutes) when the profile opens read-only. Production always
    // does; readOnly marks any other profile so (a shared staging, say). Saved files without it load as
    // false, so they keep their old behaviour and production becomes read-only.
    bool readOnly = false;
    int armMinutes = 15; // how long an arming lasts by default
    // The shared audit stream keeps about this many entries (XADD MAXLEN ~): a busy deployment's
    // operators may want months of history, a small Redis less memory. Matches AuditTrail's default.
    long long auditMaxLen = kDefaultAuditMaxLen;
    static constexpr long long kDefaultAuditMaxLen = 100000;
    static constexpr long long kMinAuditMaxLen = 100; // fewer would lose a bulk run's own entries

    // What job arguments hide wherever they are shown or leave the app (on by default, with the default
    // key names; saved files without it load with the defaults).
    kiq::redaction::RedactionRules redaction;

    // Health check thresholds (the defaults in health/HealthChecks.h, with this profile's overrides and
    // per-queue SLOs); saved files without them load with the defaults.
    kiq::health::HealthThresholds health;

    // How much of this Redis long operations may take (bulk actions, index builds, the audit's sample):
    // a share of Redis time in percent, 0 meaning the environment's default (defaultLoadShare), or
    // kUnlimitedLoad; and how long one call may hold the server.
    int loadSharePercent = 0;
    double loadCallMs = kiq::redis::LoadBudget::kDefaultCallMs;
    static constexpr int kUnlimitedLoad = -1;
    kiq::redis::LoadBudget loadBudget() const;

    bool opensReadOnly() const { return readOnly || environment == Environment::Production; }
    // "Billing (Production)": how refusals and the arm dialog name the deployment.
    QString label() const;

    QString effectiveTagColor() const { return tagColor.isEmpty() ? defaultTagColor(environment) : tagColor; }
    // A fresh profile with a new id.
    static ConnectionProfile create(const QString& name = {});
};

} // namespace kiq::deployment
