#include "connection/DoctorDialog.h"

#include "common/Colors.h"
#include "common/OffThread.h"
#include "credentials/SecretResolver.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <memory>

namespace kiq::ui {

using kiq::server::DoctorReport;
using kiq::server::DoctorStep;

DoctorDialog::DoctorDialog(const kiq::deployment::ConnectionProfile& profile, QWidget* parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_summary(new QLabel(this))
    , m_report(new QTextBrowser(this))
    , m_again(new QPushButton(tr("Run &again"), this))
    , m_copy(new QPushButton(tr("&Copy report"), this))
{
    setWindowTitle(tr("Connection doctor — %1").arg(profile.name));
    m_summary->setObjectName(QStringLiteral("doctorSummary"));
    m_summary->setWordWrap(true);
    m_report->setObjectName(QStringLiteral("doctorReport"));
    m_report->setOpenLinks(false);
    m_again->setObjectName(QStringLiteral("doctorAgain"));
    m_copy->setObjectName(QStringLiteral("doctorCopy"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_again, QDialogButtonBox::ActionRole);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_again, &QPushButton::clicked, this, &DoctorDialog::run);
    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_plainText); });
    resize(820, 480);
    run();
}

QString DoctorDialog::reportText() const
{
    return m_plainText;
}

QString DoctorDialog::stepTitle(const std::string& id)
{
    if (id == "sentinel") return tr("Sentinel");
    if (id == "dns") return tr("Name lookup");
    if (id == "tcp") return tr("TCP connection");
    if (id == "tls-files") return tr("Certificate files");
    if (id == "tls") return tr("TLS handshake");
    if (id == "server-certificate") return tr("Server certificate");
    if (id == "client-certificate") return tr("Client certificate");
    if (id == "auth") return tr("Authentication");
    if (id == "server") return tr("Server");
    if (id == "sidekiq") return tr("Reading Sidekiq's data");
    if (id == "writes") return tr("Writing (armed)");
    return QString::fromStdString(id);
}

void DoctorDialog::run()
{
    if (m_running) return;
    m_running = true;
    m_again->setEnabled(false);
    m_summary->setText(tr("Examining %1…").arg(QString::fromStdString(m_profile.options.describe()).toHtmlEscaped()));
    QPointer<DoctorDialog> self(this);
    kiq::credentials::resolveSecrets(m_profile, this, [self](kiq::credentials::Resolution r) {
        QStringList notes = r.notes;
        if (r.error) notes << tr("The credential helper failed: %1").arg(QString::fromStdString(*r.error));
        for (const auto secret : r.toAsk)
            if (secret != kiq::credentials::Secret::WebhookUrl) // not needed to connect
                notes << (secret == kiq::credentials::Secret::Password
                        ? tr("No password is at hand: the doctor connects without it.")
                        : secret == kiq::credentials::Secret::SentinelPassword
                        ? tr("No Sentinel password is at hand: the doctor connects without it.")
                        : tr("No passphrase for the client key is at hand: the doctor loads the key without it."));
        const kiq::redis::ConnectionOptions options = r.profile.options;
        if (!self) return;
        runOffThread(
            self.data(), [options] { return kiq::server::diagnoseConnection(options); },
            [notes](DoctorDialog* dialog, const DoctorReport& report) { dialog->display(report, notes); });
    });
}

void DoctorDialog::display(const DoctorReport& report, const QStringList& notes)
{
    m_running = false;
    m_again->setEnabled(true);
    int failed = 0, warned = 0;
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='5' width='100%'>");
    m_plainText = QString::fromStdString(report.target) + QLatin1Char('\n');
    for (const QString& note : notes) m_plainText += QStringLiteral("  note: ") + note + QLatin1Char('\n');
    for (const DoctorStep& step : report.steps) {
        QString mark, color, state;
        switch (step.state) {
        case DoctorStep::State::Pass:
            mark = QStringLiteral("✔"), color = goodColor(palette()).name(), state = tr("pass");
            break;
        case DoctorStep::State::Warn:
            mark = QStringLiteral("⚠"), color = warningColor(palette()).name(), state = tr("warn");
            ++warned;
            break;
        case DoctorStep::State::Fail:
            mark = QStringLiteral("✖"), color = problemColor(palette()).name(), state = tr("fail");
            ++failed;
            break;
        case DoctorStep::State::Skipped:
            mark = QStringLiteral("–"), color = palette().color(QPalette::PlaceholderText).name(),
            state = tr("skipped");
            break;
        }
        const QString title = stepTitle(step.id);
        const QString detail = QString::fromStdString(step.detail);
        const QString fix = QString::fromStdString(step.fix);
        html += QStringLiteral("<tr><td valign='top' style='color:%1'><b>%2</b></td>"
                               "<td valign='top' width='28%'><b>%3</b></td><td valign='top'>%4%5</td></tr>")
                    .arg(color, mark, title.toHtmlEscaped(), detail.toHtmlEscaped(),
                        fix.isEmpty() ? QString()
                                      : QStringLiteral("<br><span style='color:%1'>%2</span> %3")
                                            .arg(color, tr("Fix:").toHtmlEscaped(), fix.toHtmlEscaped()));
        m_plainText += QStringLiteral("  %1 %2: %3\n").arg(state, title, detail);
        if (!fix.isEmpty()) m_plainText += QStringLiteral("      %1 %2\n").arg(tr("Fix:"), fix);
    }
    html += QStringLiteral("</table>");
    QString summary = failed > 0
        ? tr("%n step(s) failed", nullptr, failed) + (warned ? tr(", %n warning(s)", nullptr, warned) : QString())
        : warned > 0 ? tr("The connection works, with %n warning(s)", nullptr, warned)
                     : tr("Every step passed");
    m_summary->setText(QStringLiteral("<b>%1</b> — %2")
                           .arg(QString::fromStdString(report.target).toHtmlEscaped(), summary.toHtmlEscaped()));
    for (const QString& note : notes)
        m_summary->setText(m_summary->text() + QStringLiteral("<br>") + note.toHtmlEscaped());
    m_report->setHtml(html);
    emit finished();
}

} // namespace kiq::ui
