#include "CliContext.h"

#include "credentials/SecretResolver.h"
#include "storage/ConnectionProfileStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStringList>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <unistd.h>

namespace kiq::cli {

namespace {
// By name (what the sidebar shows), or by id when names repeat.
deployment::ConnectionProfile findProfile(const std::string& wanted)
{
    QSettings settings; // the desktop app's: same organisation and application name
    const storage::ProfileStore store(settings);
    if (!store.problem().isEmpty()) std::cerr << "warning: " << store.problem().toStdString() << "\n";
    const auto profiles = store.load();
    const QString key = QString::fromStdString(wanted);
    QList<deployment::ConnectionProfile> named;
    QStringList names;
    for (const auto& p : profiles) {
        if (p.id == key) return p;
        if (p.name == key) named << p;
        names << p.name;
    }
    if (named.size() == 1) return named.front();
    if (named.size() > 1)
        throw redis::UsageError("several saved profiles are named '" + wanted + "': pass the id of one ("
            + named.front().id.toStdString() + ", …)");
    throw redis::UsageError("no saved profile named '" + wanted + "'"
        + (names.isEmpty() ? std::string(" (none saved)")
                           : " (saved: " + names.join(QStringLiteral(", ")).toStdString() + ")"));
}
} // namespace

void CliContext::resolve()
{
    if (m_resolved) return;
    if (!profileName.empty()) {
        m_profile = findProfile(profileName);
        m_gate = std::make_unique<write::WriteGate>(m_profile->name.toStdString(), m_profile->opensReadOnly());
        m_gate->setRefusalText(m_profile->label().toStdString(), "pass --arm \"reason\" to write");
    } else {
        m_gate = std::make_unique<write::WriteGate>("kiqdesk-cli");
    }
    // For this one invocation: a bulk run longer than a GUI arming must not stop halfway.
    if (!armReason.empty()) m_gate->arm(armReason, write::WriteGate::kUntilDisarmed);
    m_gate->addAuditSink([this](const write::AuditEntry& entry) {
        if (!m_trail) {
            m_trail = std::make_unique<write::AuditTrail>(
                options(), auditLocalFile(), m_profile ? m_profile->auditMaxLen : write::AuditTrail::kDefaultMaxLen);
            // The write went through either way: say where its entry went, once, and exit as the write says.
            m_trail->setProblemListener([](const std::string& problem) {
                if (!problem.empty()) std::cerr << "warning: " << problem << "\n";
            });
        }
        m_trail->append(entry);
    });
    m_resolved = true;
}

std::string CliContext::auditLocalFile()
{
    resolve();
    return write::AuditTrail::defaultLocalFile(m_profile ? m_profile->name.toStdString() : options().describe());
}

write::WriteGate& CliContext::gate()
{
    resolve();
    if (!m_journalRegistered) {
        undoJournal();
        m_gate->addRemovalJournal(m_journal);
        m_journalRegistered = true;
    }
    return *m_gate;
}

write::UndoJournal& CliContext::undoJournal()
{
    if (!m_journal) m_journal = std::make_shared<write::UndoJournal>();
    return *m_journal;
}

void CliContext::reportUndo() const
{
    if (!m_journal) return;
    if (const auto id = m_journal->takeLastAction()) {
        std::cerr << "undo with: kiqdesk-cli (the same connection) undo restore " << *id << "\n";
    }
    if (const auto warning = m_journal->takeWarning(); !warning.empty()) std::cerr << "warning: " << warning << "\n";
}

void CliContext::requireWritable()
{
    if (!gate().writable()) throw write::WriteRefused(gate().refusalMessage());
}

const redis::ConnectionOptions& CliContext::options()
{
    if (!m_options) {
        resolve();
        m_options = flags.build(secrets, m_profile ? &*m_profile : nullptr);
        if (m_profile) m_options = profileSecrets(*m_options, false);
        for (const auto& w : m_options->warnings()) std::cerr << "warning: " << w << "\n";
    }
    return *m_options;
}

const deployment::ConnectionProfile* CliContext::profile()
{
    resolve();
    return m_profile ? &*m_profile : nullptr;
}

redis::ConnectionOptions CliContext::profileSecrets(const redis::ConnectionOptions& built, bool onlyHelpers)
{
    // The profile's sources, as the app uses them: a secret the environment or --askpass gave stays;
    // the keychain and helpers give theirs; what is left is asked for on the terminal.
    deployment::ConnectionProfile profile = *m_profile;
    profile.options = built;
    profile.webhook = false; // the CLI posts no alerts: its URL is neither read nor asked for
    auto r = credentials::resolveSecretsBlocking(profile, onlyHelpers);
    if (r.error) throw credentials::CredentialError(*r.error);
    for (const QString& note : std::as_const(r.notes)) std::cerr << "note: " << note.toStdString() << "\n";
    for (const auto secret : r.toAsk) {
        const char* prompt = secret == credentials::Secret::Password ? "Password: "
            : secret == credentials::Secret::SentinelPassword        ? "Sentinel password: "
                                                                     : "Passphrase for the client key: ";
        r.profile.secretValue(secret) = readPasswordFromTerminal(prompt);
    }
    return r.profile.options;
}

std::shared_ptr<const redaction::Redactor> CliContext::redactor()
{
    if (!m_redactor) {
        resolve();
        if (noRedact) {
            m_redactor = std::make_shared<const redaction::Redactor>(redaction::RedactionRules::none());
            m_gate->record({"reveal", "job arguments", 0, "--no-redact", {}});
        } else {
            m_redactor = std::make_shared<const redaction::Redactor>(
                m_profile ? m_profile->redaction : redaction::RedactionRules {});
        }
    }
    return m_redactor;
}

redis::Client& CliContext::client()
{
    if (!m_client) {
        m_client = std::make_unique<redis::Client>(options());
        try {
            m_client->connect();
        } catch (const redis::Error& e) {
            // A helper's token may have been rotated since it printed it: run the helpers once more.
            if (e.kind() != ErrorKind::WrongPass || !m_profile || !credentials::usesHelper(*m_profile)) throw;
            m_options = profileSecrets(*m_options, true);
            m_client = std::make_unique<redis::Client>(*m_options);
            m_client->connect();
        }
    }
    return *m_client;
}

void CliContext::printJson(const QJsonValue& value) const
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    std::cout << doc.toJson(QJsonDocument::Indented).toStdString();
}

std::string formatAge(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    const long long s = static_cast<long long>(seconds);
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
    if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string formatElapsed(double seconds)
{
    char buf[32];
    if (seconds < 1)
        std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1000);
    else
        std::snprintf(buf, sizeof buf, "%.2f s", seconds);
    return buf;
}

std::string countOf(long long n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string formatTime(double epochSeconds)
{
    const std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string truncate(const std::string& text, std::size_t width)
{
    if (text.size() <= width) return text;
    std::size_t cut = width > 1 ? width - 1 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // stay on a UTF-8 boundary
    return text.substr(0, cut) + "…";
}

bool confirm(const std::string& question, long long count, bool yes)
{
    if (yes) return true;
    if (!isatty(STDIN_FILENO)) {
        std::cerr << question << " Refusing without --yes (stdin is not a terminal).\n";
        return false;
    }
    // Confirmation proportional to the damage: a handful is a y/N, more means typing the count.
    if (count <= 10) {
        std::cerr << question << " [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        return answer == "y" || answer == "Y" || answer == "yes";
    }
    std::cerr << question << " Type " << count << " to confirm: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == std::to_string(count);
}

} // namespace kiq::cli
