#pragma once
// Where a profile's secrets come from, at connect: the one owner of that decision for the app and the
// CLI. For each secret the profile needs (ConnectionProfile::needs), by its source:
// - Ask: a secret already held in the profile's options (typed earlier this session: "remember until
//   Kiqdesk quits") is kept; otherwise it goes to toAsk;
// - Keychain: read from the OS keychain; not there yet, or no keychain reachable, goes to toAsk with a
//   note saying so (never a plain-text fallback);
// - Helper: run on a pool thread; its username (if any) becomes the profile's user and its
//   expires_at the resolution's, for the refresh (refreshDelay). A helper that fails fails the whole
//   resolution: there is no one to ask in its place.
//
// `done` runs on `context`'s thread, never if `context` is gone. Secrets stay in memory.

#include "credentials/SecretSource.h"
#include "deployment/ConnectionProfile.h"

#include <QObject>
#include <QStringList>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace kiq::credentials {

struct Resolution {
    deployment::ConnectionProfile profile; // its options hold every secret had
    std::vector<Secret> toAsk; // needed and not had: ask the user (in this order)
    std::vector<Secret> keychainMisses; // of toAsk, those to store in the keychain once typed
    QStringList notes; // plain sentences: "No keychain is reachable (…): asking for the password."
    std::optional<std::chrono::system_clock::time_point> expiresAt; // the earliest helper expiry
    std::optional<std::string> error; // a helper failed; connecting is not possible
    // The webhook URL's helper failed: the connection goes ahead, its alerts are not posted.
    std::optional<std::string> webhookError;
    bool ready() const { return !error && toAsk.empty(); }
};

// `onlyHelpers`: re-run the helpers only (a refresh, or after WRONGPASS), keeping the other secrets.
void resolveSecrets(const deployment::ConnectionProfile& profile, QObject* context,
    std::function<void(Resolution)> done, bool onlyHelpers = false);
// The same, waiting in a local event loop (the CLI).
Resolution resolveSecretsBlocking(const deployment::ConnectionProfile& profile, bool onlyHelpers = false);

// True when any secret comes from a helper (whose token may expire or be rotated).
bool usesHelper(const deployment::ConnectionProfile& profile);

} // namespace kiq::credentials
