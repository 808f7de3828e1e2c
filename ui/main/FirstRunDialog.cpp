#include "main/FirstRunDialog.h"

#include <QCommandLinkButton>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace kiq::ui {

FirstRunDialog::FirstRunDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Welcome to Kiqdesk"));
    auto* intro = new QLabel(tr("Kiqdesk watches Sidekiq job systems on Redis. There is no connection yet."), this);
    intro->setWordWrap(true);

    auto* sandbox = new QCommandLinkButton(tr("Start a local sandbox"),
        tr("A private Redis on this computer, gone when Kiqdesk quits. "
           "Nothing you do there touches a real deployment."),
        this);
    sandbox->setObjectName(QStringLiteral("startSandbox"));
    auto* add = new QCommandLinkButton(tr("Add a connection"),
        tr("Connect to your own Redis: standalone, Sentinel or Cluster, with or without TLS."), this);
    add->setObjectName(QStringLiteral("addConnection"));
    auto* later = new QPushButton(tr("Not now"), this);

    connect(sandbox, &QCommandLinkButton::clicked, this, [this] {
        m_choice = Choice::StartSandbox;
        accept();
    });
    connect(add, &QCommandLinkButton::clicked, this, [this] {
        m_choice = Choice::AddConnection;
        accept();
    });
    connect(later, &QPushButton::clicked, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(sandbox);
    layout->addWidget(add);
    layout->addWidget(later, 0, Qt::AlignRight);
    sandbox->setFocus();
    setMinimumWidth(480);
}

} // namespace kiq::ui
