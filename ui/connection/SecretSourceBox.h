#pragma once
// The connection dialog's choice of where each secret comes from (credentials/SecretSource.h): the
// password, the Sentinel password and the client key's passphrase, each asked when connecting, kept in
// the OS keychain, or given by a credential helper (a command and its arguments, run without a shell).
// It says plainly when no keychain is reachable: then the keychain choice asks instead, and nothing is
// ever written to a file in its place.

#include "credentials/SecretSource.h"

#include <QGroupBox>

#include <iterator>

class QComboBox;
class QLabel;
class QLineEdit;

namespace kiq::ui {

class SecretSourceBox final : public QGroupBox {
    Q_OBJECT
public:
    explicit SecretSourceBox(QWidget* parent = nullptr);

    void setSource(kiq::credentials::Secret secret, const kiq::credentials::SecretSource& source);
    kiq::credentials::SecretSource source(kiq::credentials::Secret secret) const;
    // Why the choices cannot be saved ("a credential helper needs a command"), or empty.
    QString problem() const;
    QString keychainStatus() const; // what the keychain line shows; for tests

private:
    struct Row {
        QComboBox* kind;
        QLineEdit* helper;
    };
    Row& row(kiq::credentials::Secret secret);
    const Row& row(kiq::credentials::Secret secret) const;
    void checkKeychain();

    Row m_rows[std::size(kiq::credentials::kAllSecrets)];
    QLabel* m_keychain;
};

} // namespace kiq::ui
