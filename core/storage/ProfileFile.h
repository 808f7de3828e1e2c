#pragma once
// The profiles file of File → Export profiles… / Import… and `kiqdesk-cli profiles export|import`:
// versioned JSON without secrets (each secret's source is kept: ask, the keychain, a helper's argv), so
// a team can hand its deployments around and a new laptop gets them in one step. docs/profiles-file.md
// is the format; a file from a newer Kiqdesk is refused, never half-read.

#include "storage/ConnectionProfileStore.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace kiq::storage {

inline constexpr int kProfilesFileVersion = 1;

QByteArray writeProfilesFile(const QList<ConnectionProfile>& profiles);

struct ProfilesFileRead {
    QList<ConnectionProfile> profiles;
    QString error; // set: the file was not read at all
};
ProfilesFileRead readProfilesFile(const QByteArray& bytes);

// What importing `incoming` into `saved` changes, one line per incoming profile (matched by id).
struct ProfileChange {
    enum class Kind { Added, Changed, Unchanged };
    Kind kind = Kind::Added;
    QString id;
    QString name;
    QStringList fields; // Changed: the keys that differ ("host", "tls/caFile", …)
};
QList<ProfileChange> importChanges(const QList<ConnectionProfile>& saved, const QList<ConnectionProfile>& incoming);
// (Importing itself is storage::mergeById.)

} // namespace kiq::storage
