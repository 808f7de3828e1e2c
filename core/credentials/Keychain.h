#pragma once
// A profile's secrets in the OS keychain (Secret Service or KWallet on Linux, through QtKeychain),
// under the service "Kiqdesk" and the key "<profile id>/<secret>". Never a plain-text fallback: when
// no keychain answers, the result says Unreachable with the reason, and the caller asks instead.
//
// Asynchronous: QtKeychain's jobs need the calling thread's event loop (the GUI's, or the CLI's
// QCoreApplication, which the *Blocking forms spin locally). `done` runs on `context`'s thread, and not
// at all if `context` is gone.

#include "credentials/SecretSource.h"

#include <QObject>
#include <QString>

#include <functional>
#include <string>

namespace kiq::credentials {

struct KeychainResult {
    enum class Status { Done, NotFound, Unreachable, Failed };
    Status status = Status::Done;
    std::string secret; // read: the secret when Done
    QString message; // why not (QtKeychain's text, which never holds the secret)
    bool ok() const { return status == Status::Done; }
};

namespace keychain {

QString service(); // "Kiqdesk"
QString entryKey(const QString& profileId, Secret secret);

using Done = std::function<void(KeychainResult)>;
void read(const QString& profileId, Secret secret, QObject* context, Done done);
void write(const QString& profileId, Secret secret, const std::string& value, QObject* context, Done done);
void remove(const QString& profileId, Secret secret, QObject* context, Done done); // NotFound is fine

KeychainResult readBlocking(const QString& profileId, Secret secret);
KeychainResult writeBlocking(const QString& profileId, Secret secret, const std::string& value);
KeychainResult removeBlocking(const QString& profileId, Secret secret);

} // namespace keychain
} // namespace kiq::credentials
