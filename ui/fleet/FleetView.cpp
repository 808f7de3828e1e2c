#include "fleet/FleetView.h"

#include "common/SortedTable.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "deployment/DeploymentPoller.h"
#include "fleet/FleetModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace kiq::ui {

FleetView::FleetView(DeploymentListModel* deployments, QWidget* parent)
    : QWidget(parent)
    , m_deployments(deployments)
    , m_model(new FleetModel(deployments, this))
{
    auto* title = new QLabel(tr("Fleet overview"), this);
    QFont f = title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.3);
    title->setFont(f);
    auto* hint = new QLabel(tr("Every deployment, refreshed every %n second(s). Double-click a row to open it.",
                                nullptr, int(kRefreshEvery.count())),
        this);
    hint->setForegroundRole(QPalette::PlaceholderText);

    m_table = makeSortedTable(m_model, QStringLiteral("fleetTable"), this);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSortIndicator(
        -1, Qt::AscendingOrder); // the sidebar's order until a header is clicked
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(m_table->model());
        const QModelIndex source = proxy ? proxy->mapToSource(index) : index;
        if (Deployment* d = m_model->deploymentAt(source.row())) emit deploymentActivated(d);
    });

    m_status = new QLabel(this);
    m_status->setForegroundRole(QPalette::PlaceholderText);

    auto* auditAll = new QPushButton(tr("Audit all"), this);
    auditAll->setObjectName(QStringLiteral("auditAll"));
    auditAll->setToolTip(tr("Run the security audit of every connected deployment (reads only)"));
    connect(auditAll, &QPushButton::clicked, this, &FleetView::auditAll);
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(title);
    titleRow->addStretch(1);
    titleRow->addWidget(auditAll);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(titleRow);
    layout->addWidget(hint);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    m_deployments->follow(
        this, [this](Deployment* d) { watch(d); },
        [this](Deployment* d) {
            m_watched.remove(d);
            d->poller()->release(this);
        });
}

void FleetView::watch(Deployment* deployment)
{
    if (m_watched.contains(deployment)) return;
    m_watched.insert(deployment);
    DeploymentPoller* poller = deployment->poller();
    connect(poller, &DeploymentPoller::polled, this,
        [this, deployment](const kiq::health::DeploymentReading& r) { showReading(deployment, r); });
    connect(poller, &DeploymentPoller::failed, this, [this, deployment](const QString& error) {
        if (deployment->status() == Deployment::Status::Reachable) m_model->setError(deployment, error);
    });
    // Another connection (or none): the samples belong to the old one.
    connect(deployment, &Deployment::clientChanged, this, [this, deployment] { m_model->clearSamples(deployment); });
    if (isVisible()) poller->want(this, kRefreshEvery);
}

void FleetView::showReading(Deployment* deployment, const kiq::health::DeploymentReading& reading)
{
    if (reading.fleet)
        m_model->setSample(deployment, *reading.fleet);
    else if (deployment->status() == Deployment::Status::Reachable) // else the status column says it
        m_model->setError(deployment, QString::fromStdString(reading.health.statsError));
    m_status->setText(tr("Updated at %1").arg(QLocale().toString(QTime::currentTime(), QLocale::LongFormat)));
}

void FleetView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    for (const Deployment* d : m_watched) d->poller()->want(this, kRefreshEvery);
    refresh();
}

void FleetView::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    // Nobody is looking: the alerts' slower reads remain, if they are on.
    for (const Deployment* d : m_watched) d->poller()->release(this);
}

void FleetView::refresh()
{
    for (Deployment* d : m_deployments->deployments()) d->poller()->pollNow();
}

void FleetView::auditAll()
{
    for (int row = 0; row < m_deployments->rowCount(); ++row)
        if (Deployment* d = m_deployments->at(row); d->client()) d->runSecurityAudit();
}

} // namespace kiq::ui
