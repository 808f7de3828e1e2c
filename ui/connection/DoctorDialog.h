#pragma once
// The connection doctor's window: every step of reaching a deployment (name lookup, TCP, certificate
// files, handshake, certificates, AUTH, INFO, reading and writing Sidekiq's keys) with what was found
// and what to change, for the engineer whose connection fails with one line. The doctor itself is core
// (server/ConnectionDoctor); it runs on a pool thread after the profile's secrets are had (keychain,
// helper), so the window never waits on the network.

#include "deployment/ConnectionProfile.h"
#include "server/ConnectionDoctor.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace kiq::ui {

class DoctorDialog final : public QDialog {
    Q_OBJECT
public:
    explicit DoctorDialog(const kiq::deployment::ConnectionProfile& profile, QWidget* parent = nullptr);

    bool isRunning() const { return m_running; }
    QString reportText() const; // the report as plain text (Copy report gives the same); for tests
    static QString stepTitle(const std::string& id); // "TLS handshake", translated

public slots:
    void run();

signals:
    void finished();

private:
    void display(const kiq::server::DoctorReport& report, const QStringList& notes);

    kiq::deployment::ConnectionProfile m_profile;
    QLabel* m_summary;
    QTextBrowser* m_report;
    QPushButton* m_again;
    QPushButton* m_copy;
    bool m_running = false;
    QString m_plainText;
};

} // namespace kiq::ui
