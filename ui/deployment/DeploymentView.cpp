#include "deployment/DeploymentView.h"

#include "common/Colors.h"
#include "common/ElidedLabel.h"
#include "deployment/ArmDialog.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/EnvironmentTag.h"

#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace kiq::ui {

DeploymentView::DeploymentView(Deployment* deployment, const std::vector<PageFactory>& pages, QWidget* parent)
    : QWidget(parent)
    , m_deployment(deployment)
    , m_name(new ElidedLabel(this))
    , m_tag(new QLabel(this))
    , m_target(new ElidedLabel(this))
    , m_status(new QLabel(this))
    , m_warnings(new QLabel(this))
    , m_connect(new QPushButton(tr("Connect…"), this))
    , m_writes(new QLabel(this))
    , m_armButton(new QPushButton(this))
    , m_tabs(new QTabBar(this))
    , m_stack(new QStackedWidget(this))
{
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.4);
    nameFont.setBold(true);
    m_name->setFont(nameFont);
    m_name->setObjectName(QStringLiteral("deploymentName"));
    m_tag->setObjectName(QStringLiteral("deploymentTag"));
    m_target->setForegroundRole(QPalette::PlaceholderText);
    m_target->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("deploymentStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true); // an unreachable server's error can be long (TLS details, sentinels tried)
    m_warnings->setObjectName(QStringLiteral("deploymentWarnings"));
    m_warnings->setWordWrap(true);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_writes->setObjectName(QStringLiteral("writesState"));
    m_armButton->setObjectName(QStringLiteral("armWritesButton"));
    m_countdown.setInterval(1000);

    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(m_name);
    titleRow->addWidget(m_tag);
    titleRow->addSpacing(12);
    titleRow->addWidget(m_target);
    titleRow->addStretch(1);
    titleRow->addWidget(m_writes);
    titleRow->addWidget(m_armButton);
    titleRow->addWidget(m_connect);

    m_tabs->setDocumentMode(true);
    m_tabs->setExpanding(false);
    m_tabs->setDrawBase(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 8);
    layout->addLayout(titleRow);
    layout->addWidget(m_status);
    layout->addWidget(m_warnings);
    layout->addWidget(m_tabs);
    layout->addWidget(m_stack, 1);

    for (const PageFactory& make : pages) addPage(make(m_stack));
    connect(m_tabs, &QTabBar::currentChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_connect, &QPushButton::clicked, this, [this] { emit connectRequested(m_deployment); });
    connect(m_deployment, &Deployment::statusChanged, this, &DeploymentView::updateHeader);
    connect(m_deployment, &Deployment::profileChanged, this, &DeploymentView::updateHeader);
    connect(m_deployment, &Deployment::auditProblemChanged, this, &DeploymentView::updateHeader);
    connect(m_deployment, &Deployment::writesChanged, this, [this] {
        updateWrites();
        for (DeploymentPage* page : std::as_const(m_pages)) page->notifyWritesChanged();
    });
    connect(&m_countdown, &QTimer::timeout, this, &DeploymentView::updateWrites);
    connect(m_armButton, &QPushButton::clicked, this, [this] {
        if (m_deployment->writeGate()->arming())
            m_deployment->disarmWrites();
        else
            askToArm();
    });
    connect(m_deployment, &Deployment::clientChanged, this, [this](kiq::redis::AsyncClient* client) {
        for (DeploymentPage* page : std::as_const(m_pages)) page->setClient(client);
    });
    updateHeader();
}

void DeploymentView::addPage(DeploymentPage* page)
{
    m_pages << page;
    m_stack->addWidget(page);
    m_tabs->addTab(page->icon(), page->title());
    page->setDeployment(m_deployment);
    page->setWriteGate(m_deployment->writeGate());
    page->setProfile(m_deployment->profile(), m_deployment->isPersistent());
    page->setClient(m_deployment->client());
    connect(page, &DeploymentPage::replayRequested, this,
        [this](kiq::sidekiq::JobSetKind kind, const std::vector<kiq::sidekiq::IndexedJobKey>& keys) {
            emit replayRequested(m_deployment, kind, keys);
        });
}

void DeploymentView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The status dot's and the pills' colours are picked for the palette (common/Colors.h): a theme
    // switch repicks them.
    if (event->type() == QEvent::PaletteChange) {
        updateHeader();
        updateWrites();
    }
}

DeploymentPage* DeploymentView::currentPage() const
{
    return qobject_cast<DeploymentPage*>(m_stack->currentWidget());
}

void DeploymentView::setCurrentPage(int index)
{
    m_tabs->setCurrentIndex(index);
}

bool DeploymentView::showSearchHit(const kiq::sidekiq::JobSearchHit& hit)
{
    for (int i = 0; i < m_pages.size(); ++i) {
        if (!m_pages[i]->showSearchHit(hit)) continue;
        setCurrentPage(i);
        return true;
    }
    return false;
}

void DeploymentView::refreshCurrentPage()
{
    if (DeploymentPage* page = currentPage()) page->refresh();
}

void DeploymentView::switchPage(int step)
{
    const int n = m_tabs->count();
    if (n > 1) m_tabs->setCurrentIndex((m_tabs->currentIndex() + step + n) % n);
}

void DeploymentView::switchTab(int step)
{
    QWidget* focus = QApplication::focusWidget();
    for (QWidget* w = focus; w && w != this && isAncestorOf(w); w = w->parentWidget()) {
        if (auto* tabs = qobject_cast<QTabWidget*>(w); tabs && tabs->count() > 1) {
            tabs->setCurrentIndex((tabs->currentIndex() + step + tabs->count()) % tabs->count());
            return;
        }
    }
    switchPage(step);
}

void DeploymentView::updateHeader()
{
    const auto& profile = m_deployment->profile();
    for (DeploymentPage* page : std::as_const(m_pages)) page->setProfile(profile, m_deployment->isPersistent());
    m_name->setFullText(profile.name);
    const QColor color = tagColor(profile);
    m_tag->setText(environmentLabel(profile.environment));
    m_tag->setStyleSheet(pillStyleSheet(color));
    m_target->setFullText(QString::fromStdString(profile.options.describe()));

    const auto status = m_deployment->status();
    m_status->setText(QStringLiteral("<span style='color:%1'>●</span> %2")
                          .arg(statusColor(status).name(), m_deployment->statusText().toHtmlEscaped()));
    m_status->setToolTip(statusLabel(status));
    m_connect->setVisible(status == Deployment::Status::Disconnected
        || (status == Deployment::Status::Unreachable && m_deployment->client() == nullptr));
    m_connect->setText(status == Deployment::Status::Unreachable ? tr("Try again…") : tr("Connect…"));

    // Risky choices are shown on the deployment itself, not only in the dialog where they were made.
    QStringList warnings;
    for (const auto& w : profile.options.warnings()) warnings << QString::fromStdString(w).toHtmlEscaped();
    if (const QString audit = m_deployment->auditProblem(); !audit.isEmpty()) warnings << audit.toHtmlEscaped();
    m_warnings->setVisible(!warnings.isEmpty());
    m_warnings->setText(tr("<b>Warning:</b> %1").arg(warnings.join(QStringLiteral("; "))));
    updateWrites();
}

void DeploymentView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    updateWrites(); // the countdown may have moved on (or run out) while hidden
}

void DeploymentView::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_countdown.stop(); // no repaints for a view nobody sees; the deployment still notices the expiry
}

void DeploymentView::updateWrites()
{
    const auto& gate = *m_deployment->writeGate();
    // A writable deployment (development, by default) shows nothing: no ceremony there.
    const bool readOnly = gate.readOnly();
    m_writes->setVisible(readOnly);
    m_armButton->setVisible(readOnly);
    const auto arming = gate.arming();
    const auto left = gate.remaining();
    if (readOnly && arming && isVisible())
        m_countdown.start();
    else
        m_countdown.stop();
    if (!readOnly) return;
    if (!arming) {
        m_writes->setText(tr("Read-only"));
        m_writes->setToolTip(tr("Writes to this deployment are refused until you arm them with a reason."));
        // A pill like the environment tag, not a bordered box that would read as one more button.
        m_writes->setStyleSheet(pillStyleSheet(mutedColor(palette()), true));
        m_armButton->setText(tr("Arm writes…"));
        m_armButton->setToolTip(tr("Allow writes for a while, with a reason"));
        return;
    }
    QString time = tr("until disarmed");
    if (left) {
        const long long seconds = (left->count() + 999) / 1000;
        time = tr("%1:%2 left").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }
    m_writes->setText(tr("Writes armed: %1").arg(time));
    m_writes->setToolTip(tr("Armed by %1 at %2: %3")
                             .arg(QString::fromStdString(arming->who),
                                 QDateTime::fromMSecsSinceEpoch(qint64(arming->armedAt * 1000)).toString(u"HH:mm"),
                                 QString::fromStdString(arming->reason)));
    // The warning colour: louder than read-only.
    m_writes->setStyleSheet(pillStyleSheet(warningColor(palette()), true));
    m_armButton->setText(tr("Disarm"));
    m_armButton->setToolTip(tr("Back to read-only now"));
}

void DeploymentView::askToArm()
{
    auto* dialog = new ArmDialog(m_deployment->profile(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The dialog's Arm button needs a reason, so arming cannot be refused here.
    connect(dialog, &QDialog::accepted, this,
        [this, dialog] { m_deployment->armWrites(dialog->reason(), std::chrono::minutes(dialog->minutes())); });
    dialog->open();
}

} // namespace kiq::ui
