#pragma once
// Add or edit a connection: every field of kiq::redis::ConnectionOptions, a URL box that fills them
// (parseRedisUrl, as redis-cli -u reads it), a name and an environment tag, live warnings for risky
// choices (ConnectionOptions::warnings), whether writes need arming (and for how long), and a Test button.
//
// Test runs probeServer (connect, PING, INFO server) through a short-lived AsyncClient, so the dialog
// stays responsive however long the connect timeout is. The password typed here is used for this
// session only; the profile store never saves it. The Security tab chooses where each secret comes from
// at connect (SecretSourceBox: ask, the OS keychain, a credential helper).

#include "deployment/ConnectionProfile.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::ui {

class RedactionBox;
class SecretSourceBox;
class DoctorDialog;
class TlsBox;
class TopologyBox;

class ConnectionDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ConnectionDialog(QWidget* parent = nullptr);
    ~ConnectionDialog() override;

    void setProfile(const kiq::deployment::ConnectionProfile& profile); // for editing
    // The profile as entered; options carry the typed passwords (in memory only).
    kiq::deployment::ConnectionProfile profile() const;

    // Fills the fields from a redis:// or rediss:// URL. Returns false (and shows why) on bad input.
    bool applyUrl(const QString& url);

    QString warningText() const; // what the warnings label shows; for tests
    QString testResultText() const; // what the Test result label shows; for tests
    // The quick test, and after a failure the doctor naming the step that fails.
    bool isTesting() const { return m_testClient != nullptr || m_explaining; }

public slots:
    void testConnection();
    // Opens the connection doctor on the profile as entered (its window, shown; null when the form is
    // not valid yet, which the validation line then says).
    DoctorDialog* diagnose();

private:
    QWidget* buildConnectionTab();
    QWidget* buildSecurityTab();
    QWidget* buildAdvancedTab();
    void watchForChanges();
    void updateWarnings();
    void updateTagButton();
    void updateReadOnlyBox(); // production is read-only whatever the mark says
    void showTestResult(const QString& html, bool ok);
    // After a failed Test: runs the doctor off the GUI thread and adds its first failing step and fix.
    void explainFailure(const kiq::redis::ConnectionOptions& options, const QString& failure);
    void accept() override;

    QString m_id;
    QString m_tagColor; // empty: the environment's default
    bool m_readOnlyMark = false; // the profile's own mark, kept while production overrides the box
    std::unique_ptr<kiq::redis::AsyncClient> m_testClient;
    bool m_explaining = false;

    QLineEdit* m_name;
    QComboBox* m_environment;
    QToolButton* m_tagButton;
    QLineEdit* m_url;
    QLabel* m_urlError;
    TopologyBox* m_topology;
    QSpinBox* m_db;
    QLineEdit* m_prefix;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QCheckBox* m_passwordRequired;
    QCheckBox* m_webhook;
    std::string m_webhookUrl; // the edited profile's, in memory
    QCheckBox* m_readOnly;
    QSpinBox* m_armMinutes;
    TlsBox* m_tls;
    RedactionBox* m_redaction;
    SecretSourceBox* m_secretSources;
    QSpinBox* m_connectTimeout;
    QSpinBox* m_commandTimeout;
    QSpinBox* m_reconnectAttempts;
    QSpinBox* m_reconnectDelay;
    QLineEdit* m_clientName;
    QSpinBox* m_auditMaxLen;
    QComboBox* m_loadShare;
    QDoubleSpinBox* m_loadCallMs;
    QLabel* m_warnings;
    QLabel* m_validation;
    QPushButton* m_testButton;
    QLabel* m_testResult;
    QPushButton* m_doctorButton;
    QDialogButtonBox* m_buttons;
};

} // namespace kiq::ui
