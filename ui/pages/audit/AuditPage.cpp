#include "pages/audit/AuditPage.h"

#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "pages/audit/AuditTrailModel.h"
#include "write/AuditChain.h"
#include "write/AuditReader.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <fstream>
#include <utility>

namespace kiq::ui {

namespace {
// Actions the write paths report (core's WriteIntent::action), for the filter's list.
const char* const kActions[] = {"retry", "enqueue", "move", "kill", "delete", "clear-queue", "pause", "resume", "quiet",
    "stop", "acl-setuser", "acl-deluser", "acl-log-reset", "start-workers"};
} // namespace

AuditPage::AuditPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_user(new QLineEdit(this))
    , m_action(new QComboBox(this))
    , m_period(new QComboBox(this))
    , m_reload(new QPushButton(tr("Reload"), this))
    , m_verify(new QPushButton(tr("Verify chain"), this))
    , m_export(new QPushButton(tr("Export JSONL…"), this))
    , m_status(new StatusLine(QStringLiteral("auditStatus"), this))
    , m_model(new AuditTrailModel(this))
{
    setObjectName(QStringLiteral("auditPage"));
    m_user->setObjectName(QStringLiteral("auditUser"));
    m_user->setPlaceholderText(tr("Any user (OS or ACL user)"));
    m_user->setClearButtonEnabled(true);
    m_action->setObjectName(QStringLiteral("auditAction"));
    m_action->addItem(tr("Any action"), QString());
    for (const char* a : kActions) m_action->addItem(QString::fromLatin1(a), QString::fromLatin1(a));
    m_period->setObjectName(QStringLiteral("auditPeriod"));
    m_period->addItem(tr("Last hour"), 3600);
    m_period->addItem(tr("Last 24 hours"), 86400);
    m_period->addItem(tr("Last 7 days"), 7 * 86400);
    m_period->addItem(tr("All"), 0);
    m_period->setCurrentIndex(2);
    m_reload->setObjectName(QStringLiteral("auditReload"));
    m_verify->setObjectName(QStringLiteral("auditVerify"));
    m_verify->setToolTip(tr("Recompute every entry's hash and check the chain: deleted, edited or forged entries "
                            "are marked"));
    m_export->setObjectName(QStringLiteral("auditExport"));
    m_export->setToolTip(tr("Every entry of the trail, oldest first, as JSON lines"));
    m_table = makeSortedTable(m_model, QStringLiteral("auditTable"), this);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Filters and reasons are free text of any length: fixed widths (elided, whole in the tooltip) keep
    // the outcome in view.
    for (const auto& [column, width] :
        {std::pair {AuditTrailModel::DetailColumn, 220}, std::pair {AuditTrailModel::ReasonColumn, 300}}) {
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::Interactive);
        m_table->horizontalHeader()->resizeSection(column, width);
    }
    m_table->sortByColumn(AuditTrailModel::TimeColumn, Qt::DescendingOrder); // a timeline: newest on top

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_user, 1);
    filters->addWidget(m_action);
    filters->addWidget(m_period);
    filters->addWidget(m_reload);
    filters->addStretch();
    filters->addWidget(m_verify);
    filters->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_user, &QLineEdit::returnPressed, this, &AuditPage::refresh);
    connect(m_action, &QComboBox::currentIndexChanged, this, &AuditPage::refresh);
    connect(m_period, &QComboBox::currentIndexChanged, this, &AuditPage::refresh);
    connect(m_reload, &QPushButton::clicked, this, &AuditPage::refresh);
    connect(m_verify, &QPushButton::clicked, this, &AuditPage::verify);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export the audit trail"),
            QStringLiteral("audit-trail.jsonl"), tr("JSON lines (*.jsonl);;All files (*)"));
        if (!file.isEmpty()) exportTo(file);
    });
    updateButtons();
}

QString AuditPage::title() const
{
    return tr("Audit trail");
}

QIcon AuditPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
}

void AuditPage::updateButtons()
{
    const bool connected = client() != nullptr;
    for (QPushButton* b : {m_reload, m_verify, m_export}) b->setEnabled(connected);
}

void AuditPage::clientChanged()
{
    m_loaded = false;
    m_model->setRows({});
    m_status->showInfo(client() ? QString() : tr("Not connected"));
    updateButtons();
    if (client() && isVisible()) refresh();
}

void AuditPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    if (!m_loaded) refresh();
}

void AuditPage::refresh()
{
    if (!client()) return;
    kiq::write::AuditFilter filter;
    filter.user = m_user->text().trimmed().toStdString();
    filter.action = m_action->currentData().toString().toStdString();
    if (const int seconds = m_period->currentData().toInt(); seconds > 0)
        filter.since = double(QDateTime::currentMSecsSinceEpoch()) / 1000 - seconds;
    filter.limit = kRowLimit;
    m_loaded = true;
    runFresh<std::vector<kiq::write::AuditRecord>>(
        [filter](kiq::redis::Client& c) { return kiq::write::listAuditStream(c, filter); },
        [this](kiq::redis::Result<std::vector<kiq::write::AuditRecord>> r) {
            if (!r.ok()) {
                m_status->showLoadError(explainError(r.error->message));
                return;
            }
            const int n = int(r.value->size());
            m_model->setRows(std::move(*r.value));
            m_status->showInfo(n == 0     ? tr("No entries match.")
                    : n >= int(kRowLimit) ? tr("The newest %n matching entries.", nullptr, n)
                                          : tr("%n matching entries.", nullptr, n));
        });
}

void AuditPage::verify()
{
    m_status->showInfo(tr("Verifying the chain…"));
    runFresh<kiq::write::ChainReport>([](kiq::redis::Client& c) { return kiq::write::verifyAuditStream(c); },
        [this](kiq::redis::Result<kiq::write::ChainReport> r) {
            if (!r.ok()) {
                m_status->showError(tr("Could not verify:"), explainError(r.error->message));
                return;
            }
            std::map<std::string, std::string> breaks;
            for (const auto& b : r.value->breaks) breaks.emplace(b.id, b.what);
            m_model->setBreaks(std::move(breaks));
            const QString summary = QString::fromStdString(r.value->summary());
            if (r.value->intact())
                m_status->showInfo(summary);
            else
                m_status->showProblem(summary.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
        });
}

void AuditPage::exportTo(const QString& file)
{
    m_status->showInfo(tr("Exporting…"));
    runFresh<long long>(
        [path = file.toStdString()](kiq::redis::Client& c) {
            const auto records = kiq::write::readAuditStream(c);
            std::ofstream out(path, std::ios::out | std::ios::trunc | std::ios::binary);
            for (const auto& r : records) out << r.toJsonLine() << '\n';
            out.flush();
            if (!out) throw kiq::redis::UsageError("cannot write " + path);
            return static_cast<long long>(records.size());
        },
        [this, file](kiq::redis::Result<long long> r) {
            if (!r.ok()) {
                m_status->showError(tr("Could not export:"), explainError(r.error->message));
                return;
            }
            m_status->showInfo(tr("Exported %n entries to %1.", nullptr, int(*r.value)).arg(file));
        });
}

} // namespace kiq::ui
