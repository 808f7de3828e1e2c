#pragma once
// The TLS part of the connection dialog: which CAs to trust (the system store, a CA file or a hashed
// CA directory), a client certificate and key for mTLS (and the key's passphrase, kept like the
// password: typed here or asked when connecting, never saved), SNI, and the two verification switches.

#include "redis/ConnectionOptions.h"

#include <QGroupBox>

class QCheckBox;
class QLineEdit;
class QRadioButton;

namespace kiq::ui {

class PathField;

class TlsBox final : public QGroupBox {
    Q_OBJECT
public:
    explicit TlsBox(QWidget* parent = nullptr);

    void setTlsOptions(const kiq::redis::TlsOptions& tls, bool keyPassphraseRequired = false);
    kiq::redis::TlsOptions tlsOptions() const;
    bool keyPassphraseRequired() const; // ticked, or a passphrase typed

private:
    void updateEnabled();

    QRadioButton* m_systemStore;
    QRadioButton* m_caFileChoice;
    QRadioButton* m_caDirChoice;
    PathField* m_caFile;
    PathField* m_caDir;
    PathField* m_certFile;
    PathField* m_keyFile;
    QLineEdit* m_keyPassphrase;
    QCheckBox* m_keyPassphraseRequired;
    QLineEdit* m_sni;
    QCheckBox* m_verifyPeer;
    QCheckBox* m_verifyHostname;
};

} // namespace kiq::ui
