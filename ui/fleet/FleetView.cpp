#include "fleet/FleetView.h"

#include "common/SortedTable.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "fleet/FleetModel.h"
#include "health/FleetRow.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
constexpr int kRefreshMs = 5000;
}

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
                                nullptr, kRefreshMs / 1000),
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

    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &FleetView::refresh);
    connect(deployments, &QAbstractItemModel::rowsRemoved, this, [this] {
        for (auto it = m_readings.begin(); it != m_readings.end();) {
            if (m_deployments->rowOf(it.key()) < 0)
                it = m_readings.erase(it);
            else
                ++it;
        }
    });
    // A deployment that just connected should not wait for the next tick.
    connect(deployments, &QAbstractItemModel::dataChanged, this, [this] {
        if (isVisible()) refresh();
    });
}

void FleetView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_timer.start();
    refresh();
}

void FleetView::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_timer.stop(); // nobody is looking: no load on the servers
}

void FleetView::refresh()
{
    for (Deployment* d : m_deployments->deployments()) refreshOne(d);
    m_status->setText(tr("Updated at %1").arg(QLocale().toString(QTime::currentTime(), QLocale::LongFormat)));
}

void FleetView::auditAll()
{
    for (int row = 0; row < m_deployments->rowCount(); ++row)
        if (Deployment* d = m_deployments->at(row); d->client()) d->runSecurityAudit();
}

void FleetView::refreshOne(Deployment* deployment)
{
    kiq::redis::AsyncClient* client = deployment->client();
    Reading& reading = m_readings[deployment];
    if (reading.client != client) {
        // Another connection (or none): the reader's queue names and the samples belong to the old one.
        reading = Reading {client, std::make_shared<kiq::sidekiq::StatsReader>(), false};
        m_model->clearSamples(deployment);
    }
    if (!client || reading.inFlight || deployment->status() != Deployment::Status::Reachable) return;
    reading.inFlight = true;
    auto reader = reading.reader;
    QPointer<Deployment> guard(deployment);
    client->run<kiq::health::FleetRow>(
        [reader](kiq::redis::Client& c) { return kiq::health::readFleetRow(c, *reader); }, this,
        [this, guard, client](kiq::redis::Result<kiq::health::FleetRow> r) {
            if (!guard) return;
            auto it = m_readings.find(guard.data());
            if (it == m_readings.end() || it->client != client) return; // a late answer from an old client
            it->inFlight = false;
            if (r.ok()) {
                guard->addQueueSample(r.value->takenAt, r.value->processed, r.value->queues);
                m_model->setSample(guard.data(), *r.value);
            } else
                m_model->setError(guard.data(), QString::fromStdString(r.error->message));
        });
}

} // namespace kiq::ui
