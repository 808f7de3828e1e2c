#include "connection/ConnectionDialog.h"

#include "common/ClientRetirement.h"
#include "common/Colors.h"
#include "common/Formatting.h"
#include "common/OffThread.h"
#include "connection/DoctorDialog.h"
#include "connection/RedactionBox.h"
#include "connection/SecretSourceBox.h"
#include "connection/TlsBox.h"
#include "connection/TopologyBox.h"
#include "deployment/EnvironmentTag.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "server/ServerInfoProbe.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

namespace {
using kiq::deployment::ConnectionProfile;
using kiq::deployment::Environment;

QSpinBox* spin(const QString& name, int min, int max, const QString& suffix, QWidget* parent)
{
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(min, max);
    s->setSuffix(suffix);
    return s;
}

QLineEdit* line(const QString& name, QWidget* parent)
{
    auto* e = new QLineEdit(parent);
    e->setObjectName(name);
    return e;
}

// Problems the client would refuse before sending anything (ConnectionOptions::validate), plus
// endpoint lists we could not read. Empty when the options are usable.
QString validationError(const kiq::redis::ConnectionOptions& options, const QString& topologyError)
{
    if (!topologyError.isEmpty()) return topologyError;
    if (options.topology == kiq::redis::Topology::Standalone && options.endpoint.host.empty())
        return QCoreApplication::translate("kiq::ui::ConnectionDialog", "Enter the server's host name or address.");
    if (auto problem = options.validate()) return QString::fromStdString(*problem);
    return {};
}
} // namespace

ConnectionDialog::ConnectionDialog(QWidget* parent)
    : QDialog(parent)
    , m_name(line(QStringLiteral("name"), this))
    , m_environment(new QComboBox(this))
    , m_tagButton(new QToolButton(this))
    , m_url(line(QStringLiteral("url"), this))
    , m_urlError(new QLabel(this))
    , m_topology(new TopologyBox(this))
    , m_db(spin(QStringLiteral("db"), 0, 9999, QString(), this))
    , m_prefix(line(QStringLiteral("keyPrefix"), this))
    , m_user(line(QStringLiteral("user"), this))
    , m_password(line(QStringLiteral("password"), this))
    , m_passwordRequired(new QCheckBox(tr("Ask for the password when connecting"), this))
    , m_webhook(
          new QCheckBox(tr("Post this deployment's alerts to a webhook (its URL comes from the source above)"), this))
    , m_readOnly(new QCheckBox(tr("Read-only: writes need arming with a reason"), this))
    , m_armMinutes(spin(QStringLiteral("armMinutes"), 1, 480, tr(" min"), this))
    , m_tls(new TlsBox(this))
    , m_redaction(new RedactionBox(this))
    , m_secretSources(new SecretSourceBox(this))
    , m_connectTimeout(spin(QStringLiteral("connectTimeout"), 100, 120000, tr(" ms"), this))
    , m_commandTimeout(spin(QStringLiteral("commandTimeout"), 100, 600000, tr(" ms"), this))
    , m_reconnectAttempts(spin(QStringLiteral("reconnectAttempts"), 1, 20, QString(), this))
    , m_reconnectDelay(spin(QStringLiteral("reconnectDelay"), 0, 10000, tr(" ms"), this))
    , m_clientName(line(QStringLiteral("clientName"), this))
    , m_auditMaxLen(spin(
          QStringLiteral("auditMaxLen"), int(ConnectionProfile::kMinAuditMaxLen), 10'000'000, tr(" entries"), this))
    , m_loadShare(new QComboBox(this))
    , m_loadCallMs(new QDoubleSpinBox(this))
    , m_warnings(new QLabel(this))
    , m_validation(new QLabel(this))
    , m_testButton(new QPushButton(tr("&Test connection"), this))
    , m_testResult(new QLabel(this))
    , m_doctorButton(new QPushButton(tr("&Diagnose…"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Connection"));
    m_warnings->setObjectName(QStringLiteral("warnings"));
    m_warnings->setWordWrap(true);
    m_validation->setObjectName(QStringLiteral("validation"));
    m_validation->setWordWrap(true);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    m_doctorButton->setObjectName(QStringLiteral("doctorButton"));
    m_doctorButton->setToolTip(tr("Take the connection apart step by step and say what to fix"));
    m_passwordRequired->setObjectName(QStringLiteral("passwordRequired"));

    auto* tabs = new QTabWidget(this);
    tabs->addTab(buildConnectionTab(), tr("Connection"));
    tabs->addTab(buildSecurityTab(), tr("Security"));
    tabs->addTab(buildAdvancedTab(), tr("Advanced"));

    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton, 0, Qt::AlignTop);
    testRow->addWidget(m_testResult, 1);
    testRow->addWidget(m_doctorButton, 0, Qt::AlignTop);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_warnings);
    layout->addWidget(m_validation);
    layout->addLayout(testRow);
    layout->addWidget(m_buttons);

    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_doctorButton, &QPushButton::clicked, this, &ConnectionDialog::diagnose);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);
    setProfile(ConnectionProfile::create());
    watchForChanges();
    resize(620, sizeHint().height());
}

ConnectionDialog::~ConnectionDialog()
{
    retireClient(std::move(m_testClient));
}

QWidget* ConnectionDialog::buildConnectionTab()
{
    auto* page = new QWidget(this);
    for (auto e : {Environment::Development, Environment::Staging, Environment::Production, Environment::Other})
        m_environment->addItem(environmentLabel(e), int(e));
    m_environment->setObjectName(QStringLiteral("environment"));
    m_tagButton->setObjectName(QStringLiteral("tagColor"));
    m_tagButton->setToolTip(tr("Tag colour"));
    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        m_tagColor.clear(); // a new environment brings its own colour
        updateTagButton();
        updateReadOnlyBox();
    });
    m_readOnly->setObjectName(QStringLiteral("readOnly"));
    connect(m_readOnly, &QCheckBox::toggled, this, [this](bool on) {
        if (m_readOnly->isEnabled()) m_readOnlyMark = on;
    });
    connect(m_tagButton, &QToolButton::clicked, this, [this] {
        const QColor chosen = QColorDialog::getColor(tagColor(profile()), this, tr("Tag colour"));
        if (!chosen.isValid()) return;
        m_tagColor = chosen.name();
        updateTagButton();
    });
    auto* tagRow = new QHBoxLayout;
    tagRow->addWidget(m_environment, 1);
    tagRow->addWidget(m_tagButton);

    m_url->setPlaceholderText(tr("redis://user:password@host:6379/0 or rediss://…"));
    auto* fill = new QPushButton(tr("Fill in"), page);
    fill->setObjectName(QStringLiteral("fillFromUrl"));
    connect(fill, &QPushButton::clicked, this, [this] { applyUrl(m_url->text()); });
    connect(m_url, &QLineEdit::returnPressed, this, [this] { applyUrl(m_url->text()); });
    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(fill);
    m_urlError->setWordWrap(true);
    m_urlError->hide();

    m_name->setPlaceholderText(tr("e.g. Billing production"));
    m_prefix->setPlaceholderText(tr("none (e.g. myapp: for redis-namespace)"));
    connect(m_topology, &TopologyBox::topologyChanged, this, [this](kiq::redis::Topology t) {
        // Redis Cluster has only database 0.
        if (t == kiq::redis::Topology::Cluster) m_db->setValue(0);
        m_db->setEnabled(t != kiq::redis::Topology::Cluster);
    });

    auto* top = new QFormLayout;
    top->addRow(tr("Name:"), m_name);
    top->addRow(tr("Environment:"), tagRow);
    auto* writesRow = new QHBoxLayout;
    writesRow->addWidget(m_readOnly, 1);
    writesRow->addWidget(new QLabel(tr("Arm for:"), page));
    writesRow->addWidget(m_armMinutes);
    top->addRow(tr("Writes:"), writesRow);
    top->addRow(tr("URL:"), urlRow);
    top->addRow(QString(), m_urlError);
    auto* bottom = new QFormLayout;
    bottom->addRow(tr("Database:"), m_db);
    bottom->addRow(tr("Namespace prefix:"), m_prefix);

    auto* layout = new QVBoxLayout(page);
    layout->addLayout(top);
    layout->addWidget(m_topology);
    layout->addLayout(bottom);
    layout->addStretch(1);
    return page;
}

QWidget* ConnectionDialog::buildSecurityTab()
{
    auto* page = new QWidget(this);
    m_user->setPlaceholderText(tr("default"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("not saved: asked when connecting"));
    connect(m_password, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.isEmpty()) m_passwordRequired->setChecked(true);
    });
    auto* auth = new QGroupBox(tr("Authentication"), page);
    auto* form = new QFormLayout(auth);
    form->addRow(tr("Username:"), m_user);
    form->addRow(tr("Password:"), m_password);
    form->addRow(QString(), m_passwordRequired);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(auth);
    layout->addWidget(m_secretSources);
    m_webhook->setObjectName(QStringLiteral("webhook"));
    m_webhook->setToolTip(tr("Each alert as a JSON POST, for chat tools. The URL holds the tool's token: it is "
                             "kept like a password, never in the profile file."));
    layout->addWidget(m_webhook);
    layout->addWidget(m_tls);
    layout->addWidget(m_redaction);
    layout->addStretch(1);
    return page;
}

QWidget* ConnectionDialog::buildAdvancedTab()
{
    auto* page = new QWidget(this);
    m_clientName->setPlaceholderText(tr("none (CLIENT SETNAME is skipped)"));
    auto* form = new QFormLayout(page);
    form->addRow(tr("Connect timeout:"), m_connectTimeout);
    form->addRow(tr("Command timeout:"), m_commandTimeout);
    form->addRow(tr("Connection attempts:"), m_reconnectAttempts);
    form->addRow(tr("First retry after:"), m_reconnectDelay);
    form->addRow(tr("Client name:"), m_clientName);
    m_auditMaxLen->setSingleStep(10'000);
    m_auditMaxLen->setGroupSeparatorShown(true);
    m_auditMaxLen->setToolTip(tr("The shared audit trail (the kiqdesk:audit stream in this deployment's Redis) "
                                 "keeps about this many entries; older ones are trimmed. About 1 KB each."));
    form->addRow(tr("Audit trail keeps about:"), m_auditMaxLen);

    m_loadShare->setObjectName(QStringLiteral("loadShare"));
    m_loadShare->addItem(tr("As the environment: production 25%, staging 50%, else 100%"), 0);
    for (int percent : {10, 25, 50, 75, 100}) m_loadShare->addItem(tr("%1% of Redis time").arg(percent), percent);
    m_loadShare->addItem(tr("Unlimited (fastest, heaviest on other clients)"), ConnectionProfile::kUnlimitedLoad);
    m_loadShare->setToolTip(tr("Bulk actions, job index builds and the security audit's sample keep Redis busy at "
                               "most this share of each second, so the apps sharing it keep their latency. They "
                               "slow down further while the server answers late."));
    form->addRow(tr("Long operations may take:"), m_loadShare);
    m_loadCallMs->setObjectName(QStringLiteral("loadCallMs"));
    m_loadCallMs->setRange(kiq::redis::LoadBudget::kMinCallMs, kiq::redis::LoadBudget::kMaxCallMs);
    m_loadCallMs->setDecimals(1);
    m_loadCallMs->setSingleStep(0.5);
    m_loadCallMs->setSuffix(tr(" ms"));
    m_loadCallMs->setToolTip(tr("Redis runs one command at a time: every other client waits while one of ours runs. "
                                "Calls are sized by measured time to hold it about this long."));
    form->addRow(tr("One call holds Redis about:"), m_loadCallMs);
    return page;
}

void ConnectionDialog::watchForChanges()
{
    // Every input can change the warnings (TLS off, a remote host, verification off), so all of them
    // are watched rather than a hand-kept list that would miss the next field added.
    for (auto* w : findChildren<QLineEdit*>())
        connect(w, &QLineEdit::textChanged, this, &ConnectionDialog::updateWarnings);
    for (auto* w : findChildren<QPlainTextEdit*>())
        connect(w, &QPlainTextEdit::textChanged, this, &ConnectionDialog::updateWarnings);
    for (auto* w : findChildren<QAbstractButton*>())
        connect(w, &QAbstractButton::toggled, this, &ConnectionDialog::updateWarnings);
    for (auto* w : findChildren<QGroupBox*>()) connect(w, &QGroupBox::toggled, this, &ConnectionDialog::updateWarnings);
    for (auto* w : findChildren<QComboBox*>())
        connect(w, &QComboBox::currentIndexChanged, this, &ConnectionDialog::updateWarnings);
    for (auto* w : findChildren<QSpinBox*>())
        connect(w, &QSpinBox::valueChanged, this, &ConnectionDialog::updateWarnings);
    updateWarnings();
}

void ConnectionDialog::setProfile(const ConnectionProfile& p)
{
    const auto& o = p.options;
    m_id = p.id;
    m_name->setText(p.name);
    m_environment->setCurrentIndex(m_environment->findData(int(p.environment)));
    m_tagColor = p.tagColor; // after the environment: changing it clears the custom colour
    m_readOnlyMark = p.readOnly;
    updateReadOnlyBox();
    m_armMinutes->setValue(p.armMinutes);
    m_topology->setOptions(o, p.sentinelPasswordRequired);
    m_db->setValue(o.db);
    m_prefix->setText(QString::fromStdString(o.keyPrefix));
    m_user->setText(QString::fromStdString(o.user));
    m_password->setText(QString::fromStdString(o.password));
    m_passwordRequired->setChecked(p.passwordRequired || !o.password.empty());
    m_tls->setTlsOptions(o.tls, p.keyPassphraseRequired);
    m_redaction->setRules(p.redaction);
    for (const auto secret : kiq::credentials::kAllSecrets) m_secretSources->setSource(secret, p.source(secret));
    m_webhook->setChecked(p.webhook);
    m_webhookUrl = p.webhookUrl;
    m_connectTimeout->setValue(int(o.connectTimeout.count()));
    m_commandTimeout->setValue(int(o.commandTimeout.count()));
    m_reconnectAttempts->setValue(o.reconnectAttempts);
    m_reconnectDelay->setValue(int(o.reconnectBaseDelay.count()));
    m_clientName->setText(QString::fromStdString(o.clientName));
    m_auditMaxLen->setValue(int(std::min<long long>(p.auditMaxLen, m_auditMaxLen->maximum())));
    const int share = m_loadShare->findData(p.loadSharePercent);
    if (share < 0) // a hand-edited percentage not in the list keeps its value
        m_loadShare->addItem(tr("%1% of Redis time").arg(p.loadSharePercent), p.loadSharePercent);
    m_loadShare->setCurrentIndex(m_loadShare->findData(p.loadSharePercent));
    m_loadCallMs->setValue(p.loadCallMs);
    updateTagButton();
    updateWarnings();
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p;
    p.id = m_id;
    p.name = m_name->text().trimmed();
    p.environment = Environment(m_environment->currentData().toInt());
    p.tagColor = m_tagColor;
    p.readOnly = m_readOnlyMark;
    p.armMinutes = m_armMinutes->value();
    p.auditMaxLen = m_auditMaxLen->value();
    p.loadSharePercent = m_loadShare->currentData().toInt();
    p.loadCallMs = m_loadCallMs->value();
    p.redaction = m_redaction->rules();
    auto& o = p.options;
    m_topology->applyTo(o);
    o.db = m_db->value();
    o.keyPrefix = m_prefix->text().toStdString(); // not trimmed: a prefix may end in a space on purpose
    o.user = m_user->text().trimmed().toStdString();
    o.password = m_password->text().toStdString();
    o.tls = m_tls->tlsOptions();
    o.connectTimeout = std::chrono::milliseconds(m_connectTimeout->value());
    o.commandTimeout = std::chrono::milliseconds(m_commandTimeout->value());
    o.reconnectAttempts = m_reconnectAttempts->value();
    o.reconnectBaseDelay = std::chrono::milliseconds(m_reconnectDelay->value());
    o.clientName = m_clientName->text().trimmed().toStdString();
    p.passwordRequired = m_passwordRequired->isChecked() || !o.password.empty();
    p.sentinelPasswordRequired = m_topology->sentinelPasswordRequired();
    p.keyPassphraseRequired = o.tls.enabled && m_tls->keyPassphraseRequired();
    for (const auto secret : kiq::credentials::kAllSecrets) p.source(secret) = m_secretSources->source(secret);
    p.webhook = m_webhook->isChecked();
    if (p.webhook)
        p.webhookUrl = m_webhookUrl; // resolved this session: kept, like a typed password
    else
        p.webhookSource = {};
    // Only a secret the connection uses comes from anywhere: no Sentinel password without Sentinel.
    if (o.topology != kiq::redis::Topology::Sentinel) p.sentinelPasswordSource = {};
    if (!o.tls.enabled) p.keyPassphraseSource = {};
    if (p.name.isEmpty()) p.name = QString::fromStdString(o.describe());
    return p;
}

void ConnectionDialog::updateReadOnlyBox()
{
    const bool production = Environment(m_environment->currentData().toInt()) == Environment::Production;
    m_readOnly->setEnabled(!production);
    m_readOnly->setChecked(production || m_readOnlyMark);
    m_readOnly->setToolTip(production ? tr("Production deployments always open read-only.")
                                      : tr("Open this deployment read-only, as production is."));
}

bool ConnectionDialog::applyUrl(const QString& url)
{
    kiq::redis::ConnectionOptions parsed;
    try {
        parsed = kiq::redis::parseRedisUrl(url.trimmed().toStdString());
    } catch (const std::exception& e) {
        m_urlError->setText(tr("Cannot read this URL: %1").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        m_urlError->show();
        return false;
    }
    // The URL says where and who; files, timeouts and the rest of the form stay as they are.
    ConnectionProfile p = profile();
    p.options.topology = kiq::redis::Topology::Standalone;
    p.options.endpoint = parsed.endpoint;
    p.options.user = parsed.user;
    p.options.password = parsed.password;
    p.options.db = parsed.db;
    p.options.tls.enabled = parsed.tls.enabled;
    if (m_name->text().trimmed().isEmpty()) p.name.clear();
    setProfile(p);
    // The URL may hold a password: do not leave it on screen in clear text.
    m_url->clear();
    m_urlError->hide();
    return true;
}

void ConnectionDialog::updateWarnings()
{
    const ConnectionProfile p = profile();
    QStringList items;
    for (const auto& w : p.options.warnings()) items << QString::fromStdString(w).toHtmlEscaped();
    m_warnings->setVisible(!items.isEmpty());
    const QString sign = QStringLiteral("<span style='color:%1'>⚠</span> ").arg(warningColor(palette()).name());
    m_warnings->setText(items.isEmpty() ? QString() : sign + items.join(QStringLiteral("<br>") + sign));
    QString topologyError;
    kiq::redis::ConnectionOptions o;
    topologyError = m_topology->applyTo(o);
    if (topologyError.isEmpty()) topologyError = m_redaction->problem();
    if (topologyError.isEmpty()) topologyError = m_secretSources->problem();
    m_validation->setText(topologyError.toHtmlEscaped());
    m_validation->setVisible(!topologyError.isEmpty());
}

void ConnectionDialog::updateTagButton()
{
    QPixmap swatch(16, 16);
    swatch.fill(Qt::transparent);
    QPainter painter(&swatch);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(tagColor(profile()));
    painter.setPen(Qt::NoPen);
    painter.drawRoundedRect(swatch.rect(), 3, 3);
    m_tagButton->setIcon(swatch);
}

QString ConnectionDialog::warningText() const
{
    return m_warnings->text();
}

QString ConnectionDialog::testResultText() const
{
    return m_testResult->text();
}

void ConnectionDialog::testConnection()
{
    if (m_testClient) return;
    const ConnectionProfile p = profile();
    QString topologyError;
    {
        kiq::redis::ConnectionOptions scratch;
        topologyError = m_topology->applyTo(scratch);
    }
    if (const QString error = validationError(p.options, topologyError); !error.isEmpty()) {
        showTestResult(error.toHtmlEscaped(), false);
        return;
    }
    try {
        m_testClient = std::make_unique<kiq::redis::AsyncClient>(p.options);
    } catch (const std::exception& e) {
        showTestResult(QString::fromStdString(e.what()).toHtmlEscaped(), false);
        return;
    }
    m_testButton->setEnabled(false);
    m_testResult->setText(tr("Testing %1…").arg(QString::fromStdString(p.options.describe()).toHtmlEscaped()));
    m_testClient->run<kiq::server::ServerProbe>(
        &kiq::server::probeServer, this, [this, options = p.options](kiq::redis::Result<kiq::server::ServerProbe> r) {
            retireClient(std::move(m_testClient));
            if (!r.ok()) {
                // kiq::redis::Error messages are written for people ("connection refused by
                // 10.0.0.5:6379", "the server requires a client certificate"): show them as they are.
                explainFailure(
                    options, tr("Connection failed: %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()));
                return;
            }
            m_testButton->setEnabled(true);
            const auto& probe = *r.value;
            const QString rtt = formatLatency(probe.roundTrip);
            QString notes; // "connected as default, no password", a Cluster namespace without a hash tag
            for (const auto& note : probe.notes)
                notes += QStringLiteral("<br>") + QString::fromStdString(note).toHtmlEscaped();
            if (probe.redisVersion.empty()) {
                showTestResult(tr("Connected; PING answered in %1. INFO is not allowed for this user: %2")
                                   .arg(rtt, QString::fromStdString(probe.infoError).toHtmlEscaped())
                        + notes,
                    true);
                return;
            }
            showTestResult(tr("Connected to Redis %1 (%2); round trip %3.")
                               .arg(QString::fromStdString(probe.redisVersion), QString::fromStdString(probe.mode), rtt)
                    + notes,
                true);
        });
}

void ConnectionDialog::explainFailure(const kiq::redis::ConnectionOptions& options, const QString& failure)
{
    m_explaining = true;
    showTestResult(failure + QStringLiteral("<br>") + tr("Finding the step that fails…").toHtmlEscaped(), false);
    runOffThread(
        this, [options] { return kiq::server::diagnoseConnection(options); },
        [failure](ConnectionDialog* self, const kiq::server::DoctorReport& report) {
            self->m_explaining = false;
            self->m_testButton->setEnabled(true);
            QString html = failure;
            for (const auto& step : report.steps) {
                if (step.state != kiq::server::DoctorStep::State::Fail) continue;
                html += QStringLiteral("<br><b>%1</b>: %2")
                            .arg(DoctorDialog::stepTitle(step.id).toHtmlEscaped(),
                                QString::fromStdString(step.fix.empty() ? step.detail : step.fix).toHtmlEscaped());
                break;
            }
            html += QStringLiteral("<br>") + tr("Diagnose… shows every step.").toHtmlEscaped();
            self->showTestResult(html, false);
        });
}

DoctorDialog* ConnectionDialog::diagnose()
{
    const ConnectionProfile p = profile();
    kiq::redis::ConnectionOptions scratch;
    if (const QString error = validationError(p.options, m_topology->applyTo(scratch)); !error.isEmpty()) {
        showTestResult(error.toHtmlEscaped(), false);
        return nullptr;
    }
    auto* doctor = new DoctorDialog(p, this);
    doctor->setAttribute(Qt::WA_DeleteOnClose);
    doctor->show();
    return doctor;
}

void ConnectionDialog::showTestResult(const QString& html, bool ok)
{
    m_testResult->setText(QStringLiteral("<span style='color:%1'>%2</span> %3")
                              .arg(ok ? goodColor(palette()).name() : problemColor(palette()).name(),
                                  ok ? QStringLiteral("✔") : QStringLiteral("✖"), html));
}

void ConnectionDialog::accept()
{
    const ConnectionProfile p = profile();
    kiq::redis::ConnectionOptions scratch;
    QString error = validationError(p.options, m_topology->applyTo(scratch));
    if (error.isEmpty()) error = m_redaction->problem();
    if (error.isEmpty()) error = m_secretSources->problem();
    if (!error.isEmpty()) {
        m_validation->setText(error.toHtmlEscaped());
        m_validation->show();
        return;
    }
    QDialog::accept();
}

} // namespace kiq::ui
