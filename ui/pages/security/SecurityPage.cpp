#include "pages/security/SecurityPage.h"

#include "common/Colors.h"
#include "common/OffThread.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::security::Finding;
using kiq::security::Status;

namespace {
enum Column { StatusColumn, Check, Evidence, Fix, ColumnCount };
constexpr int kFindingRole = Qt::UserRole + 1; // index into the report's findings

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

SecurityPage::SecurityPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_tree(new QTreeWidget(this))
    , m_details(new QTextBrowser(this))
    , m_status(new StatusLine(QStringLiteral("securityStatus"), this))
    , m_run(new QPushButton(tr("Run audit"), this))
    , m_exportMarkdown(new QPushButton(tr("Export Markdown…"), this))
    , m_exportJson(new QPushButton(tr("Export JSON…"), this))
{
    setObjectName(QStringLiteral("securityPage"));
    m_tree->setObjectName(QStringLiteral("securityTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Status"), tr("Check"), tr("Evidence"), tr("Fix")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(StatusColumn, 140);
    m_tree->setColumnWidth(Check, 220);
    m_tree->setColumnWidth(Evidence, 420);
    m_details->setObjectName(QStringLiteral("securityDetails"));
    m_run->setObjectName(QStringLiteral("runAudit"));
    m_exportMarkdown->setObjectName(QStringLiteral("exportMarkdown"));
    m_exportJson->setObjectName(QStringLiteral("exportJson"));
    m_run->setToolTip(tr("Reads the server's settings, users, rights and a sample of the jobs; changes nothing"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addStretch(1);
    buttons->addWidget(m_exportMarkdown);
    buttons->addWidget(m_exportJson);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(m_details);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, &SecurityPage::refresh);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &SecurityPage::showDetails);
    for (auto [button, markdown] : {std::pair {m_exportMarkdown, true}, std::pair {m_exportJson, false}})
        connect(button, &QPushButton::clicked, this, [this, markdown] {
            const QString file = QFileDialog::getSaveFileName(this, tr("Export the security audit"),
                markdown ? QStringLiteral("security-audit.md") : QStringLiteral("security-audit.json"),
                markdown ? tr("Markdown (*.md);;All files (*)") : tr("JSON (*.json);;All files (*)"));
            if (!file.isEmpty()) exportTo(file);
        });
    showAudit();
}

QString SecurityPage::title() const
{
    return tr("Security");
}

QIcon SecurityPage::icon() const
{
    return style()->standardIcon(QStyle::SP_MessageBoxWarning);
}

QString SecurityPage::statusText(Status status)
{
    switch (status) {
    case Status::Pass:
        return tr("pass");
    case Status::Warn:
        return tr("warn");
    case Status::Fail:
        return tr("fail");
    case Status::Unknown:
        return tr("could not check");
    case Status::Info:
        return tr("info");
    }
    return {};
}

QString SecurityPage::controlTitle(const std::string& control)
{
    if (control == "identity") return tr("Server identity");
    if (control == "transport") return tr("Transport");
    if (control == "authentication") return tr("Authentication");
    if (control == "authorization") return tr("Authorization");
    if (control == "configuration") return tr("Server configuration");
    if (control == "job-data") return tr("Job data");
    if (control == "operations") return tr("Operations");
    return q(control);
}

void SecurityPage::clientChanged()
{
    if (deployment() && !m_watching) {
        m_watching = true;
        connect(deployment(), &Deployment::securityAuditChanged, this, &SecurityPage::showAudit);
    }
    showAudit();
    if (client() && isVisible() && deployment() && !deployment()->securityAudit()) refresh();
}

void SecurityPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    if (deployment() && !deployment()->securityAudit() && !deployment()->isAuditing()) refresh();
}

void SecurityPage::refresh()
{
    if (deployment()) deployment()->runSecurityAudit();
}

void SecurityPage::showAudit()
{
    const Deployment* d = deployment();
    const bool auditing = d && d->isAuditing();
    m_run->setEnabled(client() && !auditing);
    const auto* report = d && d->securityAudit() ? &*d->securityAudit() : nullptr;
    m_exportMarkdown->setEnabled(report);
    m_exportJson->setEnabled(report);
    if (!client() && !report)
        m_status->showInfo(tr("Not connected"));
    else if (auditing)
        m_status->showInfo(tr("Auditing… (reads only)"));
    else if (d && !d->securityAuditError().isEmpty())
        m_status->showError(tr("The audit failed:"), d->securityAuditError());
    else if (report) {
        const QString when
            = QLocale().toString(QDateTime::fromSecsSinceEpoch(qint64(report->takenAt)), QLocale::ShortFormat);
        m_status->showInfo(tr("%1 fail, %2 warn, %3 could not check, %4 pass · audited %5")
                               .arg(report->count(Status::Fail))
                               .arg(report->count(Status::Warn))
                               .arg(report->count(Status::Unknown))
                               .arg(report->count(Status::Pass))
                               .arg(when));
    } else {
        m_status->showInfo(QString());
    }
    if (auditing) return; // keep the last report on screen until the new one is in

    m_tree->clear();
    m_details->clear();
    if (!report) return;
    QTreeWidgetItem* group = nullptr;
    std::string control;
    for (std::size_t i = 0; i < report->findings.size(); ++i) {
        const Finding& f = report->findings[i];
        if (!group || f.control != control) {
            control = f.control;
            group = new QTreeWidgetItem(m_tree, {controlTitle(control)});
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFirstColumnSpanned(true);
            group->setExpanded(true);
        }
        auto* item = new QTreeWidgetItem(group, {statusText(f.status), q(f.title), q(f.evidence), q(f.fix)});
        item->setData(0, kFindingRole, int(i));
        const QColor color = f.status == Status::Fail ? problemColor(palette())
            : f.status == Status::Warn                ? warningColor(palette())
            : f.status == Status::Pass                ? goodColor(palette())
                                                      : palette().color(QPalette::PlaceholderText);
        item->setForeground(StatusColumn, color);
        for (int c = 0; c < ColumnCount; ++c)
            item->setToolTip(c, q(c == Fix ? f.fix : c == Evidence ? f.evidence : f.why));
    }
}

void SecurityPage::showDetails()
{
    const Deployment* d = deployment();
    const QTreeWidgetItem* item = m_tree->currentItem();
    if (!d || !d->securityAudit() || !item || !item->data(0, kFindingRole).isValid()) return m_details->clear();
    const Finding& f = d->securityAudit()->findings.at(std::size_t(item->data(0, kFindingRole).toInt()));
    QString html
        = QStringLiteral("<h4>%1 — %2</h4><p>%3</p><p><b>%4</b> %5</p>")
              .arg(q(f.title).toHtmlEscaped(), statusText(f.status).toHtmlEscaped(), q(f.evidence).toHtmlEscaped(),
                  tr("Why it matters:").toHtmlEscaped(), q(f.why).toHtmlEscaped());
    if (!f.fix.empty())
        html += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("Fix:").toHtmlEscaped(), q(f.fix).toHtmlEscaped());
    m_details->setHtml(html);
}

void SecurityPage::exportTo(const QString& file)
{
    const Deployment* d = deployment();
    if (!d || !d->securityAudit()) return;
    const bool json = file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    const QByteArray text
        = QByteArray::fromStdString(json ? d->securityAudit()->toJson() : d->securityAudit()->toMarkdown());
    runOffThread(
        this,
        [file, text]() -> std::optional<QString> {
            QFile out(file);
            if (out.open(QIODevice::WriteOnly | QIODevice::Truncate) && out.write(text) == text.size() && out.flush())
                return std::nullopt;
            return out.errorString();
        },
        [file](SecurityPage* self, const std::optional<QString>& failure) {
            if (failure)
                self->m_status->showError(tr("Could not write %1:").arg(file), *failure);
            else
                self->m_status->showInfo(tr("Exported to %1").arg(file));
            emit self->exported(!failure);
        });
}

} // namespace kiq::ui
