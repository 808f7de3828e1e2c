#pragma once
// Saves and loads connection profiles in a QSettings (an INI file in tests, the platform's settings
// store in the app), as the array "profiles". Secrets are never written: options.password and
// options.sentinelPassword are dropped on save, and only the passwordRequired flags say that the user
// must be asked, and where each secret comes from (ask, the OS keychain, a credential helper's argv:
// credentials/SecretSource.h). Plaintext fallbacks are not an option.

#include "deployment/ConnectionProfile.h"

#include <QList>
#include <QVariantMap>

class QSettings;

namespace kiq::storage {

using deployment::ConnectionProfile;

// One profile as flat keys ("host", "tls/enabled", "secrets/password/helper"): what the store writes and
// the profiles file (storage/ProfileFile.h) nests. Never a secret. Keys a map lacks take the defaults,
// so files from before a field existed read as they always did.
QVariantMap profileToMap(const ConnectionProfile& profile);
ConnectionProfile profileFromMap(const QVariantMap& map);
// `saved` with each incoming profile in place of the one with its id (keeping its position), or appended.
QList<ConnectionProfile> mergeById(QList<ConnectionProfile> saved, const QList<ConnectionProfile>& incoming);

// The saved list is versioned (profilesVersion). A file this version cannot read (written by a newer
// Kiqdesk, or corrupt) is copied aside untouched and the store starts empty, with problem() saying so:
// saved connections are never overwritten or silently emptied.
class ProfileStore {
public:
    static constexpr int kFormatVersion = 1;

    explicit ProfileStore(QSettings& settings); // not owned; must outlive the store
    ProfileStore(const ProfileStore&) = delete;
    ProfileStore& operator=(const ProfileStore&) = delete;

    QList<ConnectionProfile> load() const; // in saved order; passwords are empty
    void save(const QList<ConnectionProfile>& profiles); // replaces every saved profile
    void put(const ConnectionProfile& profile); // replaces the one with the same id, or appends
    void remove(const QString& id);
    // Empty, or why the saved connections were not loaded and where they were kept.
    const QString& problem() const { return m_problem; }

private:
    void keepAsideIfUnreadable();

    QSettings& m_settings;
    QString m_problem;
    bool m_frozen = false; // the unreadable file could not be copied aside: never write over it
};

} // namespace kiq::storage
