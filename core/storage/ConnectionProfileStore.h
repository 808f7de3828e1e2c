#pragma once
// Saves and loads connection profiles in a QSettings (an INI file in tests, the platform's settings
// store in the app), as the array "profiles". Secrets are never written: options.password and
// options.sentinelPassword are dropped on save, and only the passwordRequired flags say that the user
// must be asked, and where each secret comes from (ask, the OS keychain, a credential helper's argv:
// credentials/SecretSource.h). Plaintext fallbacks are not an option.

#include "deployment/ConnectionProfile.h"

#include <QList>

class QSettings;

namespace kiq::storage {

using deployment::ConnectionProfile;

class ProfileStore {
public:
    explicit ProfileStore(QSettings& settings); // not owned; must outlive the store
    ProfileStore(const ProfileStore&) = delete;
    ProfileStore& operator=(const ProfileStore&) = delete;

    QList<ConnectionProfile> load() const; // in saved order; passwords are empty
    void save(const QList<ConnectionProfile>& profiles); // replaces every saved profile
    void put(const ConnectionProfile& profile); // replaces the one with the same id, or appends
    void remove(const QString& id);

private:
    QSettings& m_settings;
};

} // namespace kiq::storage
